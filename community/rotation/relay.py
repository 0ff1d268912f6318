"""The part of a departure's page about the two people it concerns: the employee named in
Ruche, their handover, the tutoring they gave, and both journeys side by side."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel.ext.asyncio.session import AsyncSession

from community import permissions
from community.models import Handover, HelpRequest, User
from community.rotation import departures, handover, onboarding, timeline
from community.rotation.departures import DepartureView


@dataclass(frozen=True)
class Relay:
    employee: User | None
    replacement: User | None
    handover: Handover | None  # None also when the reader may not read it
    sessions: list[HelpRequest]
    minutes: int
    journeys: tuple[timeline.Journey, timeline.Journey]
    may_name_employee: bool
    may_write_handover: bool
    may_log_tutoring: bool
    onboarding: onboarding.Group | None
    onboarding_options: list[tuple[str, str]]  # empty to a reader who may not choose
    may_choose_onboarding: bool


async def relay(db: AsyncSession, user: User, view: DepartureView) -> Relay:
    departure = view.departure
    departure_id = departure.id or 0
    chosen = await handover.replacement_of(db, departure_id)
    proposal, person = chosen if chosen else (None, None)
    sessions = (
        await handover.sessions_between(db, departure.employee_id, person.id or 0) if person else []
    )
    tutored = timeline.minutes(sessions)
    written = await handover.handover_of(db, departure_id)
    today = date.today()
    may_read = permissions.can_read_handover(user, view.facts)
    may_choose = permissions.can_choose_onboarding_group(user, view.facts)
    linked = may_choose or view.facts.is_replacement
    group = await onboarding.group_of(db, departure, linked)
    return Relay(
        employee=await db.get(User, departure.employee_id) if departure.employee_id else None,
        replacement=person,
        handover=written if may_read else None,
        sessions=sessions,
        minutes=tutored,
        journeys=(
            timeline.employee(departure, written, tutored, today),
            timeline.replacement(departure, proposal, tutored, today, group),
        ),
        may_name_employee=permissions.can_name_departing_employee(user, view.facts)
        and departure.employee_id is None,
        may_write_handover=permissions.can_write_handover(user, view.facts),
        may_log_tutoring=permissions.can_log_handover_tutoring(user, view.facts)
        and person is not None,
        onboarding=group,
        onboarding_options=await _options(db, view) if may_choose else [],
        # Changed until both sides accept; once they did, only set if it was not.
        may_choose_onboarding=may_choose and (person is None or group is None),
    )


async def _options(db: AsyncSession, view: DepartureView) -> list[tuple[str, str]]:
    return await departures.training_choices(db, view.company.provider_id)

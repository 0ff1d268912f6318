"""The replacement's onboarding: a group of the provider, chosen by the coordinator, which the
replacement joins as a learner once both sides accepted them. They then get its sessions,
feedback and tutoring as any learner of the group does."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import forms, parsing, permissions
from community.database import lock
from community.errors import NotFound
from community.i18n import DISPLAY_TIMEZONE, _
from community.models import CourseSession, Departure, EnrolmentRole, User
from community.rotation import departures, handover, live
from community.trainings.joining import enrol


@dataclass(frozen=True)
class Group:
    """The onboarding group as the timeline names it; `href` is empty for readers who do
    not follow the group."""

    iteration_id: int
    label: str
    href: str
    first_session: date | None


async def enrol_replacement(db: AsyncSession, departure: Departure) -> None:
    """The accepted replacement joins the onboarding group, through the groups' own
    enrolment: once only, however often it is asked."""
    chosen = await handover.replacement_of(db, departure.id or 0)
    if departure.onboarding_iteration_id is None or chosen is None:
        return
    await enrol(db, departure.onboarding_iteration_id, chosen[1], EnrolmentRole.LEARNER)


async def choose(
    db: AsyncSession, user: User, departure_id: int, data: Mapping[str, str]
) -> Departure:
    """Set or change the group; held on the departure's row, as decisions are, so that an
    acceptance at the same moment enrols the replacement in the group chosen, once."""
    await lock(db, Departure, departure_id)
    view = await departures.view_of(db, user, departure_id)
    if not permissions.can_choose_onboarding_group(user, view.facts):
        raise NotFound
    raw = data.get("onboarding_iteration_id", "")
    options = dict(await departures.training_choices(db, view.company.provider_id))
    if raw not in options:
        raise forms.FormError({"onboarding_iteration_id": _("Choose one of the options.")}, data)
    departure = view.departure
    accepted = await handover.replacement_of(db, departure_id) is not None
    if accepted and departure.onboarding_iteration_id is not None:
        raise forms.FormError(
            {"onboarding_iteration_id": _("The replacement is accepted: the group stays.")}, data
        )
    departure.onboarding_iteration_id = parsing.ident(raw)
    db.add(departure)
    await db.flush()
    await enrol_replacement(db, departure)
    await live.departure_changed(db, departure_id, view.company.provider_id)
    return departure


async def group_of(db: AsyncSession, departure: Departure, linked: bool) -> Group | None:
    """The onboarding group with its first session's day, when one is chosen."""
    iteration_id = departure.onboarding_iteration_id
    if iteration_id is None:
        return None
    label = await departures.iteration_label(db, iteration_id)
    first = select(func.min(col(CourseSession.starts_at))).where(
        CourseSession.iteration_id == iteration_id
    )
    starts_at = (await db.exec(first)).one()
    day = starts_at.astimezone(DISPLAY_TIMEZONE).date() if starts_at else None
    href = f"/iterations/{iteration_id}" if linked else ""
    return Group(iteration_id, label or "", href, day)

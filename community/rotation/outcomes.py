"""What became of both people after a departure: at the end of the replacement contract and
six months later, the coordinator records the replacement's fate (hired, other job,
training, unemployed) and the employee's (back in post, promoted, left). An outcome not yet
recorded once its day has come is a reminder on the coordinators' board."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import forms, permissions
from community.errors import Forbidden
from community.i18n import _, show_date
from community.models import (
    Departure,
    EmployeeFate,
    OutcomeMoment,
    Proposal,
    ReplacementFate,
    RotationOutcome,
    User,
)
from community.rotation import departures, live

LATER = timedelta(days=182)  # "six months later"
OUTCOME_FIELDS = (
    forms.Choice("moment", choices=tuple(OutcomeMoment)),
    forms.Choice("replacement", choices=tuple(ReplacementFate)),
    forms.Choice("employee", choices=tuple(EmployeeFate)),
)

MOMENTS: dict[str, Callable[[], str]] = {
    OutcomeMoment.END: lambda: _("End of the contract"),
    OutcomeMoment.LATER: lambda: _("Six months later"),
}
FATES: dict[str, Callable[[], str]] = {
    ReplacementFate.NONE: lambda: _("No replacement"),
    ReplacementFate.HIRED: lambda: _("Hired"),
    ReplacementFate.OTHER_JOB: lambda: _("Another job"),
    ReplacementFate.TRAINING: lambda: _("In training"),
    ReplacementFate.UNEMPLOYED: lambda: _("Unemployed"),
    EmployeeFate.BACK: lambda: _("Back in post"),
    EmployeeFate.PROMOTED: lambda: _("Promoted"),
    EmployeeFate.LEFT: lambda: _("Left the company"),
}


def due_on(departure: Departure, moment: str) -> date:
    return departure.ends_on + (LATER if moment == OutcomeMoment.LATER else timedelta(0))


@dataclass(frozen=True)
class Due:
    departure: Departure
    moment: str
    day: date


async def recorded(
    db: AsyncSession, departure_ids: list[int]
) -> dict[int, dict[str, RotationOutcome]]:
    """The outcomes recorded, by departure then moment."""
    query = select(RotationOutcome).where(col(RotationOutcome.departure_id).in_(departure_ids))
    found: dict[int, dict[str, RotationOutcome]] = {ident: {} for ident in departure_ids}
    for outcome in await db.exec(query):
        found[outcome.departure_id][outcome.moment] = outcome
    return found


async def replaced(db: AsyncSession, departure_ids: list[int]) -> set[int]:
    """The departures whose replacement both sides accepted."""
    query = select(Proposal.departure_id).where(
        col(Proposal.departure_id).in_(departure_ids), col(Proposal.both_accepted)
    )
    return set(await db.exec(query))


async def due(db: AsyncSession, listed: list[Departure], today: date) -> list[Due]:
    """Outcomes whose day has come and that nobody recorded yet: the board's reminders."""
    done = await recorded(db, [d.id or 0 for d in listed])
    reminders = [
        Due(departure, moment, due_on(departure, moment))
        for departure in listed
        for moment in OutcomeMoment
        if due_on(departure, moment) <= today and moment not in done[departure.id or 0]
    ]
    return sorted(reminders, key=lambda r: (r.day, r.departure.id or 0))


async def record(
    db: AsyncSession, user: User, departure_id: int, data: Mapping[str, str]
) -> RotationOutcome:
    view = await departures.view_of(db, user, departure_id)
    if not permissions.can_record_rotation_outcome(user, view.facts):
        raise Forbidden
    values = forms.parse(data, *OUTCOME_FIELDS)
    departure = view.departure
    day = due_on(departure, values["moment"])
    if day > date.today():
        message = _("This outcome is not due yet: from %(day)s.", day=show_date(day))
        raise forms.FormError({"moment": message}, data)
    has_replacement = departure_id in await replaced(db, [departure_id])
    if has_replacement == (values["replacement"] == ReplacementFate.NONE):
        message = (
            _("Say what became of the replacement.")
            if has_replacement
            else _("This departure found no replacement.")
        )
        raise forms.FormError({"replacement": message}, data)
    outcome = RotationOutcome(departure_id=departure_id, **values)
    try:
        async with db.begin_nested():
            db.add(outcome)
    except IntegrityError:
        raise forms.FormError({"moment": _("This outcome is already recorded.")}, data) from None
    await live.departure_changed(db, departure_id, view.company.provider_id)
    return outcome

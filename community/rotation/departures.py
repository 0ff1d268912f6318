"""Departures: an employee leaves their post for a training; the company declares it, and
Ruche shows the hour-for-hour check between the training and the replacement."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import forms, parsing, permissions
from community.errors import NotFound
from community.i18n import _
from community.models import (
    CompanyContact,
    Departure,
    DepartureSkill,
    Iteration,
    Proposal,
    Role,
    RotationCompany,
    Skill,
    Training,
    User,
)
from community.rotation import companies
from community.rotation.fields import Count, Postcode
from community.rotation.region import region_of
from community.rotation.usual_items import usual_items
from community.skill_map.common import provider_skills

DEPARTURE_FIELDS = (
    forms.Text("employee_name", max_length=80),
    forms.Email("employee_email", required=False),
    forms.Text("post_title", max_length=120),
    forms.Text("tasks", max_length=2000, required=False, multiline=True),
    forms.Text("shift", max_length=80, required=False),
    forms.Text("site", max_length=120, required=False),
    Postcode("site_postcode"),
    forms.Text("iteration_id", max_length=10, required=False),
    forms.Text("training_name", max_length=120, required=False),
    forms.Day("starts_on"),
    forms.Day("ends_on"),
    Count("training_hours"),
    Count("replacement_hours"),
)
# A replacement shorter than a week or longer than three years is not a rotation.
SHORTEST = timedelta(days=7)
LONGEST = timedelta(days=3 * 366)


@dataclass(frozen=True)
class HourCheck:
    """Replacement hours against training hours over the whole period, hour for hour."""

    weeks: float
    training_total: float
    replacement_total: float

    @property
    def balanced(self) -> bool:
        return self.replacement_total >= self.training_total

    @property
    def gap(self) -> float:
        return self.training_total - self.replacement_total


def hour_check(departure: Departure) -> HourCheck:
    weeks = ((departure.ends_on - departure.starts_on).days + 1) / 7
    return HourCheck(
        weeks=round(weeks, 1),
        training_total=round(departure.training_hours * weeks),
        replacement_total=round(departure.replacement_hours * weeks),
    )


@dataclass(frozen=True)
class DepartureView:
    departure: Departure
    company: RotationCompany
    facts: permissions.DepartureFacts
    skills: list[Skill]


async def training_choices(db: AsyncSession, provider_id: int) -> list[tuple[str, str]]:
    """The provider's groups not over yet, as a departure's training."""
    query = (
        select(Iteration, Training)
        .join(Training, col(Training.id) == Iteration.training_id)
        .where(Training.provider_id == provider_id, Iteration.ends_on >= date.today())
        .order_by(col(Iteration.starts_on))
    )
    return [(str(it.id), f"{tr.title} · {it.name}") for it, tr in await db.exec(query)]


async def iteration_label(db: AsyncSession, iteration_id: int) -> str | None:
    """A group as the rotation names it: its training's title, then its own name."""
    query = (
        select(Training.title, Iteration.name)
        .join(Iteration, col(Iteration.training_id) == Training.id)
        .where(Iteration.id == iteration_id)
    )
    found = (await db.exec(query)).first()
    return f"{found[0]} · {found[1]}" if found else None


async def form_choices(db: AsyncSession, company: RotationCompany) -> dict:
    skills = await provider_skills(db, company.provider_id)
    return {
        "skill_options": [(str(s.id), s.name) for s in skills],
        "training_options": await training_choices(db, company.provider_id),
    }


def _check(values: dict, data: Mapping[str, str], errors: dict[str, str]) -> None:
    """The rules across fields, each said on the field to change."""
    first, last = values.get("starts_on"), values.get("ends_on")
    if isinstance(first, date) and isinstance(last, date):
        if last <= first:
            errors["ends_on"] = _("The end comes before the start.")
        elif last - first < SHORTEST:
            errors["ends_on"] = _("A replacement lasts at least a week.")
        elif last - first > LONGEST:
            errors["ends_on"] = _("A replacement lasts three years at most.")
    if not values.get("iteration_id") and not values.get("training_name"):
        errors["training_name"] = _("Choose a group of Ruche or name the training.")


async def _chosen_skills(db: AsyncSession, provider_id: int, raw: str) -> list[int] | None:
    """The catalogue's skills a form ticked; None when one is not the provider's."""
    chosen = {parsing.ident(part) for part in raw.split(",") if part}
    if None in chosen:
        return None
    ids = [ident for ident in chosen if ident is not None]
    if not ids:
        return []
    known = select(Skill.id).where(
        col(Skill.id).in_(ids), Skill.provider_id == provider_id, col(Skill.approved)
    )
    found = set(await db.exec(known))
    return sorted(ids) if found == set(ids) else None


async def declare(db: AsyncSession, user: User, data: Mapping[str, str]) -> Departure:
    company = await companies.company_of(db, user)
    if company is None or not permissions.can_declare_departure(user, True):
        raise NotFound
    errors: dict[str, str] = {}
    values = forms.collect(data, errors, *DEPARTURE_FIELDS)
    iteration_id = None
    if values.get("iteration_id"):
        options = dict(await training_choices(db, company.provider_id))
        if values["iteration_id"] not in options:
            errors["iteration_id"] = _("Choose one of the options.")
        iteration_id = parsing.ident(values["iteration_id"])
    skill_ids = await _chosen_skills(db, company.provider_id, data.get("skill_ids", ""))
    if skill_ids is None:
        errors["skill_ids"] = _("Choose one of the options.")
    _check(values, data, errors)
    if errors:
        raise forms.FormError(errors, data)
    departure = Departure(
        company_id=company.id or 0,
        declared_by=user.id,
        employee_id=await _learner_at(db, values["employee_email"]),
        iteration_id=iteration_id,
        **{k: v for k, v in values.items() if k != "iteration_id"},
    )
    db.add(departure)
    await db.flush()
    for skill_id in skill_ids or []:
        db.add(DepartureSkill(departure_id=departure.id or 0, skill_id=skill_id))
    db.add_all(usual_items(departure))
    return departure


async def company_of_departure(db: AsyncSession, departure: Departure) -> RotationCompany:
    company = await db.get(RotationCompany, departure.company_id)
    if company is None:
        raise NotFound
    return company


async def _learner_at(db: AsyncSession, email: str) -> int | None:
    """The learner with this address, when the employee already learns in Ruche: their own
    rotation is then shown to them. Nothing of it is shown to the company."""
    if not email:
        return None
    query = select(User.id).where(User.email == email, User.role == Role.LEARNER)
    return (await db.exec(query)).first()


async def view_of(db: AsyncSession, user: User, departure_id: int) -> DepartureView:
    """A departure as this person may see it; to anyone else it is not there."""
    departure = await db.get(Departure, departure_id)
    company = await db.get(RotationCompany, departure.company_id) if departure else None
    if departure is None or company is None:
        raise NotFound
    is_contact = (
        await db.exec(
            select(CompanyContact.id).where(
                CompanyContact.company_id == company.id, CompanyContact.user_id == user.id
            )
        )
    ).first() is not None
    facts = permissions.DepartureFacts(
        company.provider_id,
        is_contact=is_contact,
        is_employee=departure.employee_id == user.id,
        is_replacement=await _replaces(db, departure_id, user),
        region=await region_of(db, user),
    )
    if permissions.can_view_departure(user, facts):
        return DepartureView(departure, company, facts, await skills_of(db, departure_id))
    raise NotFound


async def _replaces(db: AsyncSession, departure_id: int, user: User) -> bool:
    """Whether this person is the replacement both sides accepted."""
    query = select(Proposal.id).where(
        Proposal.departure_id == departure_id,
        Proposal.candidate_id == user.id,
        col(Proposal.both_accepted),
    )
    return (await db.exec(query)).first() is not None


async def skills_of(db: AsyncSession, departure_id: int) -> list[Skill]:
    query = (
        select(Skill)
        .join(DepartureSkill, col(DepartureSkill.skill_id) == Skill.id)
        .where(DepartureSkill.departure_id == departure_id)
        .order_by(col(Skill.name))
    )
    return list(await db.exec(query))


async def of_companies(db: AsyncSession, company_ids: list[int]) -> list[Departure]:
    query = (
        select(Departure)
        .where(col(Departure.company_id).in_(company_ids))
        .order_by(col(Departure.starts_on), col(Departure.id))
    )
    return list(await db.exec(query))

"""The departing employee in Ruche: named by the company (an account of the provider, or
invited), they write a handover for their replacement and tutor them before leaving. The
tutoring is recorded as peer help, so that it counts in both people's tutoring ledger."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import forms, parsing, permissions
from community.errors import NotFound
from community.i18n import _
from community.mail.letter import Letter
from community.models import (
    Departure,
    Handover,
    HelpOffer,
    HelpRequest,
    Proposal,
    Role,
    User,
    utcnow,
)
from community.rotation import companies, departures, live
from community.rotation.departures import DepartureView
from community.tutoring.choices import Duration, HelpFormat, HelpStatus, Urgency, allowed
from community.tutoring.peers import provider_ids

HANDOVER_FIELDS = (
    forms.Text("tasks", max_length=2000, required=False, multiline=True),
    forms.Text("contacts", max_length=2000, required=False, multiline=True),
    forms.Text("tricks", max_length=2000, required=False, multiline=True),
)
TUTORING_FIELDS = (
    forms.Day("tutored_on"),
    forms.Choice("duration", choices=allowed(Duration)),
    forms.Text("skill_id", max_length=10),
    forms.Text("topic", max_length=300),
)
# Tutoring notes may start as soon as the replacement is chosen, some weeks before the leave.
EARLIEST_BEFORE_LEAVE = timedelta(days=90)


def _invitation(person: User, view: DepartureView, url: str) -> Letter:
    return Letter(
        subject=_("Your training leave in Ruche"),
        greeting=_("Hello %(name)s,", name=person.display_name),
        paragraphs=(
            _(
                "%(company)s declared your leave for a training in Ruche: you will follow "
                "your replacement's arrival and leave them a handover there.",
                company=view.company.name,
            ),
            _("Choose your password with this link; it works once, within seven days."),
        ),
        action=_("Choose my password"),
        url=url,
        closing=(_("If you do not know this company, ignore this message."),),
    )


async def _linkable(db: AsyncSession, person: User, provider_id: int) -> bool:
    """An existing account is linked only when it is a learner of the departure's provider."""
    if person.role != Role.LEARNER:
        return False
    return person.provider_id == provider_id or provider_id in await provider_ids(db, person)


async def name_employee(
    db: AsyncSession,
    user: User,
    departure_id: int,
    data: Mapping[str, str],
    inviting: companies.Inviting,
) -> User:
    view = await departures.view_of(db, user, departure_id)
    if not permissions.can_name_departing_employee(user, view.facts):
        raise NotFound
    if view.departure.employee_id is not None:
        raise forms.FormError({"email": _("This departure already names its employee.")}, data)
    values = forms.parse(data, *companies.CONTACT_FIELDS)
    found = (await db.exec(select(User).where(User.email == values["email"]))).first()
    provider_id = view.company.provider_id
    if found is not None and not await _linkable(db, found, provider_id):
        raise forms.FormError(
            {"email": _("This address already has an account: ask for another one.")}, data
        )
    person = found or await companies.new_account(
        db, values, Role.LEARNER, provider_id, inviting.passwords, data
    )
    if found is None:
        companies.mail_link(
            db,
            person,
            "rotation-employee",
            lambda url: _invitation(person, view, url),
            inviting.base_url,
            inviting.mail_from,
        )
    view.departure.employee_id = person.id
    view.departure.employee_email = person.email
    db.add(view.departure)
    await live.changed(db, departure_id, provider_id, person.id or 0)
    return person


async def handover_of(db: AsyncSession, departure_id: int) -> Handover | None:
    return await db.get(Handover, departure_id)


async def write(
    db: AsyncSession, user: User, departure_id: int, data: Mapping[str, str]
) -> Handover:
    view = await departures.view_of(db, user, departure_id)
    if not permissions.can_write_handover(user, view.facts):
        raise NotFound
    values = forms.parse(data, *HANDOVER_FIELDS)
    if not any(values.values()):
        raise forms.FormError({"tasks": _("Write at least one part of the handover.")}, data)
    handover = await handover_of(db, departure_id) or Handover(
        departure_id=departure_id, author_id=user.id or 0
    )
    for name, text in values.items():
        setattr(handover, name, text)
    handover.updated_at = utcnow()
    db.add(handover)
    await live.departure_changed(db, departure_id, view.company.provider_id)
    return handover


async def replacement_of(db: AsyncSession, departure_id: int) -> tuple[Proposal, User] | None:
    """The candidate both sides accepted, when there is one."""
    query = (
        select(Proposal, User)
        .join(User, col(User.id) == Proposal.candidate_id)
        .where(Proposal.departure_id == departure_id, col(Proposal.both_accepted))
    )
    return (await db.exec(query)).first()


def _tutoring_errors(view: DepartureView, values: dict, skill_id: int | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    day = values.get("tutored_on")
    if isinstance(day, date):
        leave = view.departure.starts_on
        if day > date.today():
            errors["tutored_on"] = _("Note a session once it took place.")
        elif not leave - EARLIEST_BEFORE_LEAVE <= day <= view.departure.ends_on:
            errors["tutored_on"] = _(
                "Choose a day within the departure, or in the three months before the leave."
            )
    if skill_id not in {skill.id for skill in view.skills}:
        errors["skill_id"] = _("Choose one of the options.")
    if _group_of_tutoring(view) is None:
        errors["skill_id"] = _(
            "Tutoring is noted down once the training or the onboarding is a group of Ruche."
        )
    return errors


def _group_of_tutoring(view: DepartureView) -> int | None:
    """The group a handover session is noted in: the employee's training when it is a group
    of Ruche, else the replacement's onboarding (a training outside Ruche has no group)."""
    return view.departure.iteration_id or view.departure.onboarding_iteration_id


async def log_tutoring(
    db: AsyncSession, user: User, departure_id: int, data: Mapping[str, str]
) -> HelpRequest:
    """A session that took place, confirmed by its tutor: it counts as done peer help."""
    view = await departures.view_of(db, user, departure_id)
    if not permissions.can_log_handover_tutoring(user, view.facts):
        raise NotFound
    replacement = await replacement_of(db, departure_id)
    errors: dict[str, str] = {}
    values = forms.collect(data, errors, *TUTORING_FIELDS)
    skill_id = parsing.ident(values.get("skill_id"))
    errors = {**errors, **_tutoring_errors(view, values, skill_id)}
    if replacement is None:
        errors["topic"] = _("The replacement is not chosen yet.")
    if errors:
        raise forms.FormError(errors, data)
    assert replacement is not None and skill_id is not None
    return await _record(db, view, replacement[1], user, values, skill_id)


async def _record(
    db: AsyncSession, view: DepartureView, learner: User, tutor: User, values: dict, skill: int
) -> HelpRequest:
    at = datetime.combine(values["tutored_on"], time(12), tzinfo=UTC)
    request = HelpRequest(
        requester_id=learner.id or 0,
        iteration_id=_group_of_tutoring(view) or 0,
        skill_id=skill,
        description=values["topic"],
        urgency=Urgency.WEEK,
        format=HelpFormat.IN_PERSON,
        status=HelpStatus.DONE,
        scheduled_at=at,
        duration_minutes=int(values["duration"]),
        place=view.departure.site,
        requester_confirmed=True,
        tutor_confirmed=True,
        expires_at=at,
    )
    db.add(request)
    await db.flush()
    offer = HelpOffer(request_id=request.id or 0, tutor_id=tutor.id or 0)
    db.add(offer)
    await db.flush()
    request.accepted_offer_id = offer.id
    db.add(request)
    await live.departure_changed(db, view.departure.id or 0, view.company.provider_id)
    return request


async def sessions_between(
    db: AsyncSession, tutor_id: int | None, learner_id: int
) -> list[HelpRequest]:
    """The done sessions the employee gave their replacement, oldest first."""
    if tutor_id is None:
        return []
    query = (
        select(HelpRequest)
        .join(HelpOffer, col(HelpOffer.id) == HelpRequest.accepted_offer_id)
        .where(
            HelpOffer.tutor_id == tutor_id,
            HelpRequest.requester_id == learner_id,
            HelpRequest.status == HelpStatus.DONE,
        )
        .order_by(col(HelpRequest.scheduled_at))
    )
    return list(await db.exec(query))


async def own_departures(db: AsyncSession, user: User) -> list[int]:
    """The departures this person leaves for, or replaces in."""
    mine = select(Departure.id).where(Departure.employee_id == user.id)
    replacing = select(Proposal.departure_id).where(
        Proposal.candidate_id == user.id, col(Proposal.both_accepted)
    )
    found = set(await db.exec(mine)) | set(await db.exec(replacing))
    return sorted(ident for ident in found if ident is not None)

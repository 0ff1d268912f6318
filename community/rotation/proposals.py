"""Proposals: a coordinator puts a candidate forward for a departure; the company and the
candidate each accept or decline. A departure never gets two accepted replacements: the
departure's row is locked while a decision is checked, and a partial unique index holds the
rule should anything get past the lock."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import forms, parsing, permissions
from community.database import lock
from community.errors import NotFound
from community.i18n import _
from community.models import (
    Decision,
    Departure,
    PoolMember,
    Proposal,
    RotationCompany,
    User,
    utcnow,
)
from community.rotation import departures, live, matching, onboarding
from community.rotation.departures import DepartureView

DECISION = forms.Choice("decision", choices=(Decision.ACCEPTED, Decision.DECLINED))


def taken() -> forms.FormError:
    return forms.FormError({"decision": _("This departure already has its replacement.")})


async def for_departure(db: AsyncSession, departure_id: int) -> list[tuple[Proposal, User]]:
    query = (
        select(Proposal, User)
        .join(User, col(User.id) == Proposal.candidate_id)
        .where(Proposal.departure_id == departure_id)
        .order_by(col(Proposal.created_at), col(Proposal.id))
    )
    return list(await db.exec(query))


async def _filled(db: AsyncSession, departure_id: int) -> bool:
    query = select(Proposal.id).where(
        Proposal.departure_id == departure_id, col(Proposal.both_accepted)
    )
    return (await db.exec(query)).first() is not None


async def propose(
    db: AsyncSession, user: User, departure_id: int, data: Mapping[str, str]
) -> Proposal:
    view = await departures.view_of(db, user, departure_id)
    if not permissions.can_propose_candidate(user, view.facts):
        raise NotFound
    candidate_id = parsing.ident(data.get("candidate_id"))
    member = (await db.exec(select(PoolMember).where(PoolMember.user_id == candidate_id))).first()
    # Only someone who opted in, to this provider's pool, and has not withdrawn.
    if member is None or member.withdrawn_at or member.provider_id != view.company.provider_id:
        raise forms.FormError({"candidate_id": _("Choose one of the options.")}, data)
    if await _filled(db, departure_id):
        raise forms.FormError({"candidate_id": taken().errors["decision"]}, data)
    points, _reasons = matching.score(view.departure, view.skills, member)
    proposal = Proposal(departure_id=departure_id, candidate_id=member.user_id, score=points)
    try:
        async with db.begin_nested():
            db.add(proposal)
    except IntegrityError:
        raise forms.FormError(
            {"candidate_id": _("This candidate is already proposed for it.")}, data
        ) from None
    await live.changed(db, departure_id, view.company.provider_id, member.user_id)
    return proposal


@dataclass(frozen=True)
class Deciding:
    proposal: Proposal
    departure: Departure
    provider_id: int


async def _deciding(db: AsyncSession, user: User, proposal_id: int, side: str) -> Deciding:
    """The proposal, its departure locked until commit: two decisions on one departure are
    checked one after the other."""
    found = await db.get(Proposal, proposal_id)
    if found is None:
        raise NotFound
    departure = await lock(db, Departure, found.departure_id)
    proposal = await db.get(Proposal, proposal_id, populate_existing=True)
    company = await db.get(RotationCompany, departure.company_id) if departure else None
    if departure is None or proposal is None or company is None:
        raise NotFound
    if side == "company":
        view = await departures.view_of(db, user, departure.id or 0)
        allowed = permissions.can_decide_as_company(user, view.facts)
    else:
        facts = permissions.DepartureFacts(
            company.provider_id, is_candidate=proposal.candidate_id == user.id
        )
        allowed = permissions.can_decide_as_candidate(user, facts)
    if not allowed:
        raise NotFound
    return Deciding(proposal, departure, company.provider_id)


async def decide(
    db: AsyncSession, user: User, proposal_id: int, side: str, data: Mapping[str, str]
) -> Proposal:
    """The company's or the candidate's answer; the second acceptance fills the departure."""
    step = await _deciding(db, user, proposal_id, side)  # first: to others it is not there
    decision = forms.parse(data, DECISION)["decision"]
    proposal = step.proposal
    field = "company_decision" if side == "company" else "candidate_decision"
    if getattr(proposal, field) != Decision.PENDING:
        raise forms.FormError({"decision": _("This answer was already given.")}, data)
    if decision == Decision.ACCEPTED and await _filled(db, proposal.departure_id):
        raise taken()
    setattr(proposal, field, decision)
    proposal.decided_at = utcnow()
    proposal.both_accepted = (
        proposal.company_decision == Decision.ACCEPTED
        and proposal.candidate_decision == Decision.ACCEPTED
    )
    try:
        async with db.begin_nested():
            db.add(proposal)
    except IntegrityError:
        raise taken() from None
    if proposal.both_accepted:
        await onboarding.enrol_replacement(db, step.departure)
    await live.changed(db, proposal.departure_id, step.provider_id, proposal.candidate_id)
    return proposal


async def of_candidate(
    db: AsyncSession, user: User
) -> list[tuple[Proposal, Departure, RotationCompany]]:
    """What a candidate was proposed for: each row is a company that saw their profile."""
    query = (
        select(Proposal, Departure, RotationCompany)
        .join(Departure, col(Departure.id) == Proposal.departure_id)
        .join(RotationCompany, col(RotationCompany.id) == Departure.company_id)
        .where(Proposal.candidate_id == user.id)
        .order_by(col(Proposal.created_at).desc())
    )
    return list(await db.exec(query))


def status(view: DepartureView, proposals: list[tuple[Proposal, User]]) -> str:
    """Where the departure stands: open, proposed, or filled."""
    if any(p.both_accepted for p, _person in proposals):
        return "filled"
    return "proposed" if proposals else "open"

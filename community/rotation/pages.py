"""What each person's rotation page shows: the coordinators' board, a company's departures,
a learner's place in the pool and the companies that saw them, one departure."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Integer, cast
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import permissions
from community.models import (
    Departure,
    EligibilityItem,
    PoolMember,
    Proposal,
    Provider,
    RotationCompany,
    RotationOutcome,
    User,
)
from community.rotation import (
    companies,
    departures,
    eligibility,
    handover,
    matching,
    outcomes,
    pool,
    proposals,
    region,
)
from community.rotation.departures import DepartureView, HourCheck
from community.rotation.relay import Relay, relay


@dataclass(frozen=True)
class DepartureLine:
    departure: Departure
    company: RotationCompany
    check: HourCheck
    status: str


@dataclass
class Hub:
    """The /relais page: its parts depend on who looks."""

    provider_id: int | None = None
    # Every provider whose rotation the reader runs: a regional coordinator's choice.
    providers: list[Provider] = field(default_factory=list)
    companies: list[RotationCompany] = field(default_factory=list)
    contacts: dict[int, list[User]] = field(default_factory=dict)
    departures: list[DepartureLine] = field(default_factory=list)
    company: RotationCompany | None = None
    member: PoolMember | None = None
    proposed: list = field(default_factory=list)
    pool_size: int = 0
    due: list[outcomes.Due] = field(default_factory=list)
    own: list[Departure] = field(default_factory=list)  # left for, or replaced in


async def _lines(db: AsyncSession, listed: list[RotationCompany]) -> list[DepartureLine]:
    by_id = {c.id: c for c in listed}
    found = await departures.of_companies(db, [c.id or 0 for c in listed])
    ids = [d.id or 0 for d in found]
    counts = select(
        Proposal.departure_id, func.count(), func.max(cast(col(Proposal.both_accepted), Integer))
    ).where(col(Proposal.departure_id).in_(ids))
    stats = {
        d: (n, bool(f)) for d, n, f in await db.exec(counts.group_by(col(Proposal.departure_id)))
    }
    lines = []
    for departure in found:
        count, filled = stats.get(departure.id or 0, (0, False))
        state = "filled" if filled else ("proposed" if count else "open")
        check = departures.hour_check(departure)
        lines.append(DepartureLine(departure, by_id[departure.company_id], check, state))
    return lines


async def hub(db: AsyncSession, user: User, asked: str | None = None) -> Hub:
    """`asked`: the provider a regional coordinator chose among those of their region."""
    page = Hub()
    providers = await region.coordinated(db, user)
    provider = region.chosen(providers, asked)
    if provider is not None and (provider_id := provider.id) is not None:
        page.provider_id = provider_id
        page.providers = providers
        page.companies = await companies.companies(db, provider_id)
        page.contacts = await companies.contacts(db, [c.id or 0 for c in page.companies])
        page.departures = await _lines(db, page.companies)
        page.pool_size = len(await pool.available(db, provider_id))
        listed = [line.departure for line in page.departures]
        page.due = await outcomes.due(db, listed, date.today())
    elif (company := await companies.company_of(db, user)) is not None:
        page.company = company
        page.departures = await _lines(db, [company])
    elif permissions.can_join_rotation_pool(user):
        page.member = await pool.membership(db, user)
        page.proposed = await proposals.of_candidate(db, user)
        ids = await handover.own_departures(db, user)
        page.own = [d for d in [await db.get(Departure, i) for i in ids] if d is not None]
    return page


@dataclass(frozen=True)
class DeparturePage:
    view: DepartureView
    check: HourCheck
    proposals: list[tuple[Proposal, User]]
    status: str
    ranked: list[matching.Ranked]
    may_propose: bool
    may_decide: bool
    sees_contact: dict[int, bool]
    training_label: str
    checklist: list[EligibilityItem]
    may_keep_checklist: bool
    outcomes: dict[str, RotationOutcome]
    outcomes_due: list[str]  # the moments whose day has come and not recorded
    may_record_outcome: bool
    relay: Relay


async def departure_page(db: AsyncSession, user: User, departure_id: int) -> DeparturePage:
    view = await departures.view_of(db, user, departure_id)
    listed = await proposals.for_departure(db, departure_id)
    if not permissions.can_decide_as_company(
        user, view.facts
    ) and not permissions.can_match_candidates(user, view.facts):
        # The employee and the replacement see the replacement only, never the others.
        listed = [(p, person) for p, person in listed if p.both_accepted]
    state = proposals.status(view, listed)
    may_propose = permissions.can_propose_candidate(user, view.facts)
    ranked: list[matching.Ranked] = []
    if permissions.can_match_candidates(user, view.facts):
        already = {p.candidate_id for p, _person in listed}
        available = await pool.available(db, view.company.provider_id)
        ranked = matching.rank(
            view.departure, view.skills, [(m, p) for m, p in available if p.id not in already]
        )
    sees = {
        p.id or 0: permissions.can_see_candidate_contact(user, view.facts, p.both_accepted)
        for p, _person in listed
    }
    return DeparturePage(
        view=view,
        check=departures.hour_check(view.departure),
        proposals=listed,
        status=state,
        ranked=ranked,
        may_propose=may_propose and state != "filled",
        may_decide=permissions.can_decide_as_company(user, view.facts),
        sees_contact=sees,
        training_label=await _training_label(db, view.departure),
        **await _follow_up(db, user, view),
        relay=await relay(db, user, view),
    )


async def _follow_up(db: AsyncSession, user: User, view: DepartureView) -> dict:
    """The checklist and the outcomes: what the coordinator checks before and after."""
    departure_id = view.departure.id or 0
    done = (await outcomes.recorded(db, [departure_id]))[departure_id]
    due = await outcomes.due(db, [view.departure], date.today())
    return {
        "checklist": await eligibility.items_of(db, departure_id),
        "may_keep_checklist": permissions.can_keep_eligibility_checklist(user, view.facts),
        "outcomes": done,
        "outcomes_due": [reminder.moment for reminder in due],
        "may_record_outcome": permissions.can_record_rotation_outcome(user, view.facts),
    }


async def _training_label(db: AsyncSession, departure: Departure) -> str:
    """The training as the company named it, or the Ruche group it chose."""
    if departure.iteration_id is None:
        return departure.training_name
    found = await departures.iteration_label(db, departure.iteration_id)
    return found or departure.training_name

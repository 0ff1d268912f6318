"""What peer help adds up to: a learner's requests, hours and thanks; a group's needs."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from community import permissions, trainings
from community.errors import NotFound
from community.models import (
    Enrolment,
    EnrolmentRole,
    HelpOffer,
    HelpRequest,
    LearnerSkill,
    Skill,
    Thanks,
    User,
)
from community.tutoring.choices import HelpStatus, MarkKind
from community.tutoring.peers import peers_of, provider_ids
from community.tutoring.requests import expire_old
from community.tutoring.skills import catalogue

RATED_FROM = 5  # a mean of fewer ratings, or moved by fewer, would tell too much


@dataclass(frozen=True)
class Ledger:
    given: int
    given_minutes: int
    received: int
    received_minutes: int


def _done() -> SelectOfScalar[HelpRequest]:
    return select(HelpRequest).where(HelpRequest.status == HelpStatus.DONE)


def _tutored_by(user: User) -> SelectOfScalar[HelpRequest]:
    return (
        _done()
        .join(HelpOffer, col(HelpOffer.id) == HelpRequest.accepted_offer_id)
        .where(HelpOffer.tutor_id == user.id)
    )


async def ledger(db: AsyncSession, user: User) -> Ledger:
    """Sessions done, as requester and as tutor, in one query."""
    rows = await db.exec(
        _done()
        .outerjoin(HelpOffer, col(HelpOffer.id) == HelpRequest.accepted_offer_id)
        .where((HelpRequest.requester_id == user.id) | (HelpOffer.tutor_id == user.id))
    )
    done = list(rows)
    received = [r for r in done if r.requester_id == user.id]
    given = [r for r in done if r.requester_id != user.id]
    return Ledger(
        len(given),
        sum(r.duration_minutes for r in given),
        len(received),
        sum(r.duration_minutes for r in received),
    )


async def times_helped(db: AsyncSession, tutors: list[int]) -> dict[int, int]:
    """How many sessions each of these people gave, in one query."""
    rows = await db.exec(
        select(HelpOffer.tutor_id, func.count(col(HelpRequest.id)))
        .join(HelpRequest, col(HelpRequest.accepted_offer_id) == HelpOffer.id)
        .where(HelpRequest.status == HelpStatus.DONE, col(HelpOffer.tutor_id).in_(tutors))
        .group_by(col(HelpOffer.tutor_id))
    )
    return dict(rows.all())


async def my_requests(db: AsyncSession, user: User) -> list[tuple[HelpRequest, Skill]]:
    rows = await db.exec(
        select(HelpRequest, Skill)
        .join(Skill, col(Skill.id) == HelpRequest.skill_id)
        .where(HelpRequest.requester_id == user.id)
        .order_by(col(HelpRequest.id).desc())
        .limit(20)
    )
    return list(rows)


async def for_me(
    db: AsyncSession, user: User, providers: set[int]
) -> list[tuple[HelpRequest, Skill]]:
    """Open requests on skills I offer, from my providers' learners, and my own sessions."""
    offered = select(LearnerSkill.skill_id).where(
        LearnerSkill.user_id == user.id, LearnerSkill.kind == MarkKind.OFFER
    )
    mine = select(HelpOffer.request_id).where(HelpOffer.tutor_id == user.id)
    rows = await db.exec(
        select(HelpRequest, Skill)
        .join(Skill, col(Skill.id) == HelpRequest.skill_id)
        .where(
            HelpRequest.requester_id != user.id,
            col(HelpRequest.requester_id).in_(peers_of(providers)),
            ((col(HelpRequest.status) == HelpStatus.OPEN) & col(HelpRequest.skill_id).in_(offered))
            | col(HelpRequest.id).in_(mine),
        )
        .order_by(col(HelpRequest.urgency), col(HelpRequest.id).desc())
        .limit(30)
    )
    return list(rows)


async def my_ratings(db: AsyncSession, user: User) -> list[Thanks]:
    """A tutor's thanks and ratings: theirs alone to read."""
    query = select(Thanks).where(Thanks.tutor_id == user.id).order_by(col(Thanks.id).desc())
    return list(await db.exec(query))


@dataclass(frozen=True)
class PeerHelp:
    """A learner's page of peer help."""

    mine: list[tuple[HelpRequest, Skill]]
    for_me: list[tuple[HelpRequest, Skill]]
    ledger: Ledger
    ratings: list[Thanks]
    skills: list[Skill]  # what they may ask about
    may_ask: bool


async def peer_help(db: AsyncSession, user: User) -> PeerHelp:
    if not permissions.can_seek_help(user):
        raise NotFound
    await expire_old(db)
    providers = await provider_ids(db, user)
    return PeerHelp(
        await my_requests(db, user),
        await for_me(db, user, providers),
        await ledger(db, user),
        await my_ratings(db, user),
        await catalogue(db, providers),
        permissions.can_ask_for_help(user, enrolled=bool(providers)),
    )


@dataclass(frozen=True)
class Need:
    skill: str
    open_requests: int
    wanted: int
    offered: int


async def needs(db: AsyncSession, iteration_id: int) -> list[Need]:
    """Per skill, the group's open requests and wishes against who can help."""
    learners = set(
        await db.exec(
            select(Enrolment.user_id).where(
                Enrolment.iteration_id == iteration_id, Enrolment.role == EnrolmentRole.LEARNER
            )
        )
    )
    counted: dict[str, list[int]] = {}
    requests = await db.exec(
        select(Skill.name)
        .join(HelpRequest, col(HelpRequest.skill_id) == Skill.id)
        .where(HelpRequest.iteration_id == iteration_id, HelpRequest.status == HelpStatus.OPEN)
    )
    for name in requests:
        counted.setdefault(name, [0, 0, 0])[0] += 1
    marks = await db.exec(
        select(Skill.name, LearnerSkill.kind)
        .join(LearnerSkill, col(LearnerSkill.skill_id) == Skill.id)
        .where(col(LearnerSkill.user_id).in_(list(learners)))
    )
    for name, kind in marks:
        counted.setdefault(name, [0, 0, 0])[1 if kind == MarkKind.WANT else 2] += 1
    found = [Need(name, *counts) for name, counts in counted.items()]
    return sorted(found, key=lambda n: (n.offered - n.open_requests - n.wanted, n.skill))


async def rating_summary(db: AsyncSession, iteration_id: int) -> tuple[int, float | None]:
    """How many thanks the group's tutors received, and their mean, never who.

    The mean is over the first n·5 ratings, n as large as there are: it moves only once five
    new ratings arrived, so no rating can be recovered by comparing two days' figures. The
    count given is the one the mean is over."""
    rows = (
        await db.exec(
            select(Thanks.rating)
            .join(HelpRequest, col(HelpRequest.id) == Thanks.request_id)
            .where(HelpRequest.iteration_id == iteration_id)
            .order_by(col(Thanks.id))
        )
    ).all()
    if len(rows) < RATED_FROM:
        return len(rows), None
    counted = rows[: len(rows) - len(rows) % RATED_FROM]
    return len(counted), sum(counted) / len(counted)


@dataclass(frozen=True)
class GroupNeeds:
    group: trainings.IterationView
    needs: list[Need]
    thanks: tuple[int, float | None]  # how many ratings, and their mean once there are enough


async def group_needs(db: AsyncSession, user: User, iteration_id: int) -> GroupNeeds:
    """For the group's trainers and staff: open requests and unmet needs, by skill."""
    group = await trainings.iteration_view(db, user, iteration_id)
    if not permissions.can_read_help_needs(user, group.facts):
        raise NotFound
    await expire_old(db)
    return GroupNeeds(group, await needs(db, iteration_id), await rating_summary(db, iteration_id))

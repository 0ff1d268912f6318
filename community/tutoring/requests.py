"""Help requests: asking, who is told first, who may see a request, and live updates."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

import realtime
from community import forms, notifications, permissions
from community.database import lock
from community.errors import Forbidden, NotFound
from community.models import (
    Enrolment,
    HelpOffer,
    HelpRequest,
    Iteration,
    LearnerSkill,
    Skill,
    Training,
    User,
    utcnow,
)
from community.pathways.live import evidence_changed
from community.permissions import HelpFacts, HelpPart
from community.templating import refetch_nudge
from community.tutoring.choices import HelpFormat, HelpStatus, MarkKind, Urgency, allowed
from community.tutoring.peers import learner_groups, provider_ids, provider_learners
from community.tutoring.skills import approved_skill

NOTIFIED = 10  # peers told at once about a new request, the most relevant first
RECENT = timedelta(days=30)
Online = Callable[[int], Awaitable[bool]]  # is this person on the app right now?
Rule = Callable[[User, HelpFacts], bool]

ASK_FIELDS = (
    forms.Text("description", max_length=500, multiline=True),
    forms.Choice("urgency", choices=allowed(Urgency)),
    forms.Choice("format", choices=allowed(HelpFormat)),
)


def feed_channel(user_id: int) -> str:
    return f"helpfeed:{user_id}"


def request_channel(request_id: int) -> str:
    return f"help:{request_id}"


async def tell(db: AsyncSession, request: HelpRequest, people: set[int]) -> None:
    """Open pages of the request and of these people's help feeds fetch their view again:
    what each may do differs, so each page asks for its own."""
    request_id = request.id or 0
    channel = request_channel(request_id)
    await realtime.append(db, channel, refetch_nudge(f"help-{request_id}", f"/help/{request_id}"))
    for person in people:
        feed = feed_channel(person)
        await realtime.append(db, feed, refetch_nudge(f"help-feed-{person}", "/help"))
    # A step of a request is evidence (an offer, a session, thanks): the compasses follow.
    await evidence_changed(db, people)


async def ask(db: AsyncSession, user: User, data: dict[str, str], online: Online) -> HelpRequest:
    groups = await learner_groups(db, user)
    if not permissions.can_ask_for_help(user, enrolled=bool(groups)):
        raise Forbidden
    fields, skill = await _parse_ask(db, user, data)
    key = forms.idempotency_key(data)
    if key is not None and (earlier := (await db.exec(_sent(user, key))).first()) is not None:
        return earlier  # the same form, sent again
    iteration = next((it for it, tr in groups if tr.provider_id == skill.provider_id), groups[0][0])
    request = HelpRequest(
        idempotency_key=key,
        requester_id=user.id or 0,
        iteration_id=iteration.id or 0,
        skill_id=skill.id or 0,
        description=fields["description"],
        urgency=fields["urgency"],
        format=fields["format"],
        expires_at=utcnow() + Urgency(fields["urgency"]).lifetime,
    )
    try:
        async with db.begin_nested():
            db.add(request)
    except IntegrityError:  # the same form, sent twice at the same moment
        return (await db.exec(_sent(user, key))).one()
    chosen = (await candidates(db, request, online))[:NOTIFIED]
    for candidate in chosen:
        await notifications.notify(
            db, candidate.user.id or 0, "help", skill.name, f"/help/{request.id}"
        )
    await tell(db, request, {user.id or 0, *(c.user.id or 0 for c in chosen)})
    return request


async def _parse_ask(
    db: AsyncSession, user: User, data: dict[str, str]
) -> tuple[dict[str, str], Skill]:
    """The form's fields and the skill it asks about, or every problem with them at once."""
    errors: dict[str, str] = {}
    fields = forms.collect(data, errors, *ASK_FIELDS)
    try:
        skill = await approved_skill(db, user, data.get("skill_id"))
    except forms.FormError as exc:
        errors.update(exc.errors)
    if errors:
        raise forms.FormError(errors, data)
    return fields, skill


def _sent(user: User, key: str | None) -> SelectOfScalar[HelpRequest]:
    """The request this user sent with this form."""
    return select(HelpRequest).where(
        HelpRequest.requester_id == user.id, HelpRequest.idempotency_key == key
    )


@dataclass(frozen=True)
class Candidate:
    user: User
    level: int
    same_group: bool
    online: bool
    given_recently: int


async def candidates(db: AsyncSession, request: HelpRequest, online: Online) -> list[Candidate]:
    """Peers who offer the skill: same group first, then online now, then the most at ease,
    then those who helped least lately, so that the same person is not always asked."""
    skill = await db.get(Skill, request.skill_id)
    assert skill is not None
    same_group = set(
        await db.exec(
            select(Enrolment.user_id).where(Enrolment.iteration_id == request.iteration_id)
        )
    )
    peers = await provider_learners(db, skill.provider_id)
    rows = await db.exec(
        select(User, LearnerSkill.level)
        .join(LearnerSkill, col(LearnerSkill.user_id) == User.id)
        .where(
            LearnerSkill.skill_id == request.skill_id,
            LearnerSkill.kind == MarkKind.OFFER,
            col(User.id).in_(list(peers - {request.requester_id})),
        )
    )
    recent = await _given_since(db, utcnow() - RECENT)
    found = [
        Candidate(
            user,
            level,
            user.id in same_group,
            await online(user.id or 0),
            recent.get(user.id or 0, 0),
        )
        for user, level in rows
    ]
    return sorted(found, key=lambda c: (not c.same_group, not c.online, -c.level, c.given_recently))


async def _given_since(db: AsyncSession, since: datetime) -> dict[int, int]:
    rows = await db.exec(
        select(HelpOffer.tutor_id, func.count(col(HelpRequest.id)))
        .join(HelpRequest, col(HelpRequest.accepted_offer_id) == HelpOffer.id)
        .where(col(HelpRequest.created_at) >= since)
        .group_by(col(HelpOffer.tutor_id))
    )
    return dict(rows.all())


async def expire_old(db: AsyncSession) -> None:
    """Requests nobody took in time close; pages and steps call this before reading any.

    Most calls find nothing to close, and a page view then writes nothing. When two views
    close the same requests at once, the second skips the rows the first holds rather than
    waiting for it (PostgreSQL; SQLite has one writer at a time and waits its turn)."""
    now = utcnow()
    due = select(HelpRequest.id).where(
        col(HelpRequest.status) == HelpStatus.OPEN, col(HelpRequest.expires_at) < now
    )
    if (await db.exec(due.limit(1))).first() is None:
        return
    await db.exec(
        update(HelpRequest)
        .where(col(HelpRequest.id).in_(due.with_for_update(skip_locked=True).scalar_subquery()))
        .values(status=HelpStatus.EXPIRED)
    )


async def tutor_of(db: AsyncSession, request: HelpRequest) -> User | None:
    offer = (
        await db.get(HelpOffer, request.accepted_offer_id) if request.accepted_offer_id else None
    )
    return await db.get(User, offer.tutor_id) if offer else None


async def facts_about(db: AsyncSession, user: User, request: HelpRequest) -> HelpFacts:
    tutor = await tutor_of(db, request)
    part: HelpPart | None = None
    if request.requester_id == user.id:
        part = HelpPart.REQUESTER
    elif tutor is not None and tutor.id == user.id:
        part = HelpPart.TUTOR
    elif await _provider_of(db, request) in await provider_ids(db, user):
        part = HelpPart.PEER
    return HelpFacts(part, matched=tutor is not None)


async def _provider_of(db: AsyncSession, request: HelpRequest) -> int | None:
    iteration = await db.get(Iteration, request.iteration_id)
    training = await db.get(Training, iteration.training_id) if iteration else None
    return training.provider_id if training else None


async def visible_request(
    db: AsyncSession, user: User, request_id: int
) -> tuple[HelpRequest, HelpFacts]:
    """The request and what the user is to it; to whoever may not read it, it does not exist."""
    request = await db.get(HelpRequest, request_id)
    if request is None:
        raise NotFound
    facts = await facts_about(db, user, request)
    if not permissions.can_read_help_request(user, facts):
        raise NotFound
    return request, facts


async def request_for(db: AsyncSession, user: User, request_id: int, rule: Rule) -> HelpRequest:
    """The request, for a step that `rule` allows this user; Forbidden otherwise. Its row is
    held until the step commits: two steps at once (accept and cancel, two accepts, a
    schedule and a cancel) run one after the other, the second on what the first wrote."""
    await expire_old(db)
    await lock(db, HelpRequest, request_id)
    request, facts = await visible_request(db, user, request_id)
    if not rule(user, facts):
        raise Forbidden
    return request

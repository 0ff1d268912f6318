"""Peer tutoring: what learners can teach and want to learn, requests that reach the right
peers live, offers, one accepted, a scheduled session, thanks and a ledger of hours."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

import realtime
from community import forms, notifications
from community.i18n import _
from community.models import (
    Enrolment,
    EnrolmentRole,
    HelpOffer,
    HelpRequest,
    Iteration,
    LearnerSkill,
    Skill,
    Thanks,
    Training,
    User,
    utcnow,
)
from community.templating import refetch_nudge
from community.trainings import Forbidden, NotFound

URGENCIES = ("now", "week")
FORMATS = ("in_person", "video", "chat")
LIFETIME = {"now": timedelta(hours=3), "week": timedelta(days=7)}
DURATIONS = ("30", "60", "90", "120")
NOTIFIED = 10  # peers told at once about a new request, the most relevant first
RECENT = timedelta(days=30)
Online = Callable[[int], Awaitable[bool]]  # is this person on the app right now?

ASK_FIELDS = (
    forms.Text("description", max_length=500, multiline=True),
    forms.Choice("urgency", choices=URGENCIES),
    forms.Choice("format", choices=FORMATS),
)
SCHEDULE_FIELDS = (
    forms.Moment("scheduled_at"),
    forms.Text("place", max_length=200),
    forms.Choice("duration", choices=DURATIONS),
)


# --- where a learner belongs ---------------------------------------------------------------


async def learner_groups(db: AsyncSession, user: User) -> list[tuple[Iteration, Training]]:
    rows = await db.exec(
        select(Iteration, Training)
        .join(Training, col(Training.id) == Iteration.training_id)
        .join(Enrolment, col(Enrolment.iteration_id) == Iteration.id)
        .where(Enrolment.user_id == user.id, Enrolment.role == EnrolmentRole.LEARNER)
        .order_by(col(Iteration.ends_on).desc())
    )
    return list(rows)


async def provider_ids(db: AsyncSession, user: User) -> set[int]:
    return {training.provider_id for _it, training in await learner_groups(db, user)}


# --- skills ----------------------------------------------------------------------------------


async def catalogue(db: AsyncSession, providers: set[int], approved: bool = True) -> list[Skill]:
    query = (
        select(Skill)
        .where(col(Skill.provider_id).in_(list(providers)), Skill.approved == approved)
        .order_by(col(Skill.name))
    )
    return list(await db.exec(query))


async def skills_of(db: AsyncSession, user: User) -> list[tuple[LearnerSkill, Skill]]:
    rows = await db.exec(
        select(LearnerSkill, Skill)
        .join(Skill, col(Skill.id) == LearnerSkill.skill_id)
        .where(LearnerSkill.user_id == user.id)
        .order_by(col(Skill.name))
    )
    return list(rows)


async def mark_skill(db: AsyncSession, user: User, data: dict[str, str]) -> None:
    """I can help with it (at a level), or I want to learn it; marking again updates it."""
    skill = await _skill_for(db, user, data.get("skill_id"))
    kind = data.get("kind")
    level = data.get("level", "1")
    if kind not in ("offer", "want") or level not in ("1", "2", "3"):
        raise forms.FormError({"skill_id": _("Choose one of the options.")}, data)
    mark = (
        await db.exec(
            select(LearnerSkill).where(
                LearnerSkill.user_id == user.id,
                LearnerSkill.skill_id == skill.id,
                LearnerSkill.kind == kind,
            )
        )
    ).first() or LearnerSkill(user_id=user.id or 0, skill_id=skill.id or 0, kind=kind)
    mark.level = int(level)
    db.add(mark)
    await db.commit()


async def unmark_skill(db: AsyncSession, user: User, mark_id: int) -> None:
    mark = await db.get(LearnerSkill, mark_id)
    if mark is None or mark.user_id != user.id:
        raise NotFound
    await db.delete(mark)
    await db.commit()


async def _skill_for(db: AsyncSession, user: User, raw: str | None) -> Skill:
    skill = await db.get(Skill, int(raw)) if raw and raw.isdigit() else None
    if skill is None or not skill.approved or skill.provider_id not in await provider_ids(db, user):
        raise forms.FormError({"skill_id": _("Choose one of the options.")})
    return skill


async def suggest_skill(db: AsyncSession, user: User, data: dict[str, str]) -> Skill:
    """A learner proposes a skill; the provider's staff or trainers add it to the catalogue."""
    name = forms.parse(data, forms.Text("name", max_length=60))["name"]
    providers = sorted(await provider_ids(db, user))
    if not providers:
        raise Forbidden
    skill = Skill(provider_id=providers[0], name=name, approved=False, suggested_by=user.id)
    db.add(skill)
    try:
        await db.commit()
    except IntegrityError:
        await db.rollback()
        raise forms.FormError(
            {"name": _("This skill is already in the catalogue.")}, data
        ) from None
    return skill


async def curate(db: AsyncSession, provider_id: int, skill_id: int, approve: bool) -> None:
    skill = await db.get(Skill, skill_id)
    if skill is None or skill.provider_id != provider_id:
        raise NotFound
    if approve:
        skill.approved = True
        db.add(skill)
    else:
        await db.delete(skill)
    await db.commit()


async def add_skill(db: AsyncSession, provider_id: int, data: dict[str, str]) -> None:
    name = forms.parse(data, forms.Text("name", max_length=60))["name"]
    db.add(Skill(provider_id=provider_id, name=name))
    try:
        await db.commit()
    except IntegrityError:
        await db.rollback()
        raise forms.FormError(
            {"name": _("This skill is already in the catalogue.")}, data
        ) from None


# --- requests --------------------------------------------------------------------------------


def feed_channel(user_id: int) -> str:
    return f"helpfeed:{user_id}"


def request_channel(request_id: int) -> str:
    return f"help:{request_id}"


async def _tell(db: AsyncSession, request: HelpRequest, people: set[int]) -> None:
    """Open pages of the request and of these people's help feeds fetch their view again."""
    request_id = request.id or 0
    channel = request_channel(request_id)
    await realtime.append(db, channel, refetch_nudge(f"help-{request_id}", f"/help/{request_id}"))
    for person in people:
        feed = feed_channel(person)
        await realtime.append(db, feed, refetch_nudge(f"help-feed-{person}", "/help"))


async def ask(db: AsyncSession, user: User, data: dict[str, str], online: Online) -> HelpRequest:
    groups = await learner_groups(db, user)
    if not groups:
        raise Forbidden
    errors: dict[str, str] = {}
    values = forms.collect(data, errors, *ASK_FIELDS)
    try:
        skill = await _skill_for(db, user, data.get("skill_id"))
    except forms.FormError as exc:
        errors.update(exc.errors)
    if errors:
        raise forms.FormError(errors, data)
    key = (data.get("idem") or "")[:40] or None
    if key is not None:
        sent = select(HelpRequest).where(
            HelpRequest.requester_id == user.id, HelpRequest.idempotency_key == key
        )
        if (earlier := (await db.exec(sent)).first()) is not None:
            return earlier  # the same form, sent again
    iteration = next((it for it, tr in groups if tr.provider_id == skill.provider_id), groups[0][0])
    request = HelpRequest(
        idempotency_key=key,
        requester_id=user.id or 0,
        iteration_id=iteration.id or 0,
        skill_id=skill.id or 0,
        expires_at=utcnow() + LIFETIME[values["urgency"]],
        **values,
    )
    db.add(request)
    try:
        await db.flush()
    except IntegrityError:  # the same form, sent twice at the same moment
        await db.rollback()
        earlier = select(HelpRequest).where(
            HelpRequest.requester_id == user.id, HelpRequest.idempotency_key == key
        )
        return (await db.exec(earlier)).one()
    chosen = (await candidates(db, request, online))[:NOTIFIED]
    for candidate in chosen:
        await notifications.notify(
            db, candidate.user.id or 0, "help", skill.name, f"/help/{request.id}"
        )
    await _tell(db, request, {user.id or 0, *(c.user.id or 0 for c in chosen)})
    await db.commit()
    return request


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
    peers = await _provider_learners(db, skill.provider_id)
    rows = await db.exec(
        select(User, LearnerSkill.level)
        .join(LearnerSkill, col(LearnerSkill.user_id) == User.id)
        .where(
            LearnerSkill.skill_id == request.skill_id,
            LearnerSkill.kind == "offer",
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


async def _provider_learners(db: AsyncSession, provider_id: int) -> set[int]:
    rows = await db.exec(
        select(Enrolment.user_id)
        .join(Iteration, col(Iteration.id) == Enrolment.iteration_id)
        .join(Training, col(Training.id) == Iteration.training_id)
        .where(Training.provider_id == provider_id, Enrolment.role == EnrolmentRole.LEARNER)
    )
    return set(rows)


async def _given_since(db: AsyncSession, since: datetime) -> dict[int, int]:
    rows = await db.exec(
        select(HelpOffer.tutor_id, func.count(col(HelpRequest.id)))
        .join(HelpRequest, col(HelpRequest.accepted_offer_id) == HelpOffer.id)
        .where(col(HelpRequest.created_at) >= since)
        .group_by(col(HelpOffer.tutor_id))
    )
    return dict(rows.all())


async def visible_request(db: AsyncSession, user: User, request_id: int) -> HelpRequest:
    """The requester, and learners of the same provider, see it; nobody else knows it exists."""
    await expire_old(db)
    request = await db.get(HelpRequest, request_id)
    if request is None:
        raise NotFound
    if request.requester_id == user.id:
        return request
    iteration = await db.get(Iteration, request.iteration_id)
    training = await db.get(Training, iteration.training_id) if iteration else None
    if training is None or training.provider_id not in await provider_ids(db, user):
        raise NotFound
    return request


async def expire_old(db: AsyncSession) -> None:
    connection = await db.connection()
    await connection.execute(
        update(HelpRequest)
        .where(col(HelpRequest.status) == "open", col(HelpRequest.expires_at) < utcnow())
        .values(status="expired")
    )
    await db.commit()


async def tutor_of(db: AsyncSession, request: HelpRequest) -> User | None:
    offer = (
        await db.get(HelpOffer, request.accepted_offer_id) if request.accepted_offer_id else None
    )
    return await db.get(User, offer.tutor_id) if offer else None


async def offers_on(db: AsyncSession, request: HelpRequest) -> list[tuple[HelpOffer, User]]:
    rows = await db.exec(
        select(HelpOffer, User)
        .join(User, col(User.id) == HelpOffer.tutor_id)
        .where(HelpOffer.request_id == request.id)
        .order_by(col(HelpOffer.id))
    )
    return list(rows)


async def offer(db: AsyncSession, user: User, request: HelpRequest, data: dict[str, str]) -> None:
    if request.requester_id == user.id:
        raise Forbidden
    if request.status != "open":
        raise forms.FormError({"message": _("This request is no longer open.")}, data)
    message = forms.parse(data, forms.Text("message", max_length=300, required=False))["message"]
    db.add(HelpOffer(request_id=request.id or 0, tutor_id=user.id or 0, message=message))
    try:
        await db.flush()
    except IntegrityError:
        await db.rollback()
        raise forms.FormError({"message": _("You already offered to help.")}, data) from None
    await notifications.notify(
        db, request.requester_id, "offer", user.display_name, f"/help/{request.id}"
    )
    await _tell(db, request, {request.requester_id, user.id or 0})
    await db.commit()


async def accept(db: AsyncSession, user: User, request: HelpRequest, offer_id: int) -> None:
    """One offer wins; a second accept at the same moment is told the request is taken."""
    if request.requester_id != user.id:
        raise Forbidden
    chosen = await db.get(HelpOffer, offer_id)
    if chosen is None or chosen.request_id != request.id:
        raise forms.FormError({"offer": _("Choose one of the options.")})
    connection = await db.connection()
    result = await connection.execute(
        update(HelpRequest)
        .where(col(HelpRequest.id) == request.id, col(HelpRequest.status) == "open")
        .values(status="matched", accepted_offer_id=offer_id)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        await db.rollback()
        raise forms.FormError({"offer": _("This request already has a tutor.")})
    await notifications.notify(
        db, chosen.tutor_id, "accepted", user.display_name, f"/help/{request.id}"
    )
    await _tell(db, request, {request.requester_id, chosen.tutor_id})
    await db.commit()


async def _parties(db: AsyncSession, user: User, request: HelpRequest) -> tuple[int, int]:
    tutor = await tutor_of(db, request)
    if tutor is None or user.id not in (request.requester_id, tutor.id):
        raise Forbidden
    return request.requester_id, tutor.id or 0


async def schedule(
    db: AsyncSession, user: User, request: HelpRequest, data: dict[str, str]
) -> None:
    requester, tutor = await _parties(db, user, request)
    if request.status not in ("matched", "scheduled"):
        raise forms.FormError({"scheduled_at": _("This request is no longer open.")}, data)
    values = forms.parse(data, *SCHEDULE_FIELDS)
    now = utcnow()
    if not now - timedelta(days=7) <= values["scheduled_at"] <= now + timedelta(days=90):
        raise forms.FormError(
            {"scheduled_at": _("Choose a date within the next three months.")}, data
        )
    request.scheduled_at = values["scheduled_at"]
    request.place = values["place"]
    request.duration_minutes = int(values["duration"])
    request.status = "scheduled"
    db.add(request)
    other = tutor if user.id == requester else requester
    await notifications.notify(db, other, "scheduled", user.display_name, f"/help/{request.id}")
    await _tell(db, request, {requester, tutor})
    await db.commit()


async def confirm(db: AsyncSession, user: User, request: HelpRequest) -> None:
    """Both say it took place: then it counts, and can be thanked."""
    requester, tutor = await _parties(db, user, request)
    if request.status != "scheduled" or (request.scheduled_at and request.scheduled_at > utcnow()):
        raise forms.FormError({"confirm": _("The session has not taken place yet.")})
    if user.id == requester:
        request.requester_confirmed = True
    else:
        request.tutor_confirmed = True
    if request.requester_confirmed and request.tutor_confirmed:
        request.status = "done"
    db.add(request)
    await _tell(db, request, {requester, tutor})
    await db.commit()


async def cancel(db: AsyncSession, user: User, request: HelpRequest, data: dict[str, str]) -> None:
    people = {request.requester_id}
    if request.requester_id != user.id:
        people |= set(await _parties(db, user, request))
    if request.status not in ("open", "matched", "scheduled"):
        raise forms.FormError({"reason": _("This request is no longer open.")}, data)
    request.cancel_reason = forms.parse(data, forms.Text("reason", max_length=300))["reason"]
    request.status = "cancelled"
    db.add(request)
    await _tell(db, request, people | {user.id or 0})
    await db.commit()


async def thank(db: AsyncSession, user: User, request: HelpRequest, data: dict[str, str]) -> None:
    if request.requester_id != user.id:
        raise Forbidden
    tutor = await tutor_of(db, request)
    if request.status != "done" or tutor is None:
        raise forms.FormError(
            {"rating": _("You can thank your tutor once the session took place.")}
        )
    rating = data.get("rating", "")
    if rating not in ("1", "2", "3", "4", "5"):
        raise forms.FormError({"rating": _("Choose a rating from 1 to 5.")}, data)
    message = forms.parse(data, forms.Text("message", max_length=300, required=False))["message"]
    db.add(
        Thanks(
            request_id=request.id or 0, tutor_id=tutor.id or 0, rating=int(rating), message=message
        )
    )
    try:
        await db.flush()
    except IntegrityError:
        await db.rollback()
        raise forms.FormError({"rating": _("You already thanked your tutor.")}, data) from None
    await notifications.notify(
        db, tutor.id or 0, "thanks", user.display_name, f"/help/{request.id}"
    )
    await _tell(db, request, {request.requester_id, tutor.id or 0})
    await db.commit()


async def thanks_for(db: AsyncSession, request: HelpRequest) -> Thanks | None:
    return (await db.exec(select(Thanks).where(Thanks.request_id == request.id))).first()


# --- what each person sees -----------------------------------------------------------------


@dataclass(frozen=True)
class Ledger:
    given: int
    given_minutes: int
    received: int
    received_minutes: int


async def ledger(db: AsyncSession, user: User) -> Ledger:
    done = select(HelpRequest).where(HelpRequest.status == "done")
    received = list(await db.exec(done.where(HelpRequest.requester_id == user.id)))
    given = list(
        await db.exec(
            done.join(HelpOffer, col(HelpOffer.id) == HelpRequest.accepted_offer_id).where(
                HelpOffer.tutor_id == user.id
            )
        )
    )
    return Ledger(
        len(given),
        sum(r.duration_minutes for r in given),
        len(received),
        sum(r.duration_minutes for r in received),
    )


async def my_requests(db: AsyncSession, user: User) -> list[tuple[HelpRequest, Skill]]:
    await expire_old(db)
    rows = await db.exec(
        select(HelpRequest, Skill)
        .join(Skill, col(Skill.id) == HelpRequest.skill_id)
        .where(HelpRequest.requester_id == user.id)
        .order_by(col(HelpRequest.id).desc())
        .limit(20)
    )
    return list(rows)


async def for_me(db: AsyncSession, user: User) -> list[tuple[HelpRequest, Skill]]:
    """Open requests on skills I offer, from my providers' learners, and my own sessions."""
    offered = select(LearnerSkill.skill_id).where(
        LearnerSkill.user_id == user.id, LearnerSkill.kind == "offer"
    )
    peers = set()
    for provider_id in await provider_ids(db, user):
        peers |= await _provider_learners(db, provider_id)
    mine = select(HelpOffer.request_id).where(HelpOffer.tutor_id == user.id)
    rows = await db.exec(
        select(HelpRequest, Skill)
        .join(Skill, col(Skill.id) == HelpRequest.skill_id)
        .where(
            HelpRequest.requester_id != user.id,
            col(HelpRequest.requester_id).in_(list(peers)),
            ((col(HelpRequest.status) == "open") & col(HelpRequest.skill_id).in_(offered))
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
class Need:
    skill: str
    open_requests: int
    wanted: int
    offered: int


async def needs(db: AsyncSession, iteration_id: int) -> list[Need]:
    """For trainers: per skill, open requests and wishes of the group against who can help."""
    learners = set(
        await db.exec(
            select(Enrolment.user_id).where(
                Enrolment.iteration_id == iteration_id, Enrolment.role == EnrolmentRole.LEARNER
            )
        )
    )
    await expire_old(db)
    counted: dict[str, list[int]] = {}
    requests = await db.exec(
        select(Skill.name)
        .join(HelpRequest, col(HelpRequest.skill_id) == Skill.id)
        .where(HelpRequest.iteration_id == iteration_id, HelpRequest.status == "open")
    )
    for name in requests:
        counted.setdefault(name, [0, 0, 0])[0] += 1
    marks = await db.exec(
        select(Skill.name, LearnerSkill.kind)
        .join(LearnerSkill, col(LearnerSkill.skill_id) == Skill.id)
        .where(col(LearnerSkill.user_id).in_(list(learners)))
    )
    for name, kind in marks:
        counted.setdefault(name, [0, 0, 0])[1 if kind == "want" else 2] += 1
    found = [Need(name, *counts) for name, counts in counted.items()]
    return sorted(found, key=lambda n: (n.offered - n.open_requests - n.wanted, n.skill))


async def rating_summary(db: AsyncSession, iteration_id: int) -> tuple[int, float | None]:
    """For trainers: how many thanks the group's tutors received, and their mean, never who."""
    rows = (
        await db.exec(
            select(Thanks.rating)
            .join(HelpRequest, col(HelpRequest.id) == Thanks.request_id)
            .where(HelpRequest.iteration_id == iteration_id)
        )
    ).all()
    if len(rows) < 5:
        return len(rows), None
    return len(rows), sum(rows) / len(rows)

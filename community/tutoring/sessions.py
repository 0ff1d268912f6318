"""From an offer to a session: offer, accept, schedule, confirm, cancel, thank; a request's page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import forms, notifications, parsing, permissions
from community.i18n import _
from community.models import HelpOffer, HelpRequest, Skill, Thanks, User, utcnow
from community.permissions import HelpFacts, HelpPart
from community.tutoring.choices import (
    RATINGS,
    SCHEDULABLE,
    UNDER_WAY,
    Duration,
    HelpStatus,
    allowed,
)
from community.tutoring.ledger import times_helped
from community.tutoring.requests import (
    expire_old,
    request_for,
    tell,
    tutor_of,
    visible_request,
)

MESSAGE = forms.Text("message", max_length=300, required=False)
SCHEDULE_FIELDS = (
    forms.Moment("scheduled_at"),
    forms.Text("place", max_length=200),
    forms.Choice("duration", choices=allowed(Duration)),
)
# A session may be noted down a week late, and planned up to three months ahead.
SCHEDULE_WINDOW = (timedelta(days=7), timedelta(days=90))


async def offers_on(db: AsyncSession, request: HelpRequest) -> list[tuple[HelpOffer, User]]:
    rows = await db.exec(
        select(HelpOffer, User)
        .join(User, col(User.id) == HelpOffer.tutor_id)
        .where(HelpOffer.request_id == request.id)
        .order_by(col(HelpOffer.id))
    )
    return list(rows)


async def offer(db: AsyncSession, user: User, request_id: int, data: dict[str, str]) -> None:
    request = await request_for(db, user, request_id, permissions.can_offer_help)
    if request.status != HelpStatus.OPEN:
        raise forms.FormError({"message": _("This request is no longer open.")}, data)
    message = forms.parse(data, MESSAGE)["message"]
    try:
        async with db.begin_nested():
            db.add(HelpOffer(request_id=request_id, tutor_id=user.id or 0, message=message))
    except IntegrityError:
        raise forms.FormError({"message": _("You already offered to help.")}, data) from None
    await notifications.notify(
        db, request.requester_id, "offer", user.display_name, f"/help/{request_id}"
    )
    await tell(db, request, {request.requester_id, user.id or 0})


async def accept(db: AsyncSession, user: User, request_id: int, data: dict[str, str]) -> None:
    """One offer wins; a second accept at the same moment is told the request is taken."""
    request = await request_for(db, user, request_id, permissions.can_accept_help_offer)
    offer_id = parsing.ident(data.get("offer_id"))
    chosen = await db.get(HelpOffer, offer_id) if offer_id else None
    if chosen is None or chosen.request_id != request_id:
        raise forms.FormError({"offer": _("Choose one of the options.")})
    # The status is checked by the update itself: of two accepts at once, one changes it.
    result = await db.exec(
        update(HelpRequest)
        .where(col(HelpRequest.id) == request_id, col(HelpRequest.status) == HelpStatus.OPEN)
        .values(status=HelpStatus.MATCHED, accepted_offer_id=chosen.id)
    )
    if result.rowcount != 1:
        raise forms.FormError({"offer": _("This request already has a tutor.")})
    await notifications.notify(
        db, chosen.tutor_id, "accepted", user.display_name, f"/help/{request_id}"
    )
    await tell(db, request, {request.requester_id, chosen.tutor_id})


async def _tutor_id(db: AsyncSession, request: HelpRequest) -> int:
    tutor = await tutor_of(db, request)
    assert tutor is not None and tutor.id is not None  # the rules admit matched requests only
    return tutor.id


async def schedule(db: AsyncSession, user: User, request_id: int, data: dict[str, str]) -> None:
    request = await request_for(db, user, request_id, permissions.can_schedule_help_session)
    if request.status not in SCHEDULABLE:
        raise forms.FormError({"scheduled_at": _("This request is no longer open.")}, data)
    fields = forms.parse(data, *SCHEDULE_FIELDS)
    now = utcnow()
    late, ahead = SCHEDULE_WINDOW
    if not now - late <= fields["scheduled_at"] <= now + ahead:
        raise forms.FormError(
            {"scheduled_at": _("Choose a date within the next three months.")}, data
        )
    request.scheduled_at = fields["scheduled_at"]
    request.place = fields["place"]
    request.duration_minutes = int(fields["duration"])
    request.status = HelpStatus.SCHEDULED
    db.add(request)
    tutor = await _tutor_id(db, request)
    other = tutor if user.id == request.requester_id else request.requester_id
    await notifications.notify(db, other, "scheduled", user.display_name, f"/help/{request_id}")
    await tell(db, request, {request.requester_id, tutor})


def _taken_place(request: HelpRequest) -> bool:
    return request.scheduled_at is not None and request.scheduled_at <= utcnow()


async def confirm(db: AsyncSession, user: User, request_id: int) -> None:
    """Both say it took place: then it counts, and can be thanked."""
    request = await request_for(db, user, request_id, permissions.can_confirm_help_session)
    if request.status != HelpStatus.SCHEDULED or not _taken_place(request):
        raise forms.FormError({"confirm": _("The session has not taken place yet.")})
    if user.id == request.requester_id:
        request.requester_confirmed = True
    else:
        request.tutor_confirmed = True
    if request.requester_confirmed and request.tutor_confirmed:
        request.status = HelpStatus.DONE
    db.add(request)
    await tell(db, request, {request.requester_id, await _tutor_id(db, request)})


async def cancel(db: AsyncSession, user: User, request_id: int, data: dict[str, str]) -> None:
    request = await request_for(db, user, request_id, permissions.can_cancel_help_request)
    if request.status not in UNDER_WAY:
        raise forms.FormError({"reason": _("This request is no longer open.")}, data)
    reason = forms.parse(data, forms.Text("reason", max_length=300))["reason"]
    await call_off(db, request, reason)


async def call_off(db: AsyncSession, request: HelpRequest, reason: str) -> None:
    """A request under way ends, cancelled; the pages of both people follow."""
    request.cancel_reason = reason
    request.status = HelpStatus.CANCELLED
    db.add(request)
    tutor = await tutor_of(db, request)
    await tell(db, request, {request.requester_id, *([tutor.id or 0] if tutor else [])})


async def thank(db: AsyncSession, user: User, request_id: int, data: dict[str, str]) -> None:
    request = await request_for(db, user, request_id, permissions.can_thank_tutor)
    tutor = await tutor_of(db, request)
    if request.status != HelpStatus.DONE or tutor is None:
        raise forms.FormError(
            {"rating": _("You can thank your tutor once the session took place.")}
        )
    rating = data.get("rating", "")
    if rating not in [str(stars) for stars in RATINGS]:
        raise forms.FormError({"rating": _("Choose a rating from 1 to 5.")}, data)
    message = forms.parse(data, MESSAGE)["message"]
    thanks = Thanks(
        request_id=request_id, tutor_id=tutor.id or 0, rating=int(rating), message=message
    )
    try:
        async with db.begin_nested():
            db.add(thanks)
    except IntegrityError:
        raise forms.FormError({"rating": _("You already thanked your tutor.")}, data) from None
    await notifications.notify(
        db, tutor.id or 0, "thanks", user.display_name, f"/help/{request_id}"
    )
    await tell(db, request, {request.requester_id, tutor.id or 0})


async def thanks_for(db: AsyncSession, request: HelpRequest) -> Thanks | None:
    return (await db.exec(select(Thanks).where(Thanks.request_id == request.id))).first()


@dataclass(frozen=True)
class Controls:
    """What a request's page offers its reader, from their rights and where the request is."""

    offer: bool
    accept: bool
    schedule: bool
    confirm: bool
    awaiting_other: bool  # this reader confirmed; the other has not yet
    cancel: bool
    thank: bool
    thanked: bool


def controls(user: User, request: HelpRequest, facts: HelpFacts, thanked: bool) -> Controls:
    status = request.status
    in_session = permissions.can_confirm_help_session(user, facts)
    confirmed = (
        request.requester_confirmed if facts.part == HelpPart.REQUESTER else request.tutor_confirmed
    )
    confirming = in_session and status == HelpStatus.SCHEDULED and _taken_place(request)
    return Controls(
        offer=status == HelpStatus.OPEN and permissions.can_offer_help(user, facts),
        accept=status == HelpStatus.OPEN and permissions.can_accept_help_offer(user, facts),
        schedule=status in SCHEDULABLE and permissions.can_schedule_help_session(user, facts),
        confirm=confirming and not confirmed,
        awaiting_other=confirming and confirmed,
        cancel=status in UNDER_WAY and permissions.can_cancel_help_request(user, facts),
        thank=status == HelpStatus.DONE
        and not thanked
        and permissions.can_thank_tutor(user, facts),
        thanked=thanked and facts.part in (HelpPart.REQUESTER, HelpPart.TUTOR),
    )


@dataclass(frozen=True)
class RequestPage:
    request: HelpRequest
    skill: Skill
    requester: User
    tutor: User | None
    offers: list[tuple[HelpOffer, User, int]]  # each offer, its author, how often they helped
    may: Controls


async def request_page(db: AsyncSession, user: User, request_id: int) -> RequestPage:
    await expire_old(db)
    request, facts = await visible_request(db, user, request_id)
    skill = await db.get(Skill, request.skill_id)
    requester = await db.get(User, request.requester_id)
    assert skill is not None and requester is not None
    thanked = await thanks_for(db, request) is not None
    offers = await offers_on(db, request)
    helped = await times_helped(db, [person.id or 0 for _offer, person in offers])
    return RequestPage(
        request,
        skill,
        requester,
        await tutor_of(db, request),
        [(offered, person, helped.get(person.id or 0, 0)) for offered, person in offers],
        controls(user, request, facts, thanked),
    )

"""The learner's compass: whether they want suggestions, what they say of a card, and
erasing what they said. The cards themselves are computed (cards.py), never stored."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import delete, func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import forms, permissions
from community.database import insert_once
from community.errors import Forbidden
from community.i18n import _
from community.models import CardPin, CardSetting, CardShown, CardVerdict, User, utcnow
from community.pathways import live
from community.pathways.cards import Card, Online, cards_for
from community.pathways.evidence import Mastery, masteries
from community.pathways.group import pinned_cards

CARD_KEY = re.compile(r"(peer:\d{1,10}:\d{1,10}|role:\d{1,10}|resource:\d{1,10}|practice:\d{1,10})")


class Verdict(StrEnum):
    HELPED = "helped"
    DISMISSED = "dismissed"


class Reason(StrEnum):
    """Why a card is not for the learner: a few fixed choices, and a short text if they wish."""

    KNOW_IT = "know_it"
    NOT_NOW = "not_now"
    NOT_RELEVANT = "not_relevant"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            Reason.KNOW_IT: _("I already know it"),
            Reason.NOT_NOW: _("Not now"),
            Reason.NOT_RELEVANT: _("Not relevant to me"),
            Reason.OTHER: _("Another reason"),
        }[self]


NOTE = forms.Text("note", max_length=200, required=False)


@dataclass(frozen=True)
class Compass:
    suggestions_on: bool
    cards: list[Card]
    helped: set[str]  # the keys of the cards they said helped
    masteries: list[Mastery]
    verdicts: int  # how many verdicts of theirs are stored
    removed: int  # how many cards trainers took off it: a count, never who


async def suggestions_on(db: AsyncSession, user: User) -> bool:
    setting = await db.get(CardSetting, user.id)
    return setting is None or setting.suggestions_on


async def compass(db: AsyncSession, user: User, online: Online) -> Compass:
    if not permissions.can_open_compass(user):
        raise Forbidden
    on = await suggestions_on(db, user)
    # Suggestions off: no card is computed at all, nor logged as shown.
    cards = await cards_for(db, user, online, await pinned_cards(db, user)) if on else []
    verdicts = list(await db.exec(select(CardVerdict).where(CardVerdict.user_id == user.id)))
    helped = {v.card_key for v in verdicts if v.verdict == Verdict.HELPED}
    removed = await _removed(db, user) if on else 0
    return Compass(on, cards, helped, await masteries(db, user), len(verdicts), removed)


async def _removed(db: AsyncSession, user: User) -> int:
    count = select(func.count(col(CardPin.id))).where(
        CardPin.learner_id == user.id, col(CardPin.removed)
    )
    return (await db.exec(count)).one()


async def turn_suggestions(db: AsyncSession, user: User, data: dict[str, str]) -> None:
    if not permissions.can_turn_suggestions(user):
        raise Forbidden
    on = data.get("on") == "1"
    if not await insert_once(
        db, CardSetting, user_id=user.id, suggestions_on=on, updated_at=utcnow()
    ):
        await db.exec(
            update(CardSetting)
            .where(col(CardSetting.user_id) == user.id)
            .values(suggestions_on=on, updated_at=utcnow())
        )
    await live.evidence_changed(db, [user.id or 0])


async def judge_card(db: AsyncSession, user: User, data: dict[str, str]) -> None:
    """ "It helped" or "not for me" (with a reason) on a card the learner was shown; once."""
    if not permissions.can_judge_card(user):
        raise Forbidden
    key = data.get("card_key", "")
    verdict = data.get("verdict", "")
    reason = data.get("reason", "") if verdict == Verdict.DISMISSED else ""
    note = forms.parse(data, NOTE)["note"] if verdict == Verdict.DISMISSED else ""
    if not CARD_KEY.fullmatch(key) or verdict not in tuple(Verdict):
        raise forms.FormError({"card": _("Choose one of the options.")}, data)
    if verdict == Verdict.DISMISSED and reason not in tuple(Reason):
        raise forms.FormError({"card": _("Say why this card is not for you.")}, data)
    kind = await _shown_kind(db, user, key)
    written = await insert_once(
        db,
        CardVerdict,
        user_id=user.id,
        card_key=key,
        kind=kind,
        verdict=verdict,
        reason=reason,
        note=note,
        created_at=utcnow(),
    )
    if not written:
        raise forms.FormError({"card": _("You already said what you think of this card.")})
    await live.evidence_changed(db, [user.id or 0])


async def _shown_kind(db: AsyncSession, user: User, key: str) -> str:
    """The card's kind, as it was shown to this learner: no verdict on a card never shown."""
    kind = (
        await db.exec(
            select(CardShown.kind).where(CardShown.user_id == user.id, CardShown.card_key == key)
        )
    ).first()
    if kind is None:
        raise forms.FormError({"card": _("This card is no longer shown to you.")})
    return kind


async def erase_verdicts(db: AsyncSession, user: User) -> None:
    """What the learner said of cards is gone; set-aside cards may come back."""
    if not permissions.can_erase_card_verdicts(user):
        raise Forbidden
    await db.exec(delete(CardVerdict).where(col(CardVerdict.user_id) == user.id))
    await live.evidence_changed(db, [user.id or 0])

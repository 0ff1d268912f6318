"""A trainer of the group takes a computed card off a learner's compass, and may put it back.
The learner's compass follows live; it names nobody, it only counts the cards set aside."""

from __future__ import annotations

from sqlalchemy import delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import forms, parsing, permissions, trainings
from community.database import insert_once
from community.errors import NotFound
from community.i18n import _
from community.models import CardPin, CourseSession, FlippedResource, User, utcnow
from community.pathways import live
from community.pathways.cards import Card, Online, cards_for
from community.pathways.compass import suggestions_on
from community.pathways.group import learners_of, pinned_cards


async def _learners(db: AsyncSession, user: User, iteration_id: int) -> dict[int, User]:
    """The group's learners, for one who may remove their cards; otherwise not found."""
    group = await trainings.iteration_view(db, user, iteration_id)
    if not permissions.can_remove_card(user, group.facts):
        raise NotFound
    return {learner.id or 0: learner for learner in await learners_of(db, iteration_id)}


async def _shown_to(db: AsyncSession, learner: User, online: Online) -> list[Card]:
    """What the learner's compass shows now; a trainer's look is not logged as shown, and a
    learner who turned suggestions off has no card computed at all."""
    if not await suggestions_on(db, learner):
        return []
    return await cards_for(db, learner, online, await pinned_cards(db, learner), log=False)


async def cards_of(
    db: AsyncSession, user: User, iteration_id: int, learner_id: int, online: Online
) -> list[Card]:
    learner = (await _learners(db, user, iteration_id)).get(learner_id)
    if learner is None:
        raise NotFound
    return await _shown_to(db, learner, online)


async def remove(
    db: AsyncSession, user: User, iteration_id: int, data: dict[str, str], online: Online
) -> None:
    """Only a card the learner's compass shows now, and not one a trainer pinned (that one
    is unpinned). The row's key is unique per learner and card: two trainers removing (or
    pinning) the same card at once leave one row."""
    learners = await _learners(db, user, iteration_id)
    learner = learners.get(parsing.ident_or_zero(data.get("learner_id")))
    if learner is None:
        raise forms.FormError({"learner_id": _("Choose one of the options.")}, data)
    key = data.get("card_key", "")
    shown = await _shown_to(db, learner, online)
    card = next((c for c in shown if c.key == key and not c.pinned), None)
    if card is None:
        raise forms.FormError(
            {"card": _("This card is no longer on this learner's compass.")}, data
        )
    values = {"learner_id": learner.id, "trainer_id": user.id, "card_key": key, "kind": card.kind}
    if not await insert_once(db, CardPin, **values, removed=True, created_at=utcnow()):
        raise forms.FormError({"card": _("This card is already pinned or removed.")}, data)
    await live.evidence_changed(db, [learner.id or 0])


async def restore(db: AsyncSession, user: User, iteration_id: int, removal_id: int) -> None:
    """The card may show again on the learner's compass (if it is still computed)."""
    learners = await _learners(db, user, iteration_id)
    removal = await db.get(CardPin, removal_id)
    if removal is None or not removal.removed or removal.learner_id not in learners:
        raise NotFound
    await db.exec(delete(CardPin).where(col(CardPin.id) == removal_id))
    await live.evidence_changed(db, [removal.learner_id])


async def resource_titles(db: AsyncSession, iteration_id: int, keys: list[str]) -> dict[str, str]:
    """How removed "resource:<id>" cards read for the group's trainers: the titles of the
    group's own resources only."""
    ids = [parsing.ident(key.partition(":")[2]) for key in keys if key.startswith("resource:")]
    if not ids:
        return {}
    rows = await db.exec(
        select(FlippedResource.id, FlippedResource.title)
        .join(CourseSession, col(CourseSession.id) == FlippedResource.session_id)
        .where(col(FlippedResource.id).in_(ids), CourseSession.iteration_id == iteration_id)
    )
    return {f"resource:{ident}": title for ident, title in rows}

"""The shared entries the group's trainers pick to discuss in the session, in their order.
Every pick, unpick or move is pushed to the open pooling pages like any other change."""

from __future__ import annotations

from collections.abc import Mapping

from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import forms, parsing, permissions
from community.database import insert_for
from community.errors import Forbidden, NotFound
from community.flipped.capsule import Place
from community.i18n import _
from community.journal import pooling
from community.models import CourseSession, JournalEntry, JournalPick, User, utcnow


async def _editable(db: AsyncSession, user: User, session_id: int) -> Place:
    """The session, its row locked so that picks and moves of two trainers follow one
    another. A learner of the group is refused; anyone else is told there is no session."""
    found = await pooling.place(db, user, session_id)
    if not permissions.can_pick_entry_to_discuss(user, found.group.facts):
        raise Forbidden
    await db.exec(select(CourseSession.id).where(CourseSession.id == session_id).with_for_update())
    return found


async def _shared_entry(db: AsyncSession, session_id: int, raw: object) -> int:
    """An entry shared for this session, as a form or a path names it; NotFound otherwise."""
    entry = await db.get(JournalEntry, parsing.ident_or_zero(raw))
    if entry is None or entry.id is None or entry.shared_session_id != session_id:
        raise NotFound
    return entry.id


async def pick(db: AsyncSession, user: User, session_id: int, data: Mapping[str, str]) -> None:
    """Last in the order; picked already (by this trainer or another), it stays where it is."""
    await _editable(db, user, session_id)
    entry_id = await _shared_entry(db, session_id, data.get("entry_id"))
    order = await pooling.picked_in(db, session_id)
    statement = insert_for(db, JournalPick).values(
        session_id=session_id, entry_id=entry_id, position=len(order) + 1, created_at=utcnow()
    )
    await (await db.connection()).execute(statement.on_conflict_do_nothing())
    await pooling.changed(db, session_id)


async def unpick(db: AsyncSession, user: User, session_id: int, entry_id: int) -> None:
    await _editable(db, user, session_id)
    order = await pooling.picked_in(db, session_id)
    if entry_id not in order:
        raise NotFound
    order.remove(entry_id)
    await _renumber(db, session_id, order)


async def move(
    db: AsyncSession, user: User, session_id: int, entry_id: int, data: Mapping[str, str]
) -> None:
    """To a place in the order, counted from 1 (the buttons up and down send the next one)."""
    await _editable(db, user, session_id)
    order = await pooling.picked_in(db, session_id)
    if entry_id not in order:
        raise NotFound
    position = parsing.ident_or_zero(data.get("position"))
    if not 1 <= position <= len(order):
        message = _("Choose a place from 1 to %(num)d.", num=len(order))
        raise forms.FormError({"position": message}, dict(data))
    order.remove(entry_id)
    order.insert(position - 1, entry_id)
    await _renumber(db, session_id, order)


async def _renumber(db: AsyncSession, session_id: int, order: list[int]) -> None:
    """The picks of the session, exactly `order`, numbered from 1."""
    await db.exec(
        delete(JournalPick).where(
            col(JournalPick.session_id) == session_id, col(JournalPick.entry_id).not_in(order)
        )
    )
    picks = await db.exec(select(JournalPick).where(JournalPick.session_id == session_id))
    for row in picks:
        row.position = order.index(row.entry_id) + 1
        db.add(row)
    await db.flush()
    await pooling.changed(db, session_id)

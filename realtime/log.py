"""The event log: a gapless sequence per channel, written in the caller's transaction.

The database is the record: what a client missed is read back from here, so a Redis restart
or a crash between commit and publish loses nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import (
    Column,
    DateTime,
    Executable,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    delete,
    event,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction

PENDING = "live_pending_events"
MARKS = "live_savepoint_marks"  # where each open savepoint began in PENDING

# Its own metadata: the app's migrations include it (see community/migrations/env.py).
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "pk": "pk_%(table_name)s",
    }
)

# The last sequence number of each channel; its row lock orders writers on PostgreSQL.
channels = Table(
    "live_channel",
    metadata,
    Column("name", String(120), primary_key=True),
    Column("last_seq", Integer, nullable=False),
)

events = Table(
    "live_event",
    metadata,
    Column("channel", String(120), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("content", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, index=True),
    Column("published_at", DateTime(timezone=True)),
    Index("ix_live_event_unpublished", "published_at", "created_at"),
)


def _now() -> datetime:
    return datetime.now(UTC)


async def _execute(session: AsyncSession, statement: Executable) -> CursorResult:
    """Through the session's connection: same transaction, any session class (SQLModel's too)."""
    connection = await session.connection()
    return await connection.execute(statement)


@dataclass(frozen=True)
class Event:
    channel: str
    seq: int
    content: str


async def append(
    session: AsyncSession, channel: str, content: str | Callable[[], Awaitable[str]]
) -> Event:
    """Give the event the channel's next number, in the caller's transaction.

    The upsert takes the channel row's lock until commit, so concurrent writers to one
    channel get consecutive numbers in commit order (SQLite has a single writer anyway).
    A callable content is rendered once that lock is held: it then sees every earlier
    event's writes, so what pages show follows the order of the numbers.
    """
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(channels)
        .values(name=channel, last_seq=1)
        .on_conflict_do_update(index_elements=["name"], set_={"last_seq": channels.c.last_seq + 1})
        .returning(channels.c.last_seq)
    )
    seq = (await _execute(session, statement)).scalar_one()
    if callable(content):
        content = await content()
    await _execute(
        session,
        events.insert().values(channel=channel, seq=seq, content=content, created_at=_now()),
    )
    event = Event(channel, seq, content)
    session.sync_session.info.setdefault(PENDING, []).append(event)
    return event


async def last_seq(session: AsyncSession, channel: str) -> int:
    """What a page renders next to a live region, read in the same transaction as its state."""
    query = select(channels.c.last_seq).where(channels.c.name == channel)
    return (await _execute(session, query)).scalar_one_or_none() or 0


@dataclass(frozen=True)
class Backlog:
    """What a channel holds after a cursor: its events in order, or None when some of them
    are no longer kept (the page must fetch the region again); `last` is the channel's top."""

    events: list[Event] | None
    last: int


async def since(session: AsyncSession, channel: str, seq: int, limit: int) -> list[Event] | None:
    """The events after `seq`, in order; None when some of them are no longer kept."""
    return (await since_many(session, {channel: seq}, limit))[channel].events


async def since_many(
    session: AsyncSession, cursors: Mapping[str, int], limit: int
) -> dict[str, Backlog]:
    """What every channel holds after its cursor, in two statements whatever their number:
    the channels' tops, then the events of those behind, at most `limit` per channel."""
    query = select(channels.c.name, channels.c.last_seq).where(channels.c.name.in_(list(cursors)))
    tops = dict((await _execute(session, query)).all())
    behind = {ch: seq for ch, seq in cursors.items() if 0 < tops.get(ch, 0) - seq <= limit}
    found: dict[str, list[Event]] = {channel: [] for channel in behind}
    if behind:
        after = or_(
            *(and_(events.c.channel == ch, events.c.seq > seq) for ch, seq in behind.items())
        )
        query = (
            select(events.c.channel, events.c.seq, events.c.content)
            .where(after)
            .order_by(events.c.channel, events.c.seq)
        )
        for channel, seq, content in (await _execute(session, query)).all():
            found[channel].append(Event(channel, seq, content))
    return {ch: _backlog(seq, tops.get(ch, 0), found.get(ch)) for ch, seq in cursors.items()}


def _backlog(seq: int, last: int, found: list[Event] | None) -> Backlog:
    """The resync rule: nothing is missing between the cursor and the channel's top."""
    if seq == last:
        return Backlog([], last)
    if found is None or not found or found[0].seq != seq + 1:
        return Backlog(None, last)
    return Backlog(found, last)


async def unpublished(session: AsyncSession, older_than: timedelta, limit: int) -> list[Event]:
    rows = (
        await _execute(
            session,
            select(events.c.channel, events.c.seq, events.c.content)
            .where(events.c.published_at.is_(None), events.c.created_at < _now() - older_than)
            .order_by(events.c.created_at)
            .limit(limit),
        )
    ).all()
    return [Event(*row) for row in rows]


async def mark_published(session: AsyncSession, published: list[Event]) -> None:
    now = _now()
    for channel in {e.channel for e in published}:
        seqs = [e.seq for e in published if e.channel == channel]
        await _execute(
            session,
            update(events)
            .where(events.c.channel == channel, events.c.seq.in_(seqs))
            .values(published_at=now),
        )
    await session.commit()


async def prune(
    session: AsyncSession, keep: timedelta, keep_per_channel: int, now: datetime | None = None
) -> int:
    """Forget events past the retention: older than `keep`, or beyond the last N of a channel.
    In the caller's transaction (the dispatcher's, or the retention job's)."""
    old = await _execute(
        session,
        delete(events).where(
            events.c.created_at < (now or _now()) - keep, events.c.published_at.isnot(None)
        ),
    )
    crowded = (
        await _execute(
            session,
            select(events.c.channel, func.max(events.c.seq))
            .group_by(events.c.channel)
            .having(func.count() > keep_per_channel),
        )
    ).all()
    removed = old.rowcount or 0
    for channel, top in crowded:
        result = await _execute(
            session,
            delete(events).where(
                events.c.channel == channel, events.c.seq <= top - keep_per_channel
            ),
        )
        removed += result.rowcount or 0
    return removed


def publish_after_commit(session_class: type, committed: Callable[[list[Event]], None]) -> None:
    """After each commit of `session_class`, hand the events it appended to `committed`.

    A rolled-back savepoint drops only the events appended inside it: their rows and
    numbers went with it, and the transaction around it may still commit the others.
    """

    def savepoint_began(session: Session, transaction: SessionTransaction) -> None:
        if transaction.nested:
            marks = session.info.setdefault(MARKS, {})
            marks[transaction] = len(session.info.get(PENDING, []))

    def rolled_back(session: Session, previous: SessionTransaction) -> None:
        mark = session.info.get(MARKS, {}).pop(previous, None)
        if previous.nested and mark is not None:
            del session.info.get(PENDING, [])[mark:]
        elif not previous.nested:
            session.info.pop(PENDING, None)  # never committed: never published
            session.info.pop(MARKS, None)

    def after_commit(session: Session) -> None:
        session.info.pop(MARKS, None)
        appended = session.info.pop(PENDING, None)
        if appended:
            committed(appended)

    event.listen(session_class, "after_transaction_create", savepoint_began)
    event.listen(session_class, "after_soft_rollback", rolled_back)
    event.listen(session_class, "after_commit", after_commit)

"""The event log: gapless numbers per channel, replay, retention, publish after commit only."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import text

import realtime
from realtime import log as event_log


async def append_one(db, channel: str, content: str = "x") -> int:
    async with db.session() as session:
        event = await realtime.append(session, channel, content)
        await session.commit()
    return event.seq


async def test_each_channel_counts_from_one_without_gaps(db):
    seqs = [await append_one(db, "a") for _ in range(5)]
    assert seqs == [1, 2, 3, 4, 5]
    assert await append_one(db, "b") == 1
    async with db.session() as session:
        assert await realtime.last_seq(session, "a") == 5
        assert await realtime.last_seq(session, "nobody") == 0


async def test_concurrent_writers_get_distinct_consecutive_numbers(db):
    seqs = await asyncio.gather(*(append_one(db, "busy", f"m{n}") for n in range(20)))
    assert sorted(seqs) == list(range(1, 21))


async def test_a_rolled_back_write_leaves_no_event_and_no_gap(db):
    committed: list[list[event_log.Event]] = []
    realtime.publish_after_commit(db.sync_session_class, committed.append)
    async with db.session() as session:
        await realtime.append(session, "c", "never")
        await session.rollback()
    assert await append_one(db, "c", "kept") == 1
    assert [[e.content for e in batch] for batch in committed] == [["kept"]]


async def test_since_replays_in_order_or_says_the_log_cannot(db):
    for n in range(1, 11):
        await append_one(db, "r", f"m{n}")
    async with db.session() as session:
        replay = await event_log.since(session, "r", 7, limit=1000)
        assert [(e.seq, e.content) for e in replay] == [(8, "m8"), (9, "m9"), (10, "m10")]
        assert await event_log.since(session, "r", 10, limit=1000) == []
        assert await event_log.since(session, "r", 11, limit=1000) is None  # from the future
        assert await event_log.since(session, "r", 2, limit=5) is None  # beyond the horizon


async def test_pruning_keeps_the_last_events_of_each_channel(db):
    for _ in range(12):
        await append_one(db, "p")
    await append_one(db, "q")
    async with db.session() as session:
        await event_log.mark_published(
            session, await event_log.unpublished(session, timedelta(seconds=-1), limit=100)
        )
        removed = await event_log.prune(session, keep=timedelta(days=7), keep_per_channel=5)
        assert removed == 7
        assert await event_log.since(session, "p", 6, limit=1000) is None  # 7 is gone
        assert [e.seq for e in await event_log.since(session, "p", 7, limit=1000)] == [
            8, 9, 10, 11, 12
        ]  # fmt: skip
        assert await event_log.last_seq(session, "q") == 1


async def test_unpublished_events_wait_for_the_dispatcher(db):
    await append_one(db, "d", "one")
    async with db.session() as session:
        assert await event_log.unpublished(session, timedelta(seconds=5), limit=10) == []
        pending = await event_log.unpublished(session, timedelta(seconds=-1), limit=10)
        assert [(e.channel, e.seq) for e in pending] == [("d", 1)]
        await event_log.mark_published(session, pending)
        assert await event_log.unpublished(session, timedelta(seconds=-1), limit=10) == []
        connection = await session.connection()
        count = (await connection.execute(text("SELECT count(*) FROM live_event"))).scalar_one()
    assert count == 1


async def test_a_rolled_back_savepoint_drops_only_its_own_events(db):
    committed: list[list[event_log.Event]] = []
    realtime.publish_after_commit(db.sync_session_class, committed.append)
    async with db.session() as session:
        await realtime.append(session, "s", "before")
        savepoint = await session.begin_nested()
        await realtime.append(session, "s", "inside")
        await savepoint.rollback()
        await realtime.append(session, "s", "after")
        await session.commit()
    assert [[(e.seq, e.content) for e in batch] for batch in committed] == [
        [(1, "before"), (2, "after")]
    ]


async def test_a_savepoint_that_began_the_transaction_is_undone_with_it(db):
    async with db.session() as session:
        async with session.begin_nested():
            await realtime.append(session, "t", "first write, in a savepoint")
        await session.rollback()
    async with db.session() as session:
        assert await realtime.last_seq(session, "t") == 0

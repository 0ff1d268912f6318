"""A resume naming several channels: checked in one database session, caught up from one read
of the log, and cheap to repeat on the same socket. Real database, real hub."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event
from sqlmodel import select

import realtime
from community import i18n
from community.live import Live
from community.models import User
from community.templating import audience
from community.visitors import Visitor
from realtime import Hub, Retention, make_broker
from realtime.hub import envelope
from tests.helpers import staff_of_another_provider
from tests.test_hub import Peer, allow_all, until

GROUP, OTHER_GROUP = "iteration:2", "iteration:4"  # apprenant1 is in the first only
# Redis channels are shared by every database number: names no other test uses.


class Page(Peer):
    """The network peer of a signed-in socket: what the app's checks read is its scope."""

    def __init__(self, user: User) -> None:
        super().__init__()
        self.scope = {"state": {"visitor": Visitor(token="t", user=user, secret="s")}}

    def seqs(self, channel: str) -> list[int]:
        sent = [json.loads(text) for text in self.received]
        return [m["seq"] for m in sent if m.get("ch") == channel and "seq" in m]

    def resyncs(self) -> list[str]:
        sent = [json.loads(text) for text in self.received]
        return [m["ch"] for m in sent if m.get("type") == "resync"]


@contextmanager
def counting(db) -> Iterator[dict[str, int]]:  # type: ignore[no-untyped-def]
    """Connections taken from the pool, and statements that read the event log."""
    counts = {"connections": 0, "log_reads": 0}

    def checkout(*_args: object) -> None:
        counts["connections"] += 1

    def executed(_conn, _cursor, statement: str, *_rest: object) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT") and "live_" in statement:
            counts["log_reads"] += 1

    engine = db.engine.sync_engine
    event.listen(engine.pool, "checkout", checkout)
    event.listen(engine, "before_cursor_execute", executed)
    try:
        yield counts
    finally:
        event.remove(engine.pool, "checkout", checkout)
        event.remove(engine, "before_cursor_execute", executed)


async def user(db, email: str) -> User:  # type: ignore[no-untyped-def]
    async with db.session() as session:
        return (await session.exec(select(User).where(User.email == email))).one()


@pytest.fixture
async def staff_elsewhere(db) -> User:  # type: ignore[no-untyped-def]
    return await staff_of_another_provider(db)


async def test_one_session_authorises_a_mixed_resume_and_denies_exactly_the_others(
    settings, db, demo_data, staff_elsewhere
):
    live = Live(settings, db, None)
    learner = await user(db, "apprenant1@demo.test")
    other = await user(db, "apprenant7@demo.test")
    mine = [GROUP, f"user:{learner.id}", f"helpfeed:{learner.id}"]
    not_mine = [
        OTHER_GROUP,  # another group of the same provider
        "review:2",  # the trainers' queue of the learner's own group
        "project:999",  # no such project
        f"user:{other.id}",
        f"helpfeed:{other.id}",
    ]
    malformed = ["iteration:abc", "iteration:", "iteration:-1", "iteration:\u0662", "nosuch:1", ""]
    with counting(db) as counts:
        allowed = await live.authorize_many(Page(learner), [*not_mine, *malformed, *mine])
    assert set(allowed) == set(mine)
    # Each as the socket's audience: its language (no channel here is rendered per role).
    assert set(allowed.values()) == {audience(i18n.DEFAULT_LOCALE)}
    assert counts["connections"] == 1

    # Staff of another provider hear their own channel, nothing of the demo provider's.
    demo_channels = [GROUP, OTHER_GROUP, "report:2", "review:2", "iteration:1"]
    own = f"user:{staff_elsewhere.id}"
    assert set(await live.authorize_many(Page(staff_elsewhere), [*demo_channels, own])) == {own}


async def log(db, channel: str, count: int) -> None:  # type: ignore[no-untyped-def]
    async with db.session() as session:
        for n in range(count):
            await realtime.append(session, channel, f"<p>{channel} {n}</p>")
        await session.commit()


@pytest.fixture
async def hub(db, redis_url):  # type: ignore[no-untyped-def]
    """A hub on Redis (when the run has one) that keeps at most 5 events per channel."""
    broker = make_broker(redis_url)
    started = Hub(broker, db.sessionmaker, allow_all, retention=Retention(per_channel=5))
    await started.start()
    yield started
    await started.stop()


async def test_a_resume_sends_every_missed_event_once_in_order_from_one_read_of_the_log(db, hub):
    await log(db, "resume:a", 4)
    await log(db, "resume:b", 3)
    await log(db, "resume:c", 2)
    await log(db, "resume:gone", 9)  # more than the 5 kept: the page must fetch it again
    peer = Page(User(id=1))
    client = hub.attach(peer, "1", "s")
    with counting(db) as counts:
        await hub.resume(
            client,
            {"resume:a": 1, "resume:b": 0, "resume:c": 2, "resume:gone": 1, "resume:empty": 0},
            {},
        )
        await until(lambda: len(peer.received) == 3 + 3 + 1)
    assert peer.seqs("resume:a") == [2, 3, 4]
    assert peer.seqs("resume:b") == [1, 2, 3]
    assert peer.seqs("resume:c") == []
    assert peer.resyncs() == ["resume:gone"]
    # The channels' tops, then the events of those behind: whatever the number of channels.
    assert counts["log_reads"] == 2

    await log(db, "resume:a", 1)
    await hub.broker.publish("resume:a", envelope("resume:a", 5, "<p>a 4</p>"))
    await until(lambda: peer.seqs("resume:a") == [2, 3, 4, 5])
    await asyncio.sleep(0.05)  # anything sent twice would come right behind it
    assert peer.seqs("resume:a") == [2, 3, 4, 5]
    await hub.detach(client)


async def test_a_second_resume_on_the_same_socket_resends_nothing(db, hub):
    await log(db, "resume:a", 3)
    peer = Page(User(id=1))
    client = hub.attach(peer, "1", "s")
    await hub.resume(client, {"resume:a": 0}, {})
    await until(lambda: peer.seqs("resume:a") == [1, 2, 3])

    with counting(db) as counts:
        await hub.resume(
            client, {"resume:a": 0}, {}
        )  # the page resumes again, from its own old cursor
        await hub.resume(client, {"resume:a": 3}, {})
    assert counts["log_reads"] == 0
    await log(db, "resume:a", 1)
    await hub.broker.publish("resume:a", envelope("resume:a", 4, "<p>a 3</p>"))
    await until(lambda: len(peer.received) == 4)
    await asyncio.sleep(0.05)
    assert peer.seqs("resume:a") == [1, 2, 3, 4]

    # A page that has seen more than it was sent (a fresh load) moves its cursor forward.
    await hub.resume(client, {"resume:a": 6}, {})
    await log(db, "resume:a", 2)
    for seq in (5, 6):
        await hub.broker.publish("resume:a", envelope("resume:a", seq, f"<p>a {seq}</p>"))
    await log(db, "resume:a", 1)
    await hub.broker.publish("resume:a", envelope("resume:a", 7, "<p>a 7</p>"))
    await until(lambda: peer.seqs("resume:a")[-1:] == [7])
    assert peer.seqs("resume:a") == [1, 2, 3, 4, 7]
    await hub.detach(client)

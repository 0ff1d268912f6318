"""One process's hub: a socket that stops reading is closed, and nobody else notices.

The sockets here stand in for the network peer only (a phone that stops reading is a
transport that never drains); the hub, broker and event log are the real ones.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from sqlalchemy import text
from starlette.websockets import WebSocketState

from realtime import Hub, MemoryBroker
from realtime.hub import envelope


class Peer:
    """What the hub sees of a socket: send_text and close. A stuck one never finishes a send."""

    def __init__(self, stuck: bool = False) -> None:
        self.stuck = stuck
        self.received: list[str] = []
        self.closed_with: int | None = None
        self.application_state = WebSocketState.CONNECTED

    async def send_text(self, text: str) -> None:
        if self.stuck:
            await asyncio.Event().wait()
        self.received.append(text)

    async def close(self, code: int = 1000) -> None:
        self.closed_with = code
        self.application_state = WebSocketState.DISCONNECTED


async def allow_all(_ws, _channel: str) -> str:
    return ""  # every socket hears every channel, all as one audience


@pytest.fixture
async def hub(db):
    """A started hub on the in-process broker, letting every socket hear every channel."""
    started = Hub(MemoryBroker(), db.sessionmaker, allow_all, queue_size=16)
    await started.start()
    yield started
    await started.stop()


async def until(condition: Callable[[], bool]) -> None:
    """Wait for the hub's tasks to make `condition` true; fail after 5 seconds."""
    async with asyncio.timeout(5):
        while not condition():
            await asyncio.sleep(0.005)


async def test_a_slow_consumer_is_closed_with_1013_and_the_others_get_everything(hub):
    broker = hub.broker
    peers = [Peer() for _ in range(20)]
    slow = Peer(stuck=True)
    clients = [hub.attach(peer, f"u{n}", f"s{n}") for n, peer in enumerate([*peers, slow])]
    for client in clients:
        await hub.subscribe(client, "room", 0)
    # Everyone's first message proves their catch-up (a read of the log) is over.
    await broker.publish("room", envelope("room", 1, "<p>1</p>"))
    await until(lambda: all(peer.received for peer in peers))

    for seq in range(2, 201):
        await broker.publish("room", envelope("room", seq, f"<p>{seq}</p>"))
        await asyncio.sleep(0)
    # Had the stuck socket held the others up, they would never get all 200 (its send never
    # returns): the timeout fails the test.
    await until(lambda: all(len(peer.received) == 200 for peer in peers))

    assert slow.closed_with == 1013
    for peer in peers:
        assert [f'"seq": {n}' in text for n, text in enumerate(peer.received, 1)] == [True] * 200
    for client in clients:
        await hub.detach(client)


async def test_duplicates_are_dropped_and_gaps_filled_from_the_log(db, hub):
    import realtime

    broker = hub.broker
    for n in range(1, 6):
        async with db.session() as session:
            await realtime.append(session, "room", f"<p>{n}</p>")
            await session.commit()
    peer = Peer()
    client = hub.attach(peer, "u", "s")
    await hub.subscribe(client, "room", 2)  # it has seen 1 and 2
    # Live traffic that repeats what the log replays, then skips ahead: 3 and 4 again, 6.
    await broker.publish("room", envelope("room", 3, "<p>3</p>"))
    await broker.publish("room", envelope("room", 4, "<p>4</p>"))
    async with db.session() as session:
        await realtime.append(session, "room", "<p>6</p>")
        await session.commit()
    await broker.publish("room", envelope("room", 6, "<p>6</p>"))
    await until(lambda: len(peer.received) >= 4)
    await asyncio.sleep(0.1)
    assert [text.split("<p>")[1].split("<")[0] for text in peer.received] == ["3", "4", "5", "6"]
    await hub.detach(client)


async def test_an_idle_socket_holds_no_sender_and_no_buffer_until_something_comes(hub):
    peer = Peer()
    client = hub.attach(peer, "u", "s")
    await hub.subscribe(client, "room", 0)
    await until(lambda: client.sender is None)  # the catch-up after subscribing ends, its task too
    assert client.outbox.items is None and peer.received == []
    for seq in (1, 2):
        await hub.broker.publish("room", envelope("room", seq, f"<p>{seq}</p>"))
        await until(lambda seq=seq: len(peer.received) == seq and client.sender is None)
    assert [f'"seq": {n}' in text for n, text in enumerate(peer.received, 1)] == [True, True]
    assert client.outbox.items is None
    await hub.detach(client)


async def test_a_process_listens_to_a_channel_only_while_it_has_sockets_on_it(db, redis_url):
    from redis.asyncio import Redis

    from realtime import RedisBroker
    from tests.conftest import need

    need(redis_url, "TEST_REDIS_URL is not set")
    hub = Hub(RedisBroker(redis_url), db.sessionmaker, allow_all)
    await hub.start()
    admin = Redis.from_url(redis_url)

    async def listeners() -> int:
        await asyncio.sleep(0.1)
        return dict(await admin.pubsub_numsub("rt:room"))[b"rt:room"]

    first, second = hub.attach(Peer(), "u1", "s1"), hub.attach(Peer(), "u2", "s2")
    assert await listeners() == 0
    await hub.subscribe(first, "room", 0)
    await hub.subscribe(second, "room", 0)
    assert await listeners() == 1  # one subscription for the process, not one per socket
    await hub.detach(first)
    assert await listeners() == 1
    await hub.detach(second)
    assert await listeners() == 0
    await admin.aclose()
    await hub.stop()


async def test_a_log_that_cannot_be_read_closes_the_socket_for_a_retry(db, hub):
    """The page reconnects on 1011 and resumes; silence would lose everything after."""
    peer = Peer()
    client = hub.attach(peer, "u", "s")
    async with db.engine.begin() as connection:  # the log's tables vanish under the hub
        await connection.execute(text("DROP TABLE live_event"))
        await connection.execute(text("DROP TABLE live_channel"))
    await hub.subscribe(client, "room", 3)
    await until(lambda: peer.closed_with is not None)
    assert peer.closed_with == 1011
    await hub.detach(client)

"""Straight delivery: a socket with nothing queued gets a live event without a task, and a
send that has to wait keeps everything after it in order."""

from __future__ import annotations

import asyncio

from realtime.hub import Client, envelope
from tests.test_hub import Peer, hub, until  # noqa: F401 - the hub fixture


class Gated(Peer):
    """A socket whose buffer is full until the gate opens: its first send waits for it."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = asyncio.Event()

    async def send_text(self, text: str) -> None:
        await self.gate.wait()
        self.received.append(text)


async def idle_on_room(hub, peer: Peer) -> Client:  # noqa: F811
    """A socket on channel "room", once the catch-up after subscribing is over."""
    client = hub.attach(peer, "u", "s")
    await hub.subscribe(client, "room", 0)
    await until(lambda: client.sender is None)
    return client


async def test_a_live_event_reaches_an_idle_socket_within_the_broker_callback(hub):  # noqa: F811
    peer = Peer()
    client = await idle_on_room(hub, peer)
    hub._on_message("room", envelope("room", 1, "<p>1</p>"))
    # Sent before the callback returned: no task, no queue.
    assert len(peer.received) == 1 and client.sender is None and client.outbox.items is None
    await hub.detach(client)


async def test_events_after_a_send_that_waits_follow_it_in_order(hub):  # noqa: F811
    peer = Gated()
    client = await idle_on_room(hub, peer)
    for seq in range(1, 6):
        hub._on_message("room", envelope("room", seq, f"<p>{seq}</p>"))
    assert peer.received == [] and client.sender is not None  # the first send waits
    peer.gate.set()
    await until(lambda: len(peer.received) == 5 and client.sender is None)
    assert [f'"seq": {n}' in text for n, text in enumerate(peer.received, 1)] == [True] * 5
    await hub.detach(client)


async def test_a_socket_detached_while_its_send_waits_stops_cleanly(hub):  # noqa: F811
    peer = Gated()
    client = await idle_on_room(hub, peer)
    hub._on_message("room", envelope("room", 1, "<p>1</p>"))
    sender = client.sender
    assert sender is not None
    await hub.detach(client)  # cancels the waiting send
    assert sender.done() and peer.received == []

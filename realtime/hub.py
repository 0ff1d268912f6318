"""The hub of one process: which local sockets listen to which channels, and delivery to them.

Every socket has one bounded queue and, while that queue is not empty, one sender task.
The sender keeps a cursor per channel: it drops what the socket already has, and fills any
gap from the event log, so a lost or doubled broker message never reaches the page as a loss
or a double.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from starlette.websockets import WebSocket, WebSocketState

from realtime import log as event_log
from realtime.broker import Broker, stop_if_cancelled
from realtime.presence import MemoryPresence, RedisPresence

logger = logging.getLogger(__name__)

CONTROL = "\x00control"
# Queued instead of an event: send what the log has after the cursor. After a gap or a broker
# outage the rights are checked again first; right after subscribing they were just checked.
CATCH_UP = -1
CATCH_UP_CHECKED = -2

Authorize = Callable[[WebSocket, str], Awaitable[bool]]
PresenceChanged = Callable[[str], Awaitable[None]]


@dataclass(frozen=True)
class Retention:
    keep: timedelta = timedelta(days=7)
    per_channel: int = 1000


class Outbox:
    """A socket's bounded send queue. It holds no buffer while empty, as most sockets are
    most of the time: an idle connection should cost as little memory as possible."""

    __slots__ = ("items", "limit")

    def __init__(self, limit: int) -> None:
        self.items: deque[tuple[str, int | None, str]] | None = None
        self.limit = limit

    def put(self, item: tuple[str, int | None, str]) -> bool:
        """False when full: the socket is too far behind."""
        if self.items is None:
            self.items = deque()
        elif len(self.items) >= self.limit:
            return False
        self.items.append(item)
        return True

    def take(self) -> tuple[str, int | None, str] | None:
        if not self.items:
            return None
        item = self.items.popleft()
        if not self.items:
            self.items = None
        return item


@dataclass(eq=False, slots=True)
class Client:
    """One open socket: who it is, where it is in each channel, what waits to be sent.

    Its sender task runs only while the outbox has something: started by the first item,
    it ends when the outbox is empty, so an idle socket holds no task.
    """

    ws: WebSocket
    user: str
    session: str
    outbox: Outbox
    cursors: dict[str, int] = field(default_factory=dict)
    sender: asyncio.Task | None = None
    closing: bool = False


def envelope(channel: str, seq: int | None, content: str) -> str:
    message: dict[str, Any] = {"ch": channel, "content": content}
    if seq is not None:
        message["seq"] = seq
    return json.dumps(message, ensure_ascii=False)


class Hub:
    def __init__(
        self,
        broker: Broker,
        sessions: async_sessionmaker[Any],
        authorize: Authorize,
        *,
        presence: MemoryPresence | RedisPresence | None = None,
        presence_prefixes: tuple[str, ...] = (),
        on_presence: PresenceChanged | None = None,
        queue_size: int = 64,
        retention: Retention | None = None,
        publish_after_commit: bool = True,
    ) -> None:
        self.broker = broker
        self.sessions = sessions
        self.authorize = authorize
        self.presence = presence or MemoryPresence()
        self.presence_prefixes = presence_prefixes
        self.on_presence = on_presence
        self.queue_size = queue_size
        self.retention = retention or Retention()
        # False only in fault tests: a crash between commit and publish, left to the dispatcher.
        self.publish_after_commit = publish_after_commit
        self.clients: set[Client] = set()
        self.channels: dict[str, set[Client]] = {}
        self._here: dict[tuple[str, str], int] = {}
        self._joining: dict[str, asyncio.Future[None]] = {}
        self._tasks: set[asyncio.Task] = set()
        self._background: list[asyncio.Task] = []

    # --- lifecycle --------------------------------------------------------------------------

    async def start(self) -> None:
        await self.broker.start(self._on_message, self._on_reconnect)
        await self.broker.subscribe(CONTROL)
        self._background = [
            asyncio.create_task(self._dispatch_forever(), name="live-dispatcher"),
            asyncio.create_task(self._refresh_presence_forever(), name="live-presence"),
        ]

    async def stop(self) -> None:
        tasks = [*self._background, *self._tasks]
        for task in tasks:
            task.cancel()
        if tasks:
            # Bounded: a shutdown must end, even if a driver holds on to a task.
            _done, stuck = await asyncio.wait(tasks, timeout=10)
            for task in stuck:
                logger.warning("live: %r did not stop in time", task)
        await self.broker.close()

    # --- publishing -------------------------------------------------------------------------

    def committed(self, events: list[event_log.Event]) -> None:
        """Called right after a commit that appended events: publish them now."""
        if self.publish_after_commit:
            self._spawn(self._publish(events))

    async def _publish(self, events: list[event_log.Event]) -> None:
        try:
            for event in events:
                await self.broker.publish(event.channel, envelope(*_fields(event)))
        except Exception as exc:  # the dispatcher publishes them later
            logger.warning("live: publish failed, left to the dispatcher: %s", exc)
            return
        async with self.sessions() as session:
            await event_log.mark_published(session, events)

    async def publish_ephemeral(self, channel: str, content: str) -> None:
        """Presence, counters: not logged, lost if nobody listens, never replayed."""
        await self.broker.publish(channel, envelope(channel, None, content))

    async def control(self, **message: str) -> None:
        """A message for every process: close a session's sockets, re-check a user's rights."""
        await self.broker.publish(CONTROL, json.dumps(message))

    # --- sockets ----------------------------------------------------------------------------

    def attach(self, ws: WebSocket, user: str, session: str) -> Client:
        client = Client(ws, user, session, Outbox(self.queue_size))
        self.clients.add(client)
        return client

    async def detach(self, client: Client) -> None:
        self.clients.discard(client)
        for channel in list(client.cursors):
            await self.unsubscribe(client, channel)
        if client.sender is not None:
            client.sender.cancel()
            await asyncio.gather(client.sender, return_exceptions=True)

    async def subscribe(self, client: Client, channel: str, seq: int) -> None:
        """Listen from `seq` on: what came after it is sent first, then live events.

        The caller has just checked that the socket may hear the channel.
        """
        already = channel in client.cursors
        client.cursors[channel] = seq  # from here on, detaching the socket unsubscribes it
        if channel in self.channels:
            self.channels[channel].add(client)
            joining = self._joining.get(channel)
            if joining is not None:  # another socket is subscribing this process: wait for it
                await asyncio.shield(joining)
        else:
            self.channels[channel] = {client}
            await self._join(channel)
        if channel not in client.cursors:
            return  # the socket went away, or lost the right, meanwhile
        self._offer(client, channel, CATCH_UP_CHECKED, "")
        if not already and channel.startswith(self.presence_prefixes):
            await self._arrive(channel, client.user)

    async def _join(self, channel: str) -> None:
        """Subscribe this process to the channel. The log is read only after this returns, so
        nothing published meanwhile is missed; sockets that subscribe meanwhile wait too."""
        joined = asyncio.get_running_loop().create_future()
        self._joining[channel] = joined
        try:
            await self.broker.subscribe(channel)
        finally:
            if self._joining.get(channel) is joined:
                del self._joining[channel]
            joined.set_result(None)

    async def unsubscribe(self, client: Client, channel: str) -> None:
        if client.cursors.pop(channel, None) is None:
            return
        listeners = self.channels.get(channel, set())
        listeners.discard(client)
        if not listeners:
            self.channels.pop(channel, None)
            await self.broker.unsubscribe(channel)
        if channel.startswith(self.presence_prefixes):
            await self._leave(channel, client.user)

    def _offer(self, client: Client, channel: str, seq: int | None, text: str) -> None:
        if client.closing:
            return
        if not client.outbox.put((channel, seq, text)):
            # Too far behind: close rather than grow. The page reconnects and resumes.
            client.closing = True
            self._spawn(_close(client.ws, 1013))
        elif client.sender is None:
            client.sender = asyncio.create_task(self._send_all(client))

    def _on_message(self, channel: str, text: str) -> None:
        if channel == CONTROL:
            self._spawn(self._on_control(json.loads(text)))
            return
        listeners = self.channels.get(channel)
        if not listeners:
            return
        seq = json.loads(text).get("seq")
        for client in list(listeners):
            self._offer(client, channel, seq, text)

    async def _on_reconnect(self) -> None:
        """Back from a broker outage: every local channel catches up from the log."""
        for channel, listeners in list(self.channels.items()):
            for client in list(listeners):
                self._offer(client, channel, CATCH_UP, "")

    async def _send_all(self, client: Client) -> None:
        ws = client.ws
        try:
            while (item := client.outbox.take()) is not None:
                channel, seq, text = item
                cursor = client.cursors.get(channel)
                if seq is None:
                    if cursor is not None:
                        await ws.send_text(text)
                    continue
                if cursor is None or 0 <= seq <= cursor:
                    continue  # not listening any more, or already sent
                if seq == cursor + 1:
                    await ws.send_text(text)
                    client.cursors[channel] = seq
                    continue
                try:
                    await self._catch_up(client, channel, cursor, check=seq != CATCH_UP_CHECKED)
                except (RuntimeError, OSError):
                    raise  # the socket itself is gone
                except Exception as exc:
                    # The log could not be read (a database hiccup): close with 1011 so the
                    # page reconnects and resumes, rather than leave a socket that hears nothing.
                    logger.warning("live: catch-up failed on %s: %s", channel, exc)
                    client.closing = True
                    await _close(ws, 1011)
                    return
        except (asyncio.CancelledError, RuntimeError, OSError):
            return
        finally:
            client.sender = None  # with no await since the outbox was seen empty

    async def _catch_up(self, client: Client, channel: str, cursor: int, check: bool) -> None:
        if check and not await self.authorize(client.ws, channel):
            await self.unsubscribe(client, channel)
            await client.ws.send_text(json.dumps({"type": "denied", "ch": channel}))
            return
        async with self.sessions() as session:
            events = await event_log.since(session, channel, cursor, self.retention.per_channel)
            last = await event_log.last_seq(session, channel) if events is None else 0
        if channel not in client.cursors:
            return
        if events is None:
            client.cursors[channel] = last
            await client.ws.send_text(json.dumps({"type": "resync", "ch": channel}))
            return
        for event in events:
            await client.ws.send_text(envelope(*_fields(event)))
            client.cursors[channel] = event.seq

    # --- control, presence, dispatcher ------------------------------------------------------

    async def _on_control(self, message: dict[str, str]) -> None:
        clients = list(self.clients)
        if message.get("type") == "close-session":
            for client in clients:
                if client.session == message.get("session"):
                    await _close(client.ws, 1008)
        elif message.get("type") == "reauthorize":
            for client in clients:
                if client.user == message.get("user"):
                    for channel in list(client.cursors):
                        if not await self.authorize(client.ws, channel):
                            await self.unsubscribe(client, channel)
                            await _send(client.ws, json.dumps({"type": "denied", "ch": channel}))

    async def _arrive(self, channel: str, user: str) -> None:
        key = (channel, user)
        self._here[key] = self._here.get(key, 0) + 1
        if self._here[key] == 1:
            self._spawn(self._presence_changed(channel, self.presence.add(channel, user)))

    async def _leave(self, channel: str, user: str) -> None:
        key = (channel, user)
        self._here[key] -= 1
        if self._here[key] == 0:
            del self._here[key]
            self._spawn(self._presence_changed(channel, self.presence.remove(channel, user)))

    async def _presence_changed(self, channel: str, change: Awaitable[None]) -> None:
        # Presence is soft state: a broker outage must not break subscribing; the periodic
        # refresh writes it again once the broker is back.
        try:
            await change
            if self.on_presence is not None:
                await self.on_presence(channel)
        except Exception as exc:
            logger.warning("live: presence update for %s failed: %s", channel, exc)

    async def _refresh_presence_forever(self) -> None:
        while True:
            await asyncio.sleep(15)
            try:
                await self.presence.refresh(list(self._here))
            except Exception as exc:  # soft state: the next refresh tries again
                stop_if_cancelled()
                logger.warning("live: presence refresh failed: %s", exc)

    async def dispatch_once(self) -> int:
        """Publish what was committed but not published (a crash, a broker outage)."""
        async with self.sessions() as session:
            events = await event_log.unpublished(session, timedelta(seconds=2), limit=500)
        if events:
            await self._publish(events)
        return len(events)

    async def _dispatch_forever(self) -> None:
        rounds = 0
        while True:
            await asyncio.sleep(1)
            rounds += 1
            try:
                await self.dispatch_once()
                if rounds % 600 == 0:
                    async with self.sessions() as session:
                        await event_log.prune(
                            session, self.retention.keep, self.retention.per_channel
                        )
            except Exception as exc:  # keep going: the next round retries
                stop_if_cancelled()
                logger.warning("live: dispatcher round failed: %s", exc)

    def _spawn(self, coroutine: Awaitable[None]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


def _fields(event: event_log.Event) -> tuple[str, int, str]:
    return event.channel, event.seq, event.content


async def _send(ws: WebSocket, text: str) -> None:
    with contextlib.suppress(RuntimeError, OSError):
        await ws.send_text(text)


async def _close(ws: WebSocket, code: int) -> None:
    if ws.application_state == WebSocketState.CONNECTED:
        with contextlib.suppress(RuntimeError, OSError):
            await ws.close(code)

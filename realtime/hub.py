"""The hub of one process: which local sockets listen to which channels, and delivery to them.

Every socket has one bounded queue and, while that queue is not empty, one sender task.
The sender keeps a cursor per channel: it drops what the socket already has, and fills any
gap from the event log, so a lost or doubled broker message never reaches the page as a loss
or a double. A live event for a socket with nothing queued, next in line, goes out at once:
uvicorn frames and writes it without waiting when the socket is writable, so a burst to a
thousand sockets of one channel costs no task and no queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine, Generator, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from realtime import log as event_log
from realtime.broker import Broker, stop_if_cancelled
from realtime.presence import MemoryPresence, RedisPresence
from realtime.variants import has_variants, pick

logger = logging.getLogger(__name__)

CONTROL = "\x00control"
# Queued instead of an event: send what the log has after the cursor. After a gap or a broker
# outage the rights are checked again first; right after subscribing they were just checked.
CATCH_UP = -1
CATCH_UP_CHECKED = -2
# Seconds a socket closed for being too far behind has to take the close frame and answer it.
CLOSE_WAIT = 2.0
# What a send raises once the socket is gone: the endpoint's receive loop then detaches it.
GONE = (RuntimeError, OSError, WebSocketDisconnect)

# The audience a socket hears a channel as (a language, a role: see realtime/variants.py),
# or None when it may not hear it.
Authorize = Callable[[WebSocket, str], Awaitable[str | None]]
# The channels of a resume, checked at once (one database session): those the socket may
# hear, each with the audience it hears it as.
AuthorizeMany = Callable[[WebSocket, list[str]], Awaitable[dict[str, str]]]
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
    audiences: dict[str, str] = field(default_factory=dict)
    sender: asyncio.Task | None = None
    closing: bool = False


def envelope(channel: str, seq: int | None, content: str) -> str:
    message: dict[str, Any] = {"ch": channel, "content": content}
    if seq is not None:
        message["seq"] = seq
    return json.dumps(message, ensure_ascii=False)


def envelope_for(channel: str, seq: int | None, content: str, audience: str) -> str:
    """What a socket of this audience is sent: its variant, or `resync` when the event has
    none for it (the page then fetches the region again)."""
    chosen = pick(content, audience)
    if chosen is None:
        return control_message("resync", channel, seq)
    return envelope(channel, seq, chosen)


def control_message(kind: str, channel: str, seq: int | None = None) -> str:
    message: dict[str, Any] = {"type": kind, "ch": channel}
    if seq is not None:
        message["seq"] = seq
    return json.dumps(message)


class Hub:
    def __init__(
        self,
        broker: Broker,
        sessions: async_sessionmaker[Any],
        authorize: Authorize,
        *,
        authorize_many: AuthorizeMany | None = None,
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
        self.authorize_many = authorize_many or self._authorize_each
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
        # What a resume read from the log for a socket's channel, until its sender sends it.
        self._backlogs: dict[tuple[Client, str], event_log.Backlog] = {}
        self._tasks: set[asyncio.Task] = set()
        self._background: list[asyncio.Task] = []
        self._dispatcher: asyncio.Task | None = None
        self._stopping = asyncio.Event()

    # --- lifecycle --------------------------------------------------------------------------

    async def start(self) -> None:
        await self.broker.start(self._on_message, self._on_reconnect)
        await self.broker.subscribe(CONTROL)
        self._dispatcher = asyncio.create_task(self._dispatch_forever(), name="live-dispatcher")
        self._background = [
            asyncio.create_task(self._refresh_presence_forever(), name="live-presence"),
        ]

    async def stop(self) -> None:
        # The dispatcher is asked to stop between rounds, not cancelled in one: a database
        # driver's thread finishing a cancelled query would answer a loop that is gone.
        self._stopping.set()
        tasks = [*self._background, *self._tasks]
        for task in tasks:
            task.cancel()
        if self._dispatcher is not None:
            tasks.append(self._dispatcher)
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
        """A message for every process: close a session's sockets, or a user's, re-check a
        user's rights."""
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

    async def _authorize_each(self, ws: WebSocket, channels: list[str]) -> dict[str, str]:
        heard = {}
        for channel in channels:
            audience = await self.authorize(ws, channel)
            if audience is not None:
                heard[channel] = audience
        return heard

    async def subscribe(self, client: Client, channel: str, seq: int, audience: str = "") -> None:
        """Listen from `seq` on, as `audience`: what came after it is sent first, then live
        events."""
        await self.resume(client, {channel: seq}, {channel: audience})

    async def resume(
        self, client: Client, cursors: dict[str, int], audiences: Mapping[str, str]
    ) -> None:
        """Listen to each channel from its cursor on, as its audience: what the log holds
        after the cursors is read in one go and sent first, then live events.

        The caller has just checked that the socket may hear the channels, as those audiences.
        A channel the socket already hears is not read again (a page may resume twice on one
        socket): its cursor only moves forward, when the page has seen more than it was sent.
        """
        fresh = {}
        for channel, seq in cursors.items():
            if channel in client.cursors:
                client.cursors[channel] = max(client.cursors[channel], seq)
            else:
                fresh[channel] = seq
                client.cursors[channel] = seq  # from here on, detaching unsubscribes it
                client.audiences[channel] = audiences.get(channel, "")
        await asyncio.gather(*(self._listen(client, channel) for channel in fresh))
        # The socket may have gone away, or lost the right, meanwhile.
        listening = {ch: client.cursors[ch] for ch in fresh if ch in client.cursors}
        if not listening:
            return
        await self._read_backlogs(client, listening)
        for channel in listening:
            self._offer(client, channel, CATCH_UP_CHECKED, "")
        for channel in listening:
            if channel.startswith(self.presence_prefixes):
                await self._arrive(channel, client.user)

    async def _listen(self, client: Client, channel: str) -> None:
        if channel in self.channels:
            self.channels[channel].add(client)
            joining = self._joining.get(channel)
            if joining is not None:  # another socket is subscribing this process: wait for it
                await asyncio.shield(joining)
        else:
            self.channels[channel] = {client}
            await self._join(channel)

    async def _read_backlogs(self, client: Client, cursors: dict[str, int]) -> None:
        """Read the log for all the channels at once, for the sender to send in its turn.
        On failure nothing is kept: the sender then reads each channel itself."""
        try:
            async with self.sessions() as session:
                backlogs = await event_log.since_many(session, cursors, self.retention.per_channel)
        except Exception as exc:
            logger.warning("live: reading the log for a resume failed: %s", exc)
            return
        for channel, backlog in backlogs.items():
            self._backlogs[(client, channel)] = backlog

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
        self._backlogs.pop((client, channel), None)
        client.audiences.pop(channel, None)
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
            self._spawn(_close_unread(client.ws))
        elif client.sender is None:
            client.sender = asyncio.create_task(self._send_all(client))

    def _on_message(self, channel: str, text: str) -> None:
        if channel == CONTROL:
            self._spawn(self._on_control(json.loads(text)))
            return
        listeners = self.channels.get(channel)
        if not listeners:
            return
        message = json.loads(text)
        seq, content = message.get("seq"), message.get("content", "")
        if not has_variants(content):  # the same for everyone: sent as published
            for client in list(listeners):
                self._deliver(client, channel, seq, text)
            return
        # Rendered once per audience: one envelope per audience present, not per socket.
        sent: dict[str, str] = {}
        for client in list(listeners):
            audience = client.audiences.get(channel, "")
            if audience not in sent:
                sent[audience] = envelope_for(channel, seq, content, audience)
            self._deliver(client, channel, seq, sent[audience])

    def _deliver(self, client: Client, channel: str, seq: int | None, text: str) -> None:
        if not self._deliver_now(client, channel, seq, text):
            self._offer(client, channel, seq, text)

    def _deliver_now(self, client: Client, channel: str, seq: int | None, text: str) -> bool:
        """Send a live event without queueing it, when nothing else has to go first.

        False when it must take the queue: something is queued or closing, or there is a gap
        to fill from the log. A send that has to wait (the socket's buffer is full) finishes
        in a sender task, which everything after it then queues behind.
        """
        if client.sender is not None or client.outbox.items or client.closing:
            return False
        cursor = client.cursors.get(channel)
        if cursor is None or (seq is not None and 0 <= seq <= cursor):
            return True  # not listening any more, or already sent
        if seq is not None and seq != cursor + 1:
            return False
        try:
            rest = _send_now(client.ws, text)
        except GONE:
            return True
        if seq is not None:
            client.cursors[channel] = seq
        if rest is not None:
            client.sender = asyncio.create_task(self._send_all(client, rest))
        return True

    async def _on_reconnect(self) -> None:
        """Back from a broker outage: every local channel catches up from the log."""
        for channel, listeners in list(self.channels.items()):
            for client in list(listeners):
                self._offer(client, channel, CATCH_UP, "")

    async def _send_all(self, client: Client, first: Awaitable[None] | None = None) -> None:
        ws = client.ws
        try:
            if first is not None:
                await first
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
                except GONE:
                    raise  # the socket itself is gone
                except Exception as exc:
                    # The log could not be read (a database hiccup): close with 1011 so the
                    # page reconnects and resumes, rather than leave a socket that hears nothing.
                    logger.warning("live: catch-up failed on %s: %s", channel, exc)
                    client.closing = True
                    await _close(ws, 1011)
                    return
        except (asyncio.CancelledError, *GONE):
            return
        finally:
            client.sender = None  # with no await since the outbox was seen empty

    async def _catch_up(self, client: Client, channel: str, cursor: int, check: bool) -> None:
        if check and not await self._recheck(client, channel):
            return
        backlog = self._backlogs.pop((client, channel), None)
        # What a resume read is enough unless a gap showed since: then read the log again.
        if check or backlog is None:
            async with self.sessions() as session:
                found = await event_log.since_many(
                    session, {channel: cursor}, self.retention.per_channel
                )
            backlog = found[channel]
        if channel not in client.cursors:
            return
        if backlog.events is None:
            client.cursors[channel] = backlog.last
            await client.ws.send_text(control_message("resync", channel))
            return
        audience = client.audiences.get(channel, "")
        for event in backlog.events:
            sent = client.cursors.get(channel)
            if sent is None:
                return  # unsubscribed meanwhile
            if event.seq == sent + 1:  # not when a live event brought it first
                await client.ws.send_text(envelope_for(*_fields(event), audience))
                client.cursors[channel] = event.seq

    async def _recheck(self, client: Client, channel: str) -> bool:
        """The socket's rights on a channel checked again: False when it lost them (and is
        told). A new audience (a learner made trainer) makes the page fetch its regions again,
        since they were rendered for the old one."""
        audience = await self.authorize(client.ws, channel)
        if audience is None:
            await self.unsubscribe(client, channel)
            await _send(client.ws, control_message("denied", channel))
            return False
        if channel in client.cursors and audience != client.audiences.get(channel, ""):
            client.audiences[channel] = audience
            await _send(client.ws, control_message("resync", channel))
        return True

    # --- control, presence, dispatcher ------------------------------------------------------

    async def _on_control(self, message: dict[str, str]) -> None:
        clients = list(self.clients)
        if message.get("type") == "close-session":
            for client in clients:
                if client.session == message.get("session"):
                    await _close(client.ws, 1008)
        elif message.get("type") == "close-user":  # the account is gone: all its sockets
            for client in clients:
                if client.user == message.get("user"):
                    await _close(client.ws, 1008)
        elif message.get("type") == "reauthorize":
            for client in clients:
                if client.user == message.get("user"):
                    for channel in list(client.cursors):
                        await self._recheck(client, channel)

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
        while not await self._stopped_within(1.0):
            rounds += 1
            try:
                await self.dispatch_once()
                if rounds % 600 == 0:
                    async with self.sessions() as session:
                        await event_log.prune(
                            session, self.retention.keep, self.retention.per_channel
                        )
                        await session.commit()
            except Exception as exc:  # keep going: the next round retries
                stop_if_cancelled()
                logger.warning("live: dispatcher round failed: %s", exc)

    async def _stopped_within(self, seconds: float) -> bool:
        try:
            await asyncio.wait_for(self._stopping.wait(), seconds)
        except TimeoutError:
            return False
        return True

    def _spawn(self, coroutine: Awaitable[None]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


def _fields(event: event_log.Event) -> tuple[str, int, str]:
    return event.channel, event.seq, event.content


async def _send(ws: WebSocket, text: str) -> None:
    with contextlib.suppress(*GONE):
        await ws.send_text(text)


def _send_now(ws: WebSocket, text: str) -> Awaitable[None] | None:
    """Run `ws.send_text(text)` as far as it goes without waiting.

    uvicorn's send awaits only while the transport is paused for writing; otherwise it frames
    and writes at once, and the send is done here, with no task. When it does wait, what is
    left of it is returned, to be awaited.
    """
    sending = ws.send_text(text)
    try:
        waiting_for = sending.send(None)
    except StopIteration:
        return None
    return _Rest(sending, waiting_for)


class _Rest:
    """A coroutine stopped at its first wait: awaiting this hands what it waits for to the
    awaiting task, as if the task had run it from the start, then runs it to its end."""

    __slots__ = ("coroutine", "waiting_for")

    def __init__(self, coroutine: Coroutine[Any, Any, None], waiting_for: Any) -> None:
        self.coroutine = coroutine
        self.waiting_for = waiting_for

    def __await__(self) -> Generator[Any, Any, None]:
        waiting_for = self.waiting_for
        while True:
            try:
                try:
                    resumed = yield waiting_for
                except BaseException as exc:  # a cancellation, passed on to the coroutine
                    waiting_for = self.coroutine.throw(exc)
                else:
                    waiting_for = self.coroutine.send(resumed)
            except StopIteration:
                return


async def _close(ws: WebSocket, code: int) -> None:
    if ws.application_state == WebSocketState.CONNECTED:
        with contextlib.suppress(*GONE):
            await ws.close(code)


async def _close_unread(ws: WebSocket) -> None:
    """Close with 1013 a socket too far behind, and make sure it ends within CLOSE_WAIT.

    The close frame queues behind what the client has not read: a client that reads again
    soon gets it, one that does not neither takes it nor answers it, and uvicorn would keep
    the connection and its megabytes until its keepalive gives up (~40 s). After CLOSE_WAIT
    the connection is dropped. ASGI has no way to do that: uvicorn's send is a method of its
    protocol, whose transport can.
    """
    send = getattr(ws, "_send", None)
    transport: Any = getattr(getattr(send, "__self__", None), "transport", None)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + CLOSE_WAIT
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(_close(ws, 1013), CLOSE_WAIT)
    await asyncio.sleep(deadline - loop.time())  # the time left to answer the close
    if transport is not None and not transport.is_closing():
        transport.abort()

"""Brokers carry events between processes: in-process for one, Redis pub/sub for many.

A broker only carries; the event log is the record. A process subscribes to a channel only
while it has a local subscriber, and after a Redis outage it subscribes again and says so,
so that the hub can read what it missed from the log.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Protocol

from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

Handler = Callable[[str, str], None]
Reconnected = Callable[[], Awaitable[None]]


class Broker(Protocol):
    async def start(self, on_message: Handler, on_reconnect: Reconnected) -> None: ...
    async def subscribe(self, channel: str) -> None: ...
    async def unsubscribe(self, channel: str) -> None: ...
    async def publish(self, channel: str, message: str) -> None: ...
    async def ping(self) -> None: ...
    async def close(self) -> None: ...


class MemoryBroker:
    """One process: publishing hands the message straight to the local handler."""

    def __init__(self) -> None:
        self._channels: set[str] = set()
        self._handler: Handler | None = None

    async def start(self, on_message: Handler, on_reconnect: Reconnected) -> None:
        self._handler = on_message

    async def subscribe(self, channel: str) -> None:
        self._channels.add(channel)

    async def unsubscribe(self, channel: str) -> None:
        self._channels.discard(channel)

    async def publish(self, channel: str, message: str) -> None:
        if self._handler is not None and channel in self._channels:
            self._handler(channel, message)

    async def ping(self) -> None:
        return None

    async def close(self) -> None:
        self._channels.clear()


class RedisBroker:
    """Redis pub/sub with one reading connection per process, re-established after outages.

    `subscribe` returns once Redis has confirmed the subscription, so a read of the log made
    after it leaves no gap: whatever is published later reaches this process. After an outage
    the channels are subscribed again, and once Redis has confirmed, the hub is told to read
    what it missed. It retries every quarter of a second at most, so that pages catch up within
    a second or two of Redis coming back; a refused connection costs next to nothing.
    """

    PREFIX = "rt:"

    def __init__(
        self, url: str, *, max_backoff: float = 0.25, confirm_timeout: float = 5.0
    ) -> None:
        self.url = url
        self.max_backoff = max_backoff
        self.confirm_timeout = confirm_timeout
        self._commands = Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        self._channels: set[str] = set()
        self._pubsub: PubSub | None = None
        self._reader: asyncio.Task | None = None
        self._ready = asyncio.Event()
        self._handler: Handler | None = None
        self._on_reconnect: Reconnected | None = None
        # Per channel, in the order the subscriptions were sent: Redis confirms in that order.
        self._unconfirmed: dict[str, deque[asyncio.Future[None]]] = {}
        self._caught_up: asyncio.Task | None = None

    async def start(self, on_message: Handler, on_reconnect: Reconnected) -> None:
        self._handler, self._on_reconnect = on_message, on_reconnect
        self._reader = asyncio.create_task(self._read_forever(), name="redis-broker-reader")

    async def subscribe(self, channel: str) -> None:
        self._channels.add(channel)
        if self._pubsub is None or not self._ready.is_set():
            return  # the reader subscribes to the whole set when connected, then says so
        confirmed = self._expect(channel)
        try:
            await self._pubsub.subscribe(self.PREFIX + channel)
            await asyncio.wait_for(confirmed, self.confirm_timeout)
        except (RedisError, OSError, TimeoutError) as exc:
            log.warning("broker: subscribe %s not confirmed in time: %s", channel, exc)

    async def unsubscribe(self, channel: str) -> None:
        self._channels.discard(channel)
        if self._pubsub is None or not self._ready.is_set():
            return
        try:
            await self._pubsub.unsubscribe(self.PREFIX + channel)
        except (RedisError, OSError) as exc:
            log.warning("broker: unsubscribe %s failed, will retry on reconnect: %s", channel, exc)

    def _expect(self, channel: str) -> asyncio.Future[None]:
        confirmed = asyncio.get_running_loop().create_future()
        self._unconfirmed.setdefault(channel, deque()).append(confirmed)
        return confirmed

    def _confirm(self, channel: str) -> None:
        waiting = self._unconfirmed.get(channel)
        if waiting:
            confirmed = waiting.popleft()
            if not confirmed.done():  # a subscriber that gave up cancelled it
                confirmed.set_result(None)
        if not waiting:
            self._unconfirmed.pop(channel, None)

    def _release_all(self) -> None:
        """The connection is gone: nothing will be confirmed on it; the reconnection covers it."""
        for waiting in self._unconfirmed.values():
            for confirmed in waiting:
                if not confirmed.done():
                    confirmed.set_result(None)
        self._unconfirmed.clear()

    async def publish(self, channel: str, message: str) -> None:
        await self._commands.publish(self.PREFIX + channel, message)

    async def ping(self) -> None:
        await self._commands.ping()

    async def _read_forever(self) -> None:
        attempt = 0
        while True:
            # A blocking reader needs a connection without redis-py 8's 5 s read timeout.
            reader = Redis.from_url(self.url, socket_timeout=None, socket_connect_timeout=5)
            pubsub = reader.pubsub()
            try:
                await pubsub.subscribe(self.PREFIX + "\x00")  # a placeholder keeps it listening
                if self._channels:
                    confirmed = [self._expect(c) for c in self._channels]
                    await pubsub.subscribe(*(self.PREFIX + c for c in self._channels))
                    self._caught_up = asyncio.create_task(self._announce(confirmed))
                self._pubsub = pubsub
                self._ready.set()
                attempt = 0
                async for message in pubsub.listen():
                    self._receive(message)
            except asyncio.CancelledError:
                raise
            except (RedisError, OSError) as exc:
                stop_if_cancelled()
                attempt += 1
                delay = min(self.max_backoff, 0.1 * 2**attempt) * random.uniform(0.5, 1.0)  # noqa: S311
                log.warning("broker: Redis connection lost (%s); retrying in %.2fs", exc, delay)
                await asyncio.sleep(delay)
            finally:
                self._ready.clear()
                self._pubsub = None
                self._release_all()
                await _quietly(pubsub.aclose())
                await _quietly(reader.aclose())

    def _receive(self, message: dict) -> None:
        kind = message["type"]
        if kind not in ("message", "subscribe"):
            return
        name = message["channel"].decode()[len(self.PREFIX) :]
        if kind == "subscribe":
            self._confirm(name)
        elif self._handler is not None:
            self._handler(name, message["data"].decode())

    async def _announce(self, confirmed: list[asyncio.Future[None]]) -> None:
        """Channels subscribed while disconnected (an outage, or before the first connection):
        once Redis confirms them, the hub reads from the log what was published meanwhile."""
        await asyncio.wait(confirmed, timeout=self.confirm_timeout)
        if self._on_reconnect is not None:
            await self._on_reconnect()

    async def close(self) -> None:
        tasks = [t for t in (self._reader, self._caught_up) if t is not None]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=10)
        await self._commands.aclose()


def stop_if_cancelled() -> None:
    """Redis clients may turn a cancellation into a connection error: stop all the same."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


async def _quietly(closing: Awaitable[object]) -> None:
    with contextlib.suppress(RedisError, OSError):
        await closing


def make_broker(url: str | None) -> MemoryBroker | RedisBroker:
    if not url or url.startswith("memory://"):
        return MemoryBroker()
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisBroker(url)
    raise ValueError(f"unsupported broker URL: {url!r}")

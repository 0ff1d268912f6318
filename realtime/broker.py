"""Brokers carry published events to every process: in-process, or Redis pub/sub."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Protocol

from redis.asyncio import Redis


class Broker(Protocol):
    async def publish(self, channel: str, message: str) -> None: ...

    def subscribe(self, channel: str) -> AsyncIterator[AsyncIterator[str]]: ...

    async def ping(self) -> None: ...

    async def close(self) -> None: ...


class MemoryBroker:
    """One process: every subscriber of a channel gets its own queue."""

    def __init__(self) -> None:
        self._queues: dict[str, set[asyncio.Queue[str]]] = defaultdict(set)

    async def publish(self, channel: str, message: str) -> None:
        for queue in self._queues.get(channel, ()):
            queue.put_nowait(message)

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[AsyncIterator[str]]:
        queue: asyncio.Queue[str] = asyncio.Queue()
        self._queues[channel].add(queue)

        async def messages() -> AsyncIterator[str]:
            while True:
                yield await queue.get()

        try:
            yield messages()
        finally:
            self._queues[channel].discard(queue)
            if not self._queues[channel]:
                del self._queues[channel]

    async def ping(self) -> None:
        return None

    async def close(self) -> None:
        self._queues.clear()


class RedisBroker:
    """Many processes, many machines: Redis pub/sub."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._redis = Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)

    async def publish(self, channel: str, message: str) -> None:
        await self._redis.publish(channel, message)

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[AsyncIterator[str]]:
        # A blocking reader needs its own connection without redis-py 8's 5 s read timeout.
        reader = Redis.from_url(self.url, socket_timeout=None, socket_connect_timeout=5)
        pubsub = reader.pubsub(ignore_subscribe_messages=True)
        await pubsub.subscribe(channel)

        async def messages() -> AsyncIterator[str]:
            async for message in pubsub.listen():
                if message["type"] == "message":
                    yield message["data"].decode()

        try:
            yield messages()
        finally:
            await pubsub.aclose()
            await reader.aclose()

    async def ping(self) -> None:
        await self._redis.ping()

    async def close(self) -> None:
        await self._redis.aclose()


def make_broker(url: str | None) -> MemoryBroker | RedisBroker:
    if not url or url.startswith("memory://"):
        return MemoryBroker()
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisBroker(url)
    raise ValueError(f"unsupported broker URL: {url!r}")

"""Who is in a channel now: soft state that expires by itself if a process dies."""

from __future__ import annotations

import math
import time
import uuid
from typing import cast

from redis.asyncio import Redis

TTL_SECONDS = 45  # refreshed every 15 s while the member's socket is open


class MemoryPresence:
    def __init__(self) -> None:
        self._members: dict[str, set[str]] = {}

    async def add(self, channel: str, member: str) -> None:
        self._members.setdefault(channel, set()).add(member)

    async def remove(self, channel: str, member: str) -> None:
        members = self._members.get(channel, set())
        members.discard(member)
        if not members:
            self._members.pop(channel, None)

    async def refresh(self, pairs: list[tuple[str, str]]) -> None:
        return None

    async def members(self, channel: str) -> set[str]:
        return set(self._members.get(channel, ()))


class RedisPresence:
    """A sorted set per channel; each process writes its own entries, scored by expiry."""

    def __init__(
        self, redis: Redis, prefix: str = "rt:presence:", ttl: float = TTL_SECONDS
    ) -> None:
        self._redis = redis
        self._prefix = prefix
        self._ttl = ttl
        self._process = uuid.uuid4().hex[:12]

    def _entry(self, member: str) -> str:
        return f"{member}|{self._process}"

    async def add(self, channel: str, member: str) -> None:
        await self.refresh([(channel, member)])

    async def remove(self, channel: str, member: str) -> None:
        await self._redis.zrem(self._prefix + channel, self._entry(member))

    async def refresh(self, pairs: list[tuple[str, str]]) -> None:
        expires = time.time() + self._ttl
        async with self._redis.pipeline(transaction=False) as pipe:
            for channel, member in pairs:
                pipe.zadd(self._prefix + channel, {self._entry(member): expires})
                pipe.expire(self._prefix + channel, math.ceil(self._ttl))
            await pipe.execute()

    async def members(self, channel: str) -> set[str]:
        key = self._prefix + channel
        await self._redis.zremrangebyscore(key, "-inf", time.time())
        # The client is made without decode_responses: members come back as bytes.
        entries = cast(list[bytes], await self._redis.zrange(key, 0, -1))
        return {entry.decode().rsplit("|", 1)[0] for entry in entries}

"""Presence: who is in a channel, across processes, and gone by itself when a process dies."""

from __future__ import annotations

import asyncio

import pytest
from redis.asyncio import Redis

from realtime import MemoryPresence, RedisPresence
from tests.conftest import need


async def test_memory_presence():
    presence = MemoryPresence()
    await presence.add("room", "7")
    await presence.add("room", "8")
    await presence.remove("room", "7")
    assert await presence.members("room") == {"8"}
    await presence.remove("room", "8")
    assert await presence.members("room") == set()


@pytest.fixture
async def redis(redis_url):
    need(redis_url, "TEST_REDIS_URL is not set")
    client = Redis.from_url(redis_url)
    yield client
    await client.aclose()


async def test_redis_presence_spans_processes(redis):
    first, second = RedisPresence(redis), RedisPresence(redis)  # two processes
    await first.add("room", "7")
    await second.add("room", "7")  # the same person, another tab on another process
    await second.add("room", "8")
    assert await first.members("room") == {"7", "8"}
    await first.remove("room", "7")
    assert await second.members("room") == {"7", "8"}  # still there through the other tab
    await second.remove("room", "7")
    assert await second.members("room") == {"8"}


async def test_a_dead_process_members_expire(redis):
    crashed, alive = RedisPresence(redis, ttl=0.5), RedisPresence(redis, ttl=0.5)
    await crashed.add("room", "7")
    await alive.add("room", "8")
    await asyncio.sleep(0.3)
    await alive.refresh([("room", "8")])  # the living process keeps refreshing
    await asyncio.sleep(0.4)
    assert await alive.members("room") == {"8"}

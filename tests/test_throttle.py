"""Attempt counting in memory and in Redis; a Redis outage never lifts a limit."""

from __future__ import annotations

from redis.asyncio import Redis

from community.throttle import Limit, Throttle
from tests.conftest import REDIS_URL, need

LIMIT = Limit("test", attempts=3, seconds=60)


async def _exhaust(throttle: Throttle) -> list[int | None]:
    return [await throttle.hit(LIMIT, "key") for _ in range(5)]


async def test_memory_counts_per_key():
    throttle = Throttle()
    results = await _exhaust(throttle)
    assert results[:3] == [None, None, None]
    assert all(wait and 0 < wait <= 60 for wait in results[3:])
    assert await throttle.hit(LIMIT, "other key") is None


async def test_redis_counts_across_processes(redis_url):
    need(redis_url, "TEST_REDIS_URL is not set")
    first, second = Redis.from_url(redis_url), Redis.from_url(redis_url)
    a, b = Throttle(first, prefix="t"), Throttle(second, prefix="t")
    assert [await a.hit(LIMIT, "k"), await b.hit(LIMIT, "k"), await a.hit(LIMIT, "k")] == [None] * 3
    wait = await b.hit(LIMIT, "k")
    assert wait is not None and 0 < wait <= 60
    assert 0 < await first.ttl("t:test:k") <= 60
    await first.aclose()
    await second.aclose()


async def test_redis_down_falls_back_to_memory_and_still_limits():
    dead = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    results = await _exhaust(Throttle(dead))
    assert results[:3] == [None, None, None]
    assert all(results[3:])
    await dead.aclose()


def test_redis_url_is_configured_in_ci():
    need(REDIS_URL, "TEST_REDIS_URL is not set")


async def test_a_forgiven_attempt_is_given_back_within_its_window_only(redis_url):
    need(redis_url, "TEST_REDIS_URL is not set")
    redis = Redis.from_url(redis_url)
    await redis.delete("f:test:k", "f:test:gone")
    for throttle in (Throttle(redis, prefix="f"), Throttle()):
        assert [await throttle.hit(LIMIT, "k") for _ in range(3)] == [None] * 3
        await throttle.forgive(LIMIT, "k")
        assert await throttle.hit(LIMIT, "k") is None  # the good attempt's place, taken again
        assert await throttle.hit(LIMIT, "k") is not None
        await throttle.forgive(LIMIT, "gone")  # no window open: nothing to give back
        assert [await throttle.hit(LIMIT, "gone") for _ in range(4)][-1] is not None
    assert await redis.ttl("f:test:gone") > 0  # never a counter without expiry
    await redis.aclose()

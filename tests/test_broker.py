"""The broker contract, on both backends: what one publishes, every subscriber gets, in order."""

from __future__ import annotations

import asyncio

import pytest

from realtime import make_broker
from tests.conftest import need


@pytest.fixture(params=["memory", "redis"])
async def brokers(request, redis_url):
    if request.param == "redis":
        need(redis_url, "TEST_REDIS_URL is not set")
        pair = [make_broker(redis_url), make_broker(redis_url)]  # two processes' worth
    else:
        one = make_broker(None)
        pair = [one, one]
    yield pair
    for broker in {id(b): b for b in pair}.values():
        await broker.close()


async def test_subscribers_get_every_message_in_order(brokers):
    publisher, subscriber = brokers
    async with (
        subscriber.subscribe("project:1") as first,
        subscriber.subscribe("project:1") as second,
    ):
        await asyncio.sleep(0.05)  # Redis confirms subscriptions asynchronously
        for n in range(20):
            await publisher.publish("project:1", f"m{n}")
        for stream in (first, second):
            got = [await asyncio.wait_for(anext(stream), 2) for _ in range(20)]
            assert got == [f"m{n}" for n in range(20)]


async def test_channels_are_separate(brokers):
    publisher, subscriber = brokers
    async with subscriber.subscribe("a") as a:
        await asyncio.sleep(0.05)
        await publisher.publish("b", "not for a")
        await publisher.publish("a", "for a")
        assert await asyncio.wait_for(anext(a), 2) == "for a"


async def test_ping(brokers):
    for broker in brokers:
        await broker.ping()

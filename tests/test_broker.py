"""The broker contract on both backends, and the Redis broker's recovery from outages."""

from __future__ import annotations

import asyncio

import pytest
from redis.asyncio import Redis

from realtime import MemoryBroker, RedisBroker, make_broker
from tests.conftest import need


class Listener:
    def __init__(self) -> None:
        self.messages: list[tuple[str, str]] = []
        self.reconnects = 0

    def on_message(self, channel: str, message: str) -> None:
        self.messages.append((channel, message))

    async def on_reconnect(self) -> None:
        self.reconnects += 1

    async def wait_for(self, count: int, timeout: float = 5) -> None:
        async with asyncio.timeout(timeout):
            while len(self.messages) < count:
                await asyncio.sleep(0.01)


@pytest.fixture(params=["memory", "redis"])
async def brokers(request, redis_url):
    """A publishing and a subscribing broker: one object in memory, two 'processes' on Redis."""
    if request.param == "redis":
        need(redis_url, "TEST_REDIS_URL is not set")
        publisher, subscriber = make_broker(redis_url), make_broker(redis_url)
    else:
        publisher = subscriber = make_broker(None)
    listener = Listener()
    await subscriber.start(listener.on_message, listener.on_reconnect)
    if publisher is not subscriber:
        await publisher.start(lambda *_: None, listener.on_reconnect)
    yield publisher, subscriber, listener
    await subscriber.close()
    if publisher is not subscriber:
        await publisher.close()


async def settle(broker) -> None:
    """Redis confirms subscriptions asynchronously; give it a moment."""
    if isinstance(broker, RedisBroker):
        await asyncio.sleep(0.1)


async def test_subscribers_get_every_message_in_order(brokers):
    publisher, subscriber, listener = brokers
    await subscriber.subscribe("project:1")
    await settle(subscriber)
    for n in range(50):
        await publisher.publish("project:1", f"m{n}")
    await listener.wait_for(50)
    assert listener.messages == [("project:1", f"m{n}") for n in range(50)]


async def test_only_subscribed_channels_arrive(brokers):
    publisher, subscriber, listener = brokers
    await subscriber.subscribe("a")
    await settle(subscriber)
    await publisher.publish("b", "not for us")
    await publisher.publish("a", "one")
    await subscriber.unsubscribe("a")
    await settle(subscriber)
    await publisher.publish("a", "after leaving")
    await publisher.publish("a", "after leaving")
    await asyncio.sleep(0.2)
    assert listener.messages == [("a", "one")]


async def test_ping(brokers):
    for broker in brokers[:2]:
        await broker.ping()


async def test_redis_broker_comes_back_after_its_connection_is_killed(redis_url):
    need(redis_url, "TEST_REDIS_URL is not set")
    broker = RedisBroker(redis_url, max_backoff=0.5)
    listener = Listener()
    await broker.start(listener.on_message, listener.on_reconnect)
    await broker.subscribe("room")
    admin = Redis.from_url(redis_url)
    await asyncio.sleep(0.1)
    await admin.publish("rt:room", "before")
    await listener.wait_for(1)
    await admin.client_kill_filter(_type="pubsub")
    async with asyncio.timeout(10):
        while listener.reconnects == 0:
            await asyncio.sleep(0.05)
    await asyncio.sleep(0.1)
    await admin.publish("rt:room", "after")
    await listener.wait_for(2)
    assert listener.messages == [("room", "before"), ("room", "after")]
    await admin.aclose()
    await broker.close()


def test_broker_urls():
    assert isinstance(make_broker(None), MemoryBroker)
    assert isinstance(make_broker("memory://"), MemoryBroker)
    assert isinstance(make_broker("redis://127.0.0.1:6379/0"), RedisBroker)
    with pytest.raises(ValueError, match="unsupported"):
        make_broker("kafka://x")

"""The broker contract on both backends, and the Redis broker's recovery from outages."""

from __future__ import annotations

import asyncio
import contextlib
from urllib.parse import urlsplit

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


async def test_subscribers_get_every_message_in_order(brokers):
    publisher, subscriber, listener = brokers
    await subscriber.subscribe("project:1")
    for n in range(50):
        await publisher.publish("project:1", f"m{n}")
    await listener.wait_for(50)
    assert listener.messages == [("project:1", f"m{n}") for n in range(50)]


async def test_once_subscribed_the_next_publish_arrives(brokers):
    """`subscribe` returns once the broker hears the channel: the hub reads the log right
    after it, so anything published later must arrive, with no pause in between."""
    publisher, subscriber, listener = brokers
    for n in range(50):
        await subscriber.subscribe(f"c{n}")
        await publisher.publish(f"c{n}", "first")
    await listener.wait_for(50)
    assert sorted(listener.messages) == sorted((f"c{n}", "first") for n in range(50))


async def test_a_slow_link_to_redis_delays_subscribing_not_the_messages(redis_url):
    """With 50 ms between this process and Redis, a subscription that returned before Redis
    confirmed it would miss a message published right after it."""
    need(redis_url, "TEST_REDIS_URL is not set")
    url = urlsplit(redis_url)
    async with SlowLink(url.hostname or "127.0.0.1", url.port or 6379, delay=0.05) as port:
        subscriber = RedisBroker(url._replace(netloc=f"127.0.0.1:{port}").geturl())
        listener = Listener()
        await subscriber.start(listener.on_message, listener.on_reconnect)
        await until(lambda: subscriber._ready.is_set())
        publisher = Redis.from_url(redis_url)
        await subscriber.subscribe("slow")
        await publisher.publish("rt:slow", "right after")
        await listener.wait_for(1)
        assert listener.messages == [("slow", "right after")]
        await publisher.aclose()
        await subscriber.close()


class SlowLink:
    """A TCP relay that holds every chunk for `delay` seconds, like a distant Redis."""

    def __init__(self, host: str, port: int, delay: float) -> None:
        self.target, self.delay = (host, port), delay
        self.pipes: set[asyncio.Task] = set()

    async def __aenter__(self) -> int:
        self.server = await asyncio.start_server(self._relay, "127.0.0.1", 0)
        return self.server.sockets[0].getsockname()[1]

    async def __aexit__(self, *_exc) -> None:
        for pipe in self.pipes:
            pipe.cancel()
        self.server.close()

    async def _relay(self, reader, writer) -> None:
        upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        for source, sink in ((reader, upstream_writer), (upstream_reader, writer)):
            pipe = asyncio.create_task(self._pipe(source, sink))
            self.pipes.add(pipe)

    async def _pipe(self, source, sink) -> None:
        with contextlib.suppress(OSError, asyncio.CancelledError):
            while chunk := await source.read(65536):
                await asyncio.sleep(self.delay)
                sink.write(chunk)
                await sink.drain()
        sink.close()


async def test_only_subscribed_channels_arrive(brokers):
    publisher, subscriber, listener = brokers
    await subscriber.subscribe("a")
    await publisher.publish("b", "not for us")
    await publisher.publish("a", "one")
    await subscriber.unsubscribe("a")
    await asyncio.sleep(0.1)  # leaving is not confirmed; the hub drops what nobody listens to
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
    await until(lambda: broker._ready.is_set())
    await broker.subscribe("room")
    admin = Redis.from_url(redis_url)
    await admin.publish("rt:room", "before")
    await listener.wait_for(1)
    await admin.client_kill_filter(_type="pubsub")
    await until(lambda: listener.reconnects == 1)
    # Said only once Redis confirmed the new subscription: the hub reads the log then.
    await admin.publish("rt:room", "after")
    await listener.wait_for(2)
    assert listener.messages == [("room", "before"), ("room", "after")]
    await admin.aclose()
    await broker.close()


async def test_channels_subscribed_before_the_first_connection_are_announced(redis_url):
    """A socket may subscribe while the reader is still connecting: the hub is told when the
    subscription holds, so that it reads the log then."""
    need(redis_url, "TEST_REDIS_URL is not set")
    broker = RedisBroker(redis_url)
    listener = Listener()
    await broker.start(listener.on_message, listener.on_reconnect)
    await broker.subscribe("early")
    await until(lambda: listener.reconnects == 1)
    admin = Redis.from_url(redis_url)
    await admin.publish("rt:early", "heard")
    await listener.wait_for(1)
    assert listener.messages == [("early", "heard")]
    await admin.aclose()
    await broker.close()


async def until(condition, timeout: float = 10) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.01)


def test_broker_urls():
    assert isinstance(make_broker(None), MemoryBroker)
    assert isinstance(make_broker("memory://"), MemoryBroker)
    assert isinstance(make_broker("redis://127.0.0.1:6379/0"), RedisBroker)
    with pytest.raises(ValueError, match="unsupported"):
        make_broker("kafka://x")

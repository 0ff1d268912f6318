"""Delivery under trouble, end to end: a client that stops reading, a Redis that goes away.

Real `ruche serve` processes, a real redis-server of the test's own, real sockets.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import socket
import time

from redis.asyncio import Redis
from websockets.frames import Frame, Opcode

from tests.test_live import GROUP, people, private_redis, start  # noqa: F401 - fixtures

BIG = "x" * 256 * 1024  # a few of these fill the loopback buffers between server and client


class Mute:
    """A websocket client that reads only when told to: a phone that stopped reading.

    Its receive buffer is small, so the server feels the backpressure soon.
    """

    def __init__(self, base_url: str, cookie: str) -> None:
        self.base_url = base_url
        self.cookie = cookie
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self.sock.settimeout(10)
        self.received = b""

    def open(self, cursors: dict[str, int]) -> None:
        host, port = self.base_url.removeprefix("http://").split(":")
        self.sock.connect((host, int(port)))
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            (
                f"GET /live HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                f"Sec-WebSocket-Version: 13\r\nOrigin: {self.base_url}\r\n"
                f"Cookie: {self.cookie}\r\n\r\n"
            ).encode()
        )
        while b"\r\n\r\n" not in self.received:
            self.received += self.sock.recv(4096)
        assert self.received.startswith(b"HTTP/1.1 101"), self.received[:200]
        self.received = self.received.split(b"\r\n\r\n", 1)[1]
        resume = json.dumps({"type": "resume", "cursors": cursors}).encode()
        self.sock.sendall(Frame(Opcode.TEXT, resume).serialize(mask=True, extensions=[]))

    def read_some(self) -> None:
        """Whatever arrives within a tenth of a second."""
        self.sock.settimeout(0.1)
        try:
            chunk = self.sock.recv(65536)
        except TimeoutError:
            return
        finally:
            self.sock.settimeout(10)
        assert chunk, "the server closed the connection"
        self.received += chunk

    def ping(self) -> None:
        """Raises once the server has dropped the connection (a reset answers the write)."""
        self.sock.sendall(Frame(Opcode.PING, b"").serialize(mask=True, extensions=[]))

    def close(self) -> None:
        self.sock.close()


async def test_a_client_that_stops_reading_is_dropped_within_seconds(start, people, private_redis):  # noqa: F811
    server = start(private_redis.url)
    learner = await people(server, "apprenant1@demo.test")
    mute = Mute(server.url, learner.cookie())
    mute.open({GROUP: 0})
    redis = Redis.from_url(private_redis.url)
    # Published straight to Redis, as the server's own publish does: the log is not needed
    # for a socket that is never behind. The first one is repeated until the socket has it,
    # which proves it is subscribed.
    first = json.dumps({"ch": GROUP, "seq": 1, "content": "<p>1</p>"})
    async with asyncio.timeout(10):
        while b'"seq": 1' not in mute.received:
            await redis.publish(f"rt:{GROUP}", first)
            await asyncio.to_thread(mute.read_some)
    # It stops reading. Big events fill the kernel's buffers, then uvicorn's, then its queue.
    for seq in range(2, 200):
        await redis.publish(f"rt:{GROUP}", json.dumps({"ch": GROUP, "seq": seq, "content": BIG}))
    sent = time.monotonic()
    async with asyncio.timeout(10):
        while True:
            try:
                mute.ping()
            except OSError:
                break
            await asyncio.sleep(0.1)
    # 1013 is tried first, for two seconds; then the connection is dropped.
    dropped = time.monotonic() - sent
    assert dropped < 5, f"dropped {dropped:.2f} s after the last event"
    mute.close()
    await redis.aclose()


async def test_pages_catch_up_within_two_seconds_of_redis_coming_back(start, people, private_redis):  # noqa: F811
    server = start(private_redis.url)
    learner = await people(server, "apprenant1@demo.test")
    page = await learner.socket({GROUP: 0})
    trainer = await people(server, "formateur1@demo.test")
    await trainer.announce(2, "Avant la panne")
    await page.wait_for(lambda s: s.seqs(GROUP) == [1])

    private_redis.stop()
    down = time.monotonic()
    for n in range(3):  # written and committed; their publish fails
        await trainer.announce(2, f"Pendant la panne {n}")
    await asyncio.sleep(max(0.0, 3.2 - (time.monotonic() - down)))  # the outage lasts 3.2 s
    private_redis.start()
    back = time.monotonic()
    await page.wait_for(lambda s: s.seqs(GROUP) == [1, 2, 3, 4], timeout=10)
    caught_up = time.monotonic() - back
    assert caught_up < 2, f"caught up {caught_up:.2f} s after Redis came back"
    await page.close()

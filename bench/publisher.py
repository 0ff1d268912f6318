"""The publisher worker: publishes benchmark envelopes at a fixed rate, open loop.

Driven like bench/loadgen.py (JSON lines on stdin, one JSON line back per command).

Kinds:
- "redis": PUBLISH <prefix><channel> <envelope>, the way our processes (prefix "rt:") and the
  ceiling server (prefix "ceiling:") receive cross-process messages. Seq numbers are
  contiguous per channel, as the hub expects.
- "channels": channel_layer.group_send(...) through Django Channels' own layer, which is how a
  Channels app publishes (the layer's cost is part of what is measured).

Each envelope carries "t", the CLOCK_MONOTONIC time at which it was *due*. A publisher that
falls behind therefore shows up as latency instead of silently slowing the offered load.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections import Counter
from typing import Any

import uvloop

from bench.drive import serve

FILLER = 440  # bytes of text in the fragment: ~512 B of HTML, ~570 B on the wire


def envelope(channel: str, seq: int, step: int, due_ns: int, filler: int = FILLER) -> str:
    """The same message for every system: a JSON envelope around an htmx OOB fragment."""
    fragment = (
        f'<div id="bench-{channel.replace(":", "-")}" hx-swap-oob="beforeend">'
        f"<p>{'x' * filler}</p></div>"
    )
    return json.dumps({"ch": channel, "seq": seq, "s": step, "t": due_ns, "content": fragment})


def group_name(channel: str) -> str:
    """Channels group names allow only ASCII letters, digits, hyphens, periods, underscores."""
    return channel.replace(":", ".")


class RedisSender:
    def __init__(self, url: str, prefix: str) -> None:
        from redis.asyncio import Redis

        self.redis = Redis.from_url(url)
        self.prefix = prefix

    async def send(self, batch: list[tuple[str, str]]) -> None:
        async with self.redis.pipeline(transaction=False) as pipe:
            for channel, text in batch:
                pipe.publish(self.prefix + channel, text)
            await pipe.execute()


class ChannelsSender:
    def __init__(self) -> None:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.peers.channels_project.settings")
        import django

        django.setup()
        from channels.layers import get_channel_layer

        self.layer = get_channel_layer()
        self.gate = asyncio.Semaphore(32)  # channels_redis' connection pool is bounded

    async def send(self, batch: list[tuple[str, str]]) -> None:
        await asyncio.gather(*(self._send_one(ch, text) for ch, text in batch))

    async def _send_one(self, channel: str, text: str) -> None:
        async with self.gate:
            await self.layer.group_send(group_name(channel), {"type": "relay", "text": text})


class Publisher:
    def __init__(self, kind: str, redis_url: str, prefix: str = "rt:") -> None:
        self.sender = ChannelsSender() if kind == "channels" else RedisSender(redis_url, prefix)
        self.seqs: Counter[str] = Counter()  # last seq published per channel

    async def run(
        self, step: int, rate: float, duration: float, channels: list[str], fat: tuple = ()
    ) -> dict:
        """Publish round-robin over `channels`, `rate` messages per second for `duration` s.

        Messages to the channels in `fat` carry 8 KiB fragments (a whole region refreshed).
        """
        total = max(1, round(rate * duration))
        start = time.monotonic_ns()
        sent, behind_ms = 0, 0.0
        published: Counter[str] = Counter()
        while sent < total:
            now = time.monotonic_ns()
            due = min(total, int((now - start) * rate / 1e9) + 1)
            batch = []
            for i in range(sent, due):
                channel = channels[i % len(channels)]
                self.seqs[channel] += 1
                due_ns = start + int(i * 1e9 / rate)
                filler = 8192 if channel in fat else FILLER
                text = envelope(channel, self.seqs[channel], step, due_ns, filler)
                batch.append((channel, text))
                published[channel] += 1
            if batch:
                behind_ms = max(behind_ms, (now - (start + int(sent * 1e9 / rate))) / 1e6)
                await self.sender.send(batch)
                sent = due
            await asyncio.sleep(0.001)
        return {
            "published": dict(published),
            "seconds": (time.monotonic_ns() - start) / 1e9,
            "max_behind_ms": round(behind_ms, 1),
        }


class Commands:
    """What the benchmark asks this process (through `bench.drive.serve`): `init` once, then
    `run` for each step."""

    def __init__(self) -> None:
        self.publisher: Publisher | None = None

    def init(self, **settings: Any) -> dict:
        self.publisher = Publisher(**settings)
        return {"ok": True}

    async def run(self, **step: Any) -> dict:
        assert self.publisher is not None, "init first"
        return await self.publisher.run(**step)

    async def close(self) -> None:
        """Nothing to release: the process ends."""


if __name__ == "__main__":
    uvloop.run(serve(Commands()))

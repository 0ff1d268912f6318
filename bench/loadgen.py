"""A load-generator worker: holds many websocket clients and timestamps what they receive.

The orchestrator (bench/realtime.py) runs several of these processes, because one process
may hold at most ~20,000 file descriptors and one core. It drives each through JSON lines
on stdin and reads one JSON line back per command on stdout.

Every benchmark message carries "s" (the step it belongs to) and "t" (the publisher's
CLOCK_MONOTONIC at the moment it was due, in ns), so latency = now - t, across processes.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import uvloop
import websockets
from websockets.asyncio.client import ClientConnection

from bench.drive import serve


@dataclass(eq=False)
class Client:
    channel: str
    ws: ClientConnection
    reader: asyncio.Task | None = None
    stalled: bool = False
    received: list[int] = field(default_factory=list)  # seqs, only while `track` is on


class Worker:
    def __init__(self) -> None:
        self.clients: list[Client] = []
        self.latencies: dict[int, list[int]] = defaultdict(list)  # step -> µs
        self.other: Counter[str] = Counter()  # resync, denied, close codes...
        self.track = False  # keep every seq per client: the stalled-client check

    # --- commands ---------------------------------------------------------------------------

    async def connect(self, url: str, headers: dict, plan: list, concurrency: int) -> dict:
        """Open plan = [[channel, count], ...] sockets; each resumes its channel from 0."""
        started = time.monotonic()
        gate = asyncio.Semaphore(concurrency)
        jobs = [self._open(url, headers, ch, gate) for ch, n in plan for _ in range(n)]
        channels = [ch for ch, n in plan for _ in range(n)]
        results = await asyncio.gather(*jobs)
        errors = Counter(r for r in results if r is not None)
        per_channel = Counter(ch for ch, r in zip(channels, results, strict=True) if r is None)
        return {
            "connected": len(jobs) - sum(errors.values()),
            "per_channel": per_channel,
            "errors": dict(errors),
            "seconds": time.monotonic() - started,
        }

    async def _open(self, url: str, headers: dict, channel: str, gate: asyncio.Semaphore):
        async with gate:
            try:
                ws = await websockets.connect(
                    url,
                    additional_headers=headers,
                    compression=None,  # the benchmark runs with permessage-deflate off
                    ping_interval=None,  # the servers ping; the clients only answer
                    proxy=None,
                    open_timeout=60,
                    max_size=2**20,
                )
                await ws.send(json.dumps({"type": "resume", "cursors": {channel: 0}}))
            except Exception as exc:
                return type(exc).__name__
        client = Client(channel, ws)
        client.reader = asyncio.create_task(self._read(client))
        self.clients.append(client)
        return None

    async def _read(self, client: Client) -> None:
        try:
            async for raw in client.ws:
                self._on_message(client, raw)
        except websockets.ConnectionClosed:
            pass
        code = client.ws.close_code
        self.other[f"close_{code}"] += 1

    def _on_message(self, client: Client, raw: str | bytes) -> None:
        now = time.monotonic_ns()
        message = json.loads(raw)
        if "t" in message:
            self.latencies[message["s"]].append((now - message["t"]) // 1000)
            if self.track:
                client.received.append(message["seq"])
        elif "type" in message:
            self.other[message["type"]] += 1
        # else: presence, ephemeral, not part of the measurement

    def count(self, step: int) -> dict:
        return {"count": len(self.latencies.get(step, ())), "other": dict(self.other)}

    def collect(self, step: int) -> dict:
        return {"latencies_us": self.latencies.pop(step, []), "other": dict(self.other)}

    def stall(self, channel: str) -> dict:
        """One client of `channel` stops reading: websockets then stops reading the socket."""
        for client in self.clients:
            if client.channel == channel and not client.stalled:
                client.stalled = True
                client.reader.cancel()
                self.track = True
                return {"stalled": 1}
        return {"stalled": 0}

    async def unstall(self, wait: float) -> dict:
        """Read again what the stalled clients were sent; report how their socket ended."""
        report = []
        for client in [c for c in self.clients if c.stalled]:
            client.received.clear()
            client.reader = asyncio.create_task(self._drain(client))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(client.reader), wait)
            report.append(
                {
                    "close_code": client.ws.close_code,
                    "read_after_stall": len(client.received),
                    "open": client.ws.close_code is None,
                }
            )
        return {"stalled": report}

    async def _drain(self, client: Client) -> None:
        with contextlib.suppress(websockets.ConnectionClosed):
            async for raw in client.ws:
                message = json.loads(raw)
                if "seq" in message:
                    client.received.append(message["seq"])

    async def close(self) -> dict:
        clients, self.clients = self.clients, []
        await asyncio.gather(*(_close(c) for c in clients))
        self.latencies.clear()
        self.other.clear()
        self.track = False
        return {"closed": len(clients)}


async def _close(client: Client) -> None:
    with contextlib.suppress(Exception):
        await asyncio.wait_for(client.ws.close(), 5)
    if client.reader is not None:
        client.reader.cancel()
    client.ws.transport.abort()  # a stalled peer never answers the close: don't wait for it


if __name__ == "__main__":
    uvloop.run(serve(Worker()))

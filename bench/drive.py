"""Driving the worker processes: the load-generator fleet and the publisher."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
import time
from collections import Counter
from typing import Any

from bench.systems import ROOT


class Proc:
    """A worker process spoken to with one JSON line per command and per answer."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    @classmethod
    async def start(cls, module: str, env: dict[str, str] | None = None) -> Proc:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            module,
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            limit=2**28,  # a step's latencies come back in one line
        )
        return cls(process)

    async def call(self, cmd: str, reply_within: float = 600, **args: object) -> dict:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write((json.dumps({"cmd": cmd, **args}) + "\n").encode())
        await self.process.stdin.drain()
        line = await asyncio.wait_for(self.process.stdout.readline(), reply_within)
        if not line:
            raise RuntimeError(f"worker {cmd!r} died (exit {await self.process.wait()})")
        return json.loads(line)

    async def stop(self) -> None:
        if self.process.returncode is None:
            with contextlib.suppress(TimeoutError, RuntimeError, ConnectionError):
                await self.call("exit", reply_within=0.1)
            try:
                await asyncio.wait_for(self.process.wait(), 30)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()


async def serve(target: Any) -> None:
    """The worker's side of `Proc`: call the method each line names, answer with one line;
    the worker's `close` ends it."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=2**26)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while line := await reader.readline():
        command = json.loads(line)
        name = command.pop("cmd")
        if name == "exit":
            break
        result = getattr(target, name)(**command)
        if asyncio.iscoroutine(result):
            result = await result
        sys.stdout.write(json.dumps(result) + "\n")
        sys.stdout.flush()
    await target.close()


class Fleet:
    """Several load-generator processes; sockets are spread evenly over them."""

    def __init__(self, procs: list[Proc]) -> None:
        self.procs = procs
        self.subscribers: Counter[str] = Counter()  # connected sockets per channel

    @classmethod
    async def start(cls, size: int) -> Fleet:
        return cls(list(await asyncio.gather(*(Proc.start("bench.loadgen") for _ in range(size)))))

    async def connect(self, url: str, headers: dict, plan: dict[str, int]) -> dict:
        """plan: channel -> sockets. Returns how many connected, how fast, which errors."""
        shares: list[list] = [[] for _ in self.procs]
        for channel, n in plan.items():
            for i, share in enumerate(shares):
                k = n // len(shares) + (1 if i < n % len(shares) else 0)
                if k:
                    share.append([channel, k])
        started = time.monotonic()
        results = await asyncio.gather(
            *(
                p.call("connect", url=url, headers=headers, plan=share, concurrency=25)
                for p, share in zip(self.procs, shares, strict=True)
            )
        )
        errors: Counter[str] = Counter()
        for result in results:
            errors.update(result["errors"])
            self.subscribers.update(result["per_channel"])
        connected = sum(r["connected"] for r in results)
        seconds = time.monotonic() - started
        return {
            "connected": connected,
            "errors": dict(errors),
            "connects_per_s": round(connected / seconds, 1),
        }

    async def count(self, step: int) -> int:
        results = await asyncio.gather(*(p.call("count", step=step) for p in self.procs))
        return sum(r["count"] for r in results)

    async def collect(self, step: int) -> tuple[list[int], Counter[str]]:
        results = await asyncio.gather(*(p.call("collect", step=step) for p in self.procs))
        latencies: list[int] = []
        other: Counter[str] = Counter()
        for result in results:
            latencies += result["latencies_us"]
            other.update(result["other"])
        return latencies, other

    async def wait_for(self, step: int, expected: int, within: float) -> int:
        """Poll until `expected` messages of `step` arrived, or the timeout; returns the count."""
        deadline = time.monotonic() + within
        while True:
            got = await self.count(step)
            if got >= expected or time.monotonic() > deadline:
                return got
            await asyncio.sleep(0.2)

    async def stall(self, channel: str) -> int:
        for proc in self.procs:
            if (await proc.call("stall", channel=channel))["stalled"]:
                self.subscribers[channel] -= 1
                return 1
        return 0

    async def unstall(self, wait: float) -> list[dict]:
        results = await asyncio.gather(*(p.call("unstall", wait=wait) for p in self.procs))
        return [s for r in results for s in r["stalled"]]

    async def close(self) -> None:
        await asyncio.gather(*(p.call("close") for p in self.procs))
        self.subscribers.clear()

    async def stop(self) -> None:
        await asyncio.gather(*(p.stop() for p in self.procs))

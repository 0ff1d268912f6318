"""A load-generator worker for the reconnect storm: phones that hold a socket like a live page.

Each phone names a few channels with a cursor, resumes after every (re)connection, counts
what it is sent, and reconnects the way pages do (static/js/live.js sets hx-ws's backoff):
after a close the n-th attempt waits uniform(0, 2·min(0.5 s·2^(n-1), 7 s)), so the first retry
comes within a second and a restart does not come back as one wave. bench/reconnect.py runs
several of these processes and drives them with JSON lines (bench/drive.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import time
from collections import Counter

import uvloop
import websockets

from bench.drive import serve

BACKOFF_BASE = 0.5  # hx-ws reconnectDelay, in seconds
BACKOFF_MAX = 7.0  # reconnectMaxDelay


def backoff(attempt: int) -> float:
    """The wait before the n-th attempt in a row (1 for the first after a close)."""
    return random.uniform(0, 2 * min(BACKOFF_BASE * 2 ** (attempt - 1), BACKOFF_MAX))  # noqa: S311


class Phone:
    """One page's socket. `last` is each channel's top in the log; caught up means every
    channel's cursor reached it (or the server said resync: the page fetches the region)."""

    def __init__(self, fleet: Storm, last: dict[str, int], behind: int, spread: float) -> None:
        self.fleet = fleet
        self.spread = spread
        self.last = last
        self.behind = behind
        self.cursors = self._rewound()
        self.connected_at: float | None = None
        self.caught_up_at: float | None = None
        self.task: asyncio.Task | None = None

    def _rewound(self) -> dict[str, int]:
        """A few events behind on every channel: what a page that missed them resumes with."""
        return {ch: max(0, top - self.behind) for ch, top in self.last.items()}

    async def run(self) -> None:
        await asyncio.sleep(random.uniform(0, self.spread))  # noqa: S311
        attempt = 0
        while True:
            if attempt:
                await asyncio.sleep(backoff(attempt))
            try:
                ws = await websockets.connect(
                    self.fleet.url,
                    additional_headers=self.fleet.headers,
                    compression=None,
                    ping_interval=None,
                    proxy=None,
                    open_timeout=30,
                    max_size=2**20,
                )
            except Exception as exc:  # refused while the server restarts, timeouts
                self.fleet.errors[type(exc).__name__] += 1
                attempt += 1
                continue
            attempt = 1  # a close is followed by a first, quick retry
            self.connected_at = time.monotonic()
            await self._listen(ws)
            if self.fleet.rewind_on_close:
                self.cursors = self._rewound()

    async def _listen(self, ws: websockets.ClientConnection) -> None:
        with contextlib.suppress(websockets.ConnectionClosed):
            await ws.send(json.dumps({"type": "resume", "cursors": self.cursors}))
            self._check_caught_up()
            async for raw in ws:
                self._on_message(json.loads(raw))
        self.fleet.other[f"close_{ws.close_code}"] += 1

    def _on_message(self, message: dict) -> None:
        channel = message.get("ch")
        if channel not in self.cursors:
            return
        if "seq" in message:
            seq, cursor = message["seq"], self.cursors[channel]
            if seq <= cursor:
                self.fleet.other["duplicate"] += 1
                return
            if seq > cursor + 1:
                self.fleet.other["gap"] += 1
            self.cursors[channel] = seq
        elif message.get("type") == "resync":
            self.fleet.other["resync"] += 1
            self.cursors[channel] = self.last[channel]
        elif "type" in message:
            self.fleet.other[message["type"]] += 1
        self._check_caught_up()

    def _check_caught_up(self) -> None:
        if self.caught_up_at is None and all(
            self.cursors[ch] >= top for ch, top in self.last.items()
        ):
            self.caught_up_at = time.monotonic()


class Storm:
    def __init__(self) -> None:
        self.url = ""
        self.headers: dict[str, str] = {}
        self.phones: list[Phone] = []
        self.errors: Counter[str] = Counter()
        self.other: Counter[str] = Counter()
        self.rewind_on_close = False

    def open(self, url: str, headers: dict[str, str], phones: list[list], spread: float) -> dict:
        """phones = [[{channel: top}, behind], ...]: each first connects within `spread` s."""
        self.url, self.headers = url, headers
        for last, behind in phones:
            phone = Phone(self, last, behind, spread)
            phone.task = asyncio.create_task(phone.run())
            self.phones.append(phone)
        return {"phones": len(self.phones)}

    def expect_restart(self) -> dict:
        """From now on a phone whose socket closes resumes a few events behind again; none
        counts as connected or caught up until it is again."""
        self.rewind_on_close = True
        for phone in self.phones:
            phone.connected_at = phone.caught_up_at = None
        self.errors.clear()
        self.other.clear()
        return {"phones": len(self.phones)}

    def status(self) -> dict:
        connected = [p.connected_at for p in self.phones if p.connected_at is not None]
        caught_up = [p.caught_up_at for p in self.phones if p.caught_up_at is not None]
        return {
            "phones": len(self.phones),
            "connected": len(connected),
            "caught_up": len(caught_up),
            "last_connected_at": max(connected, default=None),
            "last_caught_up_at": max(caught_up, default=None),
            "errors": dict(self.errors),
            "other": dict(self.other),
        }

    async def close(self) -> dict:
        for phone in self.phones:
            if phone.task is not None:
                phone.task.cancel()
        await asyncio.gather(*(p.task for p in self.phones if p.task), return_exceptions=True)
        closed, self.phones = len(self.phones), []
        return {"closed": closed}


if __name__ == "__main__":
    uvloop.run(serve(Storm()))

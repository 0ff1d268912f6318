"""A project with many open pages: each behaves like the page in a browser, and says when
each posted message became visible in it.

A page GETs the project with its person's cookie, opens the socket (Origin, cookie), sends
the resume with the cursors its live regions carry, then, as static/js/live.js and htmx do,
drops replays, swaps pushed fragments in, and answers a nudge by fetching the region again
(at most 6 fetches at once, a browser's limit per host over HTTP/1.1). A `resync` makes it
fetch the page again and take the channel's regions from it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections import Counter

import httpx2
import websockets

from bench.fragments import Nudge, Page, live_regions

REGION_HEADERS = {"HX-Request": "true", "HX-Request-Type": "partial"}  # what htmx sends
BROWSER_FETCHES = 6


def message_text(n: int) -> str:
    """Fixed width: one message's text is never a part of another's."""
    return f"Bench message {n:04d}"


class LivePage:
    """One person's open project page."""

    def __init__(self, http: httpx2.AsyncClient, ws_url: str, path: str, cookie: str) -> None:
        self.http = http
        self.ws_url = ws_url
        self.path = path
        self.cookie = cookie
        self.messages_region = f"messages-{path.rsplit('/', 1)[1]}"
        self.page = Page("")
        self.waiting: dict[int, float] = {}  # message -> when its POST was sent
        self.latencies: dict[int, float] = {}  # message -> seconds until it showed here
        self.shows_all = asyncio.Event()  # nothing awaited is missing
        self.stats: Counter[str] = Counter()
        self.gate = asyncio.Semaphore(BROWSER_FETCHES)
        self.fetching: set[str] = set()  # regions with a fetch in flight
        self.again: set[str] = set()  # regions nudged while their fetch was in flight
        self.tasks: set[asyncio.Task] = set()
        self.ws: websockets.ClientConnection | None = None

    async def open(self) -> None:
        response = await self.http.get(self.path, headers={"Cookie": self.cookie})
        response.raise_for_status()
        self.page = Page(response.text)
        self.ws = await websockets.connect(
            self.ws_url,
            additional_headers={"Origin": str(self.http.base_url).rstrip("/"),
                                "Cookie": self.cookie},
            compression=None,
            proxy=None,
        )  # fmt: skip
        await self.ws.send(json.dumps(self.page.resume()))
        self._spawn(self._read(self.ws))

    def expect(self, n: int, sent_at: float) -> None:
        self.waiting[n] = sent_at
        self.shows_all.clear()

    def forget(self, messages: set[int]) -> None:
        """Stop waiting for messages that were never written."""
        for n in messages:
            self.waiting.pop(n, None)
        if not self.waiting:
            self.shows_all.set()

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)

    def _spawn(self, work) -> None:  # type: ignore[no-untyped-def]
        task = asyncio.create_task(work)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _read(self, ws: websockets.ClientConnection) -> None:
        with contextlib.suppress(websockets.ConnectionClosed):
            async for raw in ws:
                self.receive(json.loads(raw))
        self.stats["socket_closed"] += 1

    def receive(self, message: dict) -> None:
        kind = message.get("type")
        if kind in ("resync", "denied"):
            self.stats[kind] += 1
            if kind == "resync":
                self._spawn(self._reload(message["ch"]))
            return
        if not self.page.accept(message.get("ch", ""), message.get("seq")):
            self.stats["replays_dropped"] += 1
            return
        self.stats["pushes"] += 1
        for nudge in self.page.apply(message.get("content", "")):
            self.stats["nudges"] += 1
            self._spawn(self._fetch(nudge))
        self._look()

    async def _fetch(self, nudge: Nudge) -> None:
        """As live.js: one fetch of a region in flight at a time; nudges that come meanwhile
        make one more fetch once it ends, whatever their number."""
        if nudge.target in self.fetching:
            self.again.add(nudge.target)
            return
        self.fetching.add(nudge.target)
        try:
            while True:
                self.again.discard(nudge.target)
                await self._fetch_once(nudge)
                if nudge.target not in self.again:
                    return
        finally:
            self.fetching.discard(nudge.target)

    async def _fetch_once(self, nudge: Nudge) -> None:
        self.stats["region_fetches"] += 1
        try:
            async with self.gate:
                response = await self.http.get(
                    nudge.url, headers={"Cookie": self.cookie, **REGION_HEADERS}
                )
        except httpx2.HTTPError as exc:  # the server dropped it: the page stays as it was
            self.stats[f"fetch_failed_{type(exc).__name__}"] += 1
            return
        if response.status_code != 200 or not self.page.swap_fetched(nudge, response.text):
            self.stats[f"fetch_failed_{response.status_code}"] += 1
        self._look()

    async def _reload(self, channel: str) -> None:
        """A resync: the page again, and every region of the channel taken from it."""
        async with self.gate:
            response = await self.http.get(self.path, headers={"Cookie": self.cookie})
        for ident in live_regions(response.text, channel):
            self.page.swap_fetched(Nudge(self.path, ident, ident), response.text)
        self._look()
        assert self.ws is not None
        await self.ws.send(json.dumps(self.page.resume()))

    def _look(self) -> None:
        """Which awaited messages the messages region now shows."""
        if not self.waiting:
            return
        region = self.page.region(self.messages_region)
        now = time.monotonic()
        for n, sent_at in list(self.waiting.items()):
            if message_text(n) in region:
                self.latencies[n] = now - sent_at
                del self.waiting[n]
        if not self.waiting:
            self.shows_all.set()

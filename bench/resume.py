"""Reconnect-and-resume correctness, for ours only (the peers have no resume at all).

Real write path: the staff user posts announcements over HTTP; each one appends an event to
the database log in the same transaction and is published after commit. Readers drop their
socket (abruptly or cleanly), announcements are posted while they are away, and they come
back with {"type": "resume", "cursors": {channel: last seq seen}} while more announcements
are being posted. Every reader must end up with every seq exactly once, in order, or be told
to resync.
"""

from __future__ import annotations

import asyncio
import json
import time

import websockets

from bench.systems import TOKEN, WRITER, System, sign_in


class Reader:
    def __init__(self, system: System, channel: str) -> None:
        self.system = system
        self.channel = channel
        self.seqs: list[int] = []
        self.resyncs = 0
        self.ws = None
        self.task: asyncio.Task | None = None

    async def connect(self) -> None:
        self.ws = await websockets.connect(
            self.system.ws_url,
            additional_headers=self.system.headers,
            compression=None,
            proxy=None,
        )
        cursor = self.seqs[-1] if self.seqs else 0
        await self.ws.send(json.dumps({"type": "resume", "cursors": {self.channel: cursor}}))
        self.task = asyncio.create_task(self._read(self.ws))

    async def _read(self, ws) -> None:  # type: ignore[no-untyped-def]
        try:
            async for raw in ws:
                message = json.loads(raw)
                if message.get("type") == "resync":
                    self.resyncs += 1
                elif "seq" in message:
                    self.seqs.append(message["seq"])
        except websockets.ConnectionClosed:
            pass

    async def drop(self, abrupt: bool) -> None:
        """Lose the connection: a TCP reset (a phone going into a tunnel) or a clean close."""
        if abrupt:
            self.ws.transport.abort()
        else:
            await self.ws.close()
        await asyncio.gather(self.task, return_exceptions=True)

    def verdict(self, total: int) -> str:
        if self.seqs == list(range(1, total + 1)):
            return "exact"
        if len(set(self.seqs)) != len(self.seqs):
            return "duplicates"
        return "resynced" if self.resyncs else "missing"


async def check(system: System, channel: str, readers: int, rounds: int, per_round: int) -> dict:
    iteration_id = int(channel.partition(":")[2])
    writer = await sign_in(system.base, WRITER)
    page = await writer.get(f"/iterations/{iteration_id}")
    token = TOKEN.search(page.text)
    assert token, f"no CSRF token on the group page (HTTP {page.status_code})"
    csrf = token.group(1)
    posted = 0

    async def post(n: int) -> None:
        nonlocal posted
        for _ in range(n):
            posted += 1
            response = await writer.post(
                f"/iterations/{iteration_id}/announcements",
                data={"body": f"Bench announcement {posted}", "csrf_token": csrf},
            )
            assert response.status_code == 303, response.text[:300]

    group = [Reader(system, channel) for _ in range(readers)]
    started = time.monotonic()
    try:
        await asyncio.gather(*(r.connect() for r in group))
        await asyncio.sleep(1)  # subscribed on both workers before the first write
        await post(per_round)
        for n in range(rounds):
            away = group[n % 2 :: 2]
            await asyncio.gather(*(r.drop(abrupt=n % 2 == 0) for r in away))
            await post(per_round)  # missed while away
            # Coming back while more is written: the resume races live events.
            await asyncio.gather(post(per_round), *(r.connect() for r in away))
        await _settle(group, posted, within=20)
    finally:
        await asyncio.gather(*(r.drop(abrupt=False) for r in group if r.ws), return_exceptions=True)
        await writer.aclose()
    verdicts = [r.verdict(posted) for r in group]
    return {
        "readers": readers,
        "events": posted,
        "rounds": rounds,
        "exact": verdicts.count("exact"),
        "resynced": verdicts.count("resynced"),
        "duplicates": verdicts.count("duplicates"),
        "missing": verdicts.count("missing"),
        "exactly_once_ratio": verdicts.count("exact") / readers,
        "seconds": round(time.monotonic() - started, 1),
    }


async def _settle(group: list[Reader], total: int, within: float) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if all((r.seqs and r.seqs[-1] >= total) or r.resyncs for r in group):
            return
        await asyncio.sleep(0.1)

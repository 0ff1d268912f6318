"""A person with a browser session, over real HTTP and real websockets, for live tests."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

import httpx2
import websockets
from websockets.asyncio.client import ClientConnection

from community.demo import PASSWORD

TOKEN = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


class Person:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.http = httpx2.AsyncClient(base_url=base_url, timeout=10)

    async def close(self) -> None:
        await self.http.aclose()

    async def post(self, path: str, data: dict[str, str], page: str = "/") -> httpx2.Response:
        token = TOKEN.search((await self.http.get(page)).text)
        assert token, f"no CSRF token on {page}"
        return await self.http.post(path, data={**data, "csrf_token": token.group(1)})

    async def sign_in(self, email: str) -> Person:
        response = await self.post(
            "/signin", {"email": email, "password": PASSWORD}, page="/signin"
        )
        assert response.status_code == 303, response.text[:500]
        return self

    async def announce(self, iteration_id: int, body: str) -> None:
        response = await self.post(
            f"/iterations/{iteration_id}/announcements", {"body": body}, page="/"
        )
        assert response.status_code == 303, response.text[:500]

    def cookie(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.http.cookies.items())

    async def socket(self, cursors: dict[str, int] | None = None, **headers: str) -> Socket:
        ws_url = self.base_url.replace("http://", "ws://") + "/live"
        sent = {"Origin": self.base_url, "Cookie": self.cookie(), **headers}
        connection = await websockets.connect(
            ws_url, additional_headers={k: v for k, v in sent.items() if v is not None}
        )
        socket = Socket(connection)
        if cursors is not None:
            await socket.resume(cursors)
        return socket


class Socket:
    """Keeps every message it receives, in order, for the test to look at."""

    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection
        self.messages: list[dict[str, Any]] = []
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        try:
            async for raw in self.connection:
                self.messages.append(json.loads(raw))
        except websockets.ConnectionClosed:
            pass

    async def resume(self, cursors: dict[str, int]) -> None:
        await self.connection.send(json.dumps({"type": "resume", "cursors": cursors}))

    def events(self, channel: str) -> list[dict[str, Any]]:
        return [m for m in self.messages if m.get("ch") == channel and "seq" in m]

    def seqs(self, channel: str) -> list[int]:
        return [m["seq"] for m in self.events(channel)]

    async def wait_for(self, predicate, timeout: float = 10) -> None:  # type: ignore[no-untyped-def]
        async with asyncio.timeout(timeout):
            while not predicate(self):
                if self.reader.done():
                    assert predicate(self), f"socket closed; got {self.messages}"
                await asyncio.sleep(0.02)

    async def closed_with(self, timeout: float = 5) -> int | None:
        async with asyncio.timeout(timeout):
            await self.reader
        return self.connection.close_code

    async def close(self) -> None:
        await self.connection.close()
        await asyncio.gather(self.reader, return_exceptions=True)

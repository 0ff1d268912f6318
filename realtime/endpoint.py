"""The websocket endpoint: checked before it is accepted, limited once it is open.

Protocol. The client sends {"type": "resume", "cursors": {"<channel>": <last seq seen>}}
after every (re)connection. The server answers with what was missed, then live events, each
as {"ch", "seq", "content"}; or {"type": "resync", "ch"} when the log no longer holds the
gap, and the page then fetches that region again; or {"type": "denied", "ch"}.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass

from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket

from realtime.hub import Client, Hub, control_message

# The event log numbers events in a BIGINT column.
MAX_SEQ = 2**63 - 1

Identify = Callable[[Scope], tuple[str, str] | None]
OriginCheck = Callable[[Scope], bool]


@dataclass(frozen=True)
class Limits:
    max_message: int = 8 * 1024
    max_channels: int = 50
    rate: float = 10.0  # messages per second, sustained
    burst: float = 30.0


class TokenBucket:
    __slots__ = ("burst", "rate", "stamp", "tokens")

    def __init__(self, rate: float, burst: float) -> None:
        self.rate, self.burst, self.tokens, self.stamp = rate, burst, burst, time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


class LiveEndpoint:
    def __init__(
        self,
        hub: Hub,
        *,
        identify: Identify,
        same_origin: OriginCheck,
        limits: Limits | None = None,
    ) -> None:
        self.hub = hub
        self.identify = identify
        self.same_origin = same_origin
        self.limits = limits or Limits()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        ws = WebSocket(scope, receive, send)
        who = self.identify(scope)
        # Refused before accepting: the browser sees an HTTP 403, no socket is opened.
        if not self.same_origin(scope) or who is None:
            await ws.close(code=1008)
            return
        await ws.accept()
        client = self.hub.attach(ws, *who)
        bucket = TokenBucket(self.limits.rate, self.limits.burst)
        try:
            while True:
                message = await ws.receive()
                if message["type"] == "websocket.disconnect":
                    return
                code = await self._handle(client, bucket, message.get("text"))
                if code:
                    await ws.close(code)
                    return
        finally:
            await self.hub.detach(client)

    async def _handle(self, client: Client, bucket: TokenBucket, text: str | None) -> int | None:
        """Act on one message; a close code when the client broke the rules."""
        if text is None:
            return 1003  # binary frames are not part of the protocol
        if len(text) > self.limits.max_message:
            return 1009
        if not bucket.take():
            return 1008
        cursors = _parse_resume(text, self.limits.max_channels)
        if cursors is None:
            return 1007
        # A channel the socket already hears was checked then, and is checked again whenever
        # the user's rights change: a second resume costs no database work for it.
        valid = {channel: seq for channel, seq in cursors.items() if seq is not None}
        heard = {ch: client.audiences.get(ch, "") for ch in valid if ch in client.cursors}
        asked = [channel for channel in valid if channel not in heard]
        if asked:
            heard.update(await self.hub.authorize_many(client.ws, asked))
        for channel in cursors:
            if channel not in heard:
                await client.ws.send_text(control_message("denied", channel[:120]))
        await self.hub.resume(client, {ch: seq for ch, seq in valid.items() if ch in heard}, heard)
        return None


def _parse_resume(text: str, max_channels: int) -> dict[str, int | None] | None:
    """The cursors of a resume message, each None when it is not one: that channel alone is
    denied. None for a message that is not a resume at all."""
    try:
        message = json.loads(text)
    except ValueError:
        return None
    if not isinstance(message, dict) or message.get("type") != "resume":
        return None
    cursors = message.get("cursors")
    if not isinstance(cursors, dict) or len(cursors) > max_channels:
        return None
    return {channel: _cursor(channel, seq) for channel, seq in cursors.items()}


def _cursor(channel: str, seq: object) -> int | None:
    """A last seen sequence number: a JSON integer (not a boolean) within the log's BIGINT."""
    if len(channel) > 120 or not isinstance(seq, int) or isinstance(seq, bool):
        return None
    return seq if 0 <= seq <= MAX_SEQ else None

"""CPU per delivery when one broker message goes to every socket of one big channel.

    python -m bench.delivery [sockets] [bursts]

In process and without the network, so that a shared machine still gives comparable figures:
each socket is a Starlette WebSocket whose send is uvicorn's websockets-sansio send path (its
writable event, the `websockets` framing, one transport write) over a transport that only
counts bytes. Prints microseconds per delivery: the best and the median burst. To compare
with another version of the hub, put its `realtime` first on PYTHONPATH.
"""

from __future__ import annotations

import asyncio
import gc
import sys
import time

from starlette.types import Message
from starlette.websockets import WebSocket, WebSocketState
from websockets.protocol import State
from websockets.server import ServerProtocol

from realtime import Hub, MemoryBroker
from realtime.hub import envelope

CHANNEL = "big"
CONTENT = '<div id="news" hx-swap-oob="true">' + "x" * 470 + "</div>"  # ~510 B, as in the bench


class Sink:
    def __init__(self) -> None:
        self.written = 0

    def write(self, data: bytes) -> None:
        self.written += len(data)

    def is_closing(self) -> bool:
        return False


class SansIOSend:
    """What uvicorn's websockets-sansio protocol does for a `websocket.send`."""

    def __init__(self) -> None:
        self.conn = ServerProtocol()
        self.conn.state = State.OPEN
        self.transport = Sink()
        self.writable = asyncio.Event()
        self.writable.set()

    async def send(self, message: Message) -> None:
        await self.writable.wait()
        self.conn.send_text(message["text"].encode())
        self.transport.write(b"".join(self.conn.data_to_send()))


async def allow(_ws: WebSocket, _channel: str) -> str | None:
    return ""  # every socket may hear the channel, all in one audience


async def measure(sockets: int, bursts: int) -> list[float]:
    hub = Hub(MemoryBroker(), None, allow)  # type: ignore[arg-type] # the log is never read
    await hub.broker.start(hub._on_message, hub._on_reconnect)
    await hub.broker.subscribe(CHANNEL)
    sends = [SansIOSend() for _ in range(sockets)]
    for n, sansio in enumerate(sends):
        ws = WebSocket({"type": "websocket", "path": "/live", "headers": []}, None, sansio.send)  # type: ignore[arg-type]
        ws.application_state = ws.client_state = WebSocketState.CONNECTED
        client = hub.attach(ws, f"user{n}", "session")
        client.cursors[CHANNEL] = 0  # as subscribe leaves it once caught up
        hub.channels.setdefault(CHANNEL, set()).add(client)
    gc.collect()
    gc.freeze()  # as the app does after start-up
    seconds = []
    for seq in range(1, bursts + 1):
        started = time.perf_counter()
        await hub.broker.publish(CHANNEL, envelope(CHANNEL, seq, CONTENT))
        await asyncio.gather(*(c.sender for c in hub.clients if c.sender is not None))
        seconds.append(time.perf_counter() - started)
    assert all(s.transport.written for s in sends), "a socket got nothing"
    return sorted(seconds)


def main() -> None:
    sockets = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    bursts = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    seconds = asyncio.run(measure(sockets, bursts))
    best, median = (s * 1e6 / sockets for s in (seconds[0], seconds[len(seconds) // 2]))
    print(
        f"{sockets} sockets, {bursts} bursts, µs per delivery: {best:.1f} best, {median:.1f} median"
    )


if __name__ == "__main__":
    main()

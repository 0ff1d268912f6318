"""The ceiling: a bare `websockets` server that fans Redis messages out with broadcast().

It speaks the same protocol as ours on the wire (the client sends a resume message naming
its channels, then only reads) and receives cross-process messages the same way (one Redis
pub/sub connection per process, subscribed only to channels with local sockets), but has
no app around it: no session, no authorization, no cursors, no per-socket queue.
`broadcast()` writes the frame to every socket synchronously, with no backpressure.
Run two of these on one port (SO_REUSEPORT), like `uvicorn --workers 2`.
"""

from __future__ import annotations

import argparse
import asyncio
import json

import uvloop
from redis.asyncio import Redis
from websockets.asyncio.server import ServerConnection, broadcast, serve

PREFIX = "ceiling:"


class Fanout:
    def __init__(self, redis_url: str) -> None:
        self.channels: dict[str, set[ServerConnection]] = {}
        self.pubsub = Redis.from_url(redis_url, socket_timeout=None).pubsub()

    async def handle(self, ws: ServerConnection) -> None:
        joined: list[str] = []
        try:
            async for raw in ws:
                for channel in json.loads(raw).get("cursors", {}):
                    await self.join(channel, ws)
                    joined.append(channel)
        finally:
            for channel in joined:
                await self.leave(channel, ws)

    async def join(self, channel: str, ws: ServerConnection) -> None:
        if channel not in self.channels:
            self.channels[channel] = set()
            await self.pubsub.subscribe(PREFIX + channel)
        self.channels[channel].add(ws)

    async def leave(self, channel: str, ws: ServerConnection) -> None:
        listeners = self.channels.get(channel, set())
        listeners.discard(ws)
        if not listeners:
            self.channels.pop(channel, None)
            await self.pubsub.unsubscribe(PREFIX + channel)

    async def relay_forever(self) -> None:
        await self.pubsub.subscribe(PREFIX + "\x00")  # listen() needs one subscription
        async for message in self.pubsub.listen():
            if message["type"] == "message":
                channel = message["channel"].decode()[len(PREFIX) :]
                broadcast(self.channels.get(channel, ()), message["data"].decode())


async def main(port: int, redis_url: str) -> None:
    fanout = Fanout(redis_url)
    relay = asyncio.create_task(fanout.relay_forever())
    async with serve(
        fanout.handle, "127.0.0.1", port, reuse_port=True, compression=None, backlog=4096
    ) as server:
        await server.serve_forever()
    relay.cancel()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--redis", required=True)
    args = parser.parse_args()
    uvloop.run(main(args.port, args.redis))

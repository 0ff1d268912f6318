"""The consumer: the same protocol as ours, minus sessions, authorization and cursors."""

import json

from channels.generic.websocket import AsyncWebsocketConsumer


def group_name(channel: str) -> str:
    return channel.replace(":", ".")  # Channels allows no ":" in group names


class LiveConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        self.groups = []  # left on disconnect by AsyncWebsocketConsumer itself
        await self.accept()

    async def receive(self, text_data=None, bytes_data=None) -> None:
        """{"type": "resume", "cursors": {...}}: join the group of each channel named."""
        for channel in json.loads(text_data or "{}").get("cursors", {}):
            group = group_name(channel)
            await self.channel_layer.group_add(group, self.channel_name)
            self.groups.append(group)

    async def relay(self, event: dict) -> None:
        """A group message: forwarded to the socket as-is, like our hub does."""
        await self.send(text_data=event["text"])

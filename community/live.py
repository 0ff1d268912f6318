"""The app's side of live updates: who a socket is, which channels it may hear, presence."""

from __future__ import annotations

import contextlib
from datetime import timedelta

from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlmodel import col, select
from starlette.datastructures import Headers
from starlette.types import Scope
from starlette.websockets import WebSocket

from community import accounts, parsing, trainings
from community.areas import CHANNELS
from community.database import Database
from community.errors import NotFound
from community.models import User
from community.security import same_origin
from community.settings import Settings
from community.templating import audience, render_block
from realtime import (
    Hub,
    LiveEndpoint,
    MemoryPresence,
    RedisPresence,
    Retention,
    make_broker,
    publish_after_commit,
)

# Groups and projects show who is here; a user's own channel says they are online (tutoring).
PRESENCE_PREFIXES = tuple(
    f"{kind}:" for kind, declared in CHANNELS.items() if declared.has_presence
)


def identify(scope: Scope) -> tuple[str, str] | None:
    """The user and the session of a socket, from the same cookie as HTTP."""
    visitor = scope["state"]["visitor"]
    if visitor.user is None:
        return None
    return str(visitor.user.id), accounts.session_id(visitor.token)


def socket_origin_ok(scope: Scope) -> bool:
    """Cross-site websocket hijacking: a page elsewhere cannot open a socket with our cookie."""
    headers = Headers(scope=scope)
    return headers.get("origin") is not None and same_origin(headers)


def _declared(channel: str) -> tuple[str, int, str] | None:
    """The kind and id of a channel some area declared; None for any other string."""
    kind, _sep, raw = channel.partition(":")
    ident = parsing.ident(raw)
    return (kind, ident, channel) if kind in CHANNELS and ident is not None else None


class Live:
    """Builds the hub for this app and answers its questions."""

    def __init__(self, settings: Settings, db: Database, redis: Redis | None) -> None:
        self.db = db
        self.hub = Hub(
            make_broker(settings.redis_url),
            db.sessionmaker,
            self.authorize,
            authorize_many=self.authorize_many,
            presence=RedisPresence(redis) if redis is not None else MemoryPresence(),
            presence_prefixes=PRESENCE_PREFIXES,
            on_presence=self.presence_changed,
            publish_after_commit=not settings.fault_skip_publish,
            retention=Retention(
                keep=timedelta(days=settings.live_keep_days),
                per_channel=settings.live_keep_events,
            ),
        )
        publish_after_commit(db.sync_session_class, self.hub.committed)
        self.endpoint = LiveEndpoint(self.hub, identify=identify, same_origin=socket_origin_ok)

    async def authorize(self, ws: WebSocket, channel: str) -> str | None:
        return (await self.authorize_many(ws, [channel])).get(channel)

    async def authorize_many(self, ws: WebSocket, channels: list[str]) -> dict[str, str]:
        """The channels the socket may hear, each with the audience it hears it as (the
        socket's language and the user's role there), all checked in one database session:
        the area that declared each kind decides, kind after kind."""
        visitor = ws.scope["state"]["visitor"]
        checks = sorted(filter(None, map(_declared, channels)))
        if visitor.user is None or not checks:
            return {}
        heard = {}
        async with self.db.session() as session:
            for kind, ident, channel in checks:
                declared = CHANNELS[kind]
                with contextlib.suppress(NotFound):
                    if await declared.authorize(session, visitor.user, ident):
                        role = (
                            await declared.role(session, visitor.user, ident)
                            if declared.role
                            else ""
                        )
                        heard[channel] = audience(visitor.locale, role)
        return heard

    async def who_is_here(self, iteration_id: int) -> list[str]:
        return await self.who_is_here_in(trainings.live_channel(iteration_id))

    async def who_is_here_in(self, channel: str) -> list[str]:
        try:
            ids = await self.hub.presence.members(channel)
        except (RedisError, OSError):
            return []  # Redis is down: nobody shown rather than no page
        if not ids:
            return []
        wanted = [i for i in map(parsing.ident, ids) if i is not None]
        async with self.db.session() as session:
            names = await session.exec(select(User.display_name).where(col(User.id).in_(wanted)))
            return sorted(names.all())

    async def is_online(self, user_id: int) -> bool:
        try:
            return bool(await self.hub.presence.members(f"user:{user_id}"))
        except (RedisError, OSError):
            return False

    async def presence_changed(self, channel: str) -> None:
        kind, _sep, ident = channel.partition(":")
        declared = CHANNELS.get(kind)
        if declared is None or declared.presence is None:
            return
        template, key = declared.presence
        context = {key: int(ident), "here": await self.who_is_here_in(channel), "oob": True}
        await self.hub.publish_ephemeral(channel, render_block(template, "presence", context))

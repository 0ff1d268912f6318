"""Who a session cookie belongs to, remembered between requests, forgotten the moment the
session or its person changes.

Every request and socket names its session; reading the session and the person from the
database each time was most of a page's cost. Each process keeps what it read, and checks a
*stamp* per person before using it: any change to a person's row or to one of their sessions
(sign-out, a new role, a new name) renews that person's stamp once committed, before the
change's response leaves, so no process serves the old state one request longer.

With Redis (several processes) the stamps live there: a check is one GET, much cheaper than
the two database reads it replaces. Without Redis the app is one process, and the stamps are a
dict in it.
"""

from __future__ import annotations

import logging
import secrets
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy import event
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from community.accounts import session_id
from community.models import User, WebSession, utcnow

# Bounds how long an entry may live whatever its stamp says, and so how long a stamp must be
# kept: an entry older than this is read again.
MAX_AGE_S = 60
MAX_ENTRIES = 20_000
log = logging.getLogger(__name__)

CHANGED = "users_changed"  # Session.info key: people whose row or sessions a flush changed


class Stamps(Protocol):
    async def get(self, user_id: int) -> str: ...

    async def renew(self, user_ids: set[int]) -> None: ...


class LocalStamps:
    """One process: the stamps are its own."""

    def __init__(self) -> None:
        self._stamps: dict[int, str] = {}

    async def get(self, user_id: int) -> str:
        return self._stamps.get(user_id, "")

    async def renew(self, user_ids: set[int]) -> None:
        for user_id in user_ids:
            self._stamps[user_id] = secrets.token_hex(8)


class RedisStamps:
    """Several processes: the stamps are shared. A random value rather than a counter, so that
    a Redis that lost its data cannot hand an old value back."""

    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    @staticmethod
    def _key(user_id: int) -> str:
        return f"ruche:user-stamp:{user_id}"

    async def get(self, user_id: int) -> str:
        value = await self._redis.get(self._key(user_id))
        return value.decode() if isinstance(value, bytes) else (value or "")

    async def renew(self, user_ids: set[int]) -> None:
        async with self._redis.pipeline(transaction=False) as pipe:
            for user_id in user_ids:
                pipe.set(self._key(user_id), secrets.token_hex(8), ex=2 * MAX_AGE_S)
            await pipe.execute()


@dataclass(frozen=True)
class _Entry:
    user: dict[str, Any]  # the person's columns, as read
    session_expires: datetime
    stamp: str
    read_at: float

    def usable(self, stamp: str) -> bool:
        fresh = time.monotonic() - self.read_at < MAX_AGE_S
        return stamp == self.stamp and fresh and self.session_expires > utcnow()


def _detached(values: dict[str, Any]) -> User:
    """A copy per request, as a row read by a session that has closed: views may change or
    add it to their own session without touching what other requests see."""
    user = User.model_validate(values)
    make_transient_to_detached(user)
    return user


class SessionCache:
    def __init__(self, stamps: Stamps) -> None:
        self.stamps = stamps
        self._entries: dict[str, _Entry] = {}

    async def user(self, db: AsyncSession, token: str) -> User | None:
        key = session_id(token)
        entry = self._entries.get(key)
        try:
            if entry is not None and entry.usable(await self.stamps.get(entry.user["id"])):
                return _detached(entry.user)
            return await self._read(db, key)
        except (RedisError, OSError):
            self._entries.pop(key, None)
            return await _valid_user(db, key)  # Redis is down: the database alone decides

    async def _read(self, db: AsyncSession, key: str) -> User | None:
        """The session and person read after their stamp: a change committed after this read
        renews the stamp after it, and the next request sees it."""
        self._entries.pop(key, None)
        owner = select(WebSession.user_id).where(WebSession.id == key)
        user_id = (await db.exec(owner)).first()
        if user_id is None:
            return None
        stamp = await self.stamps.get(user_id)
        row = await _valid_row(db, key)
        if row is None:
            return None
        session, user = row
        if len(self._entries) >= MAX_ENTRIES:
            self._entries.pop(next(iter(self._entries)))
        values = user.model_dump()
        self._entries[key] = _Entry(values, session.expires_at, stamp, time.monotonic())
        return _detached(values)

    async def closed(self, info: dict[str, Any]) -> None:
        """A database session is over: whoever it changed is read again everywhere."""
        changed = info.pop(CHANGED, None)
        if not changed:
            return
        try:
            await self.stamps.renew(changed)
        except (RedisError, OSError):
            # The change is committed; failing its response would not undo it. Processes
            # read the database while Redis is unreachable; one that reaches it again after
            # this loss may keep these people's old state for up to MAX_AGE_S.
            log.error("session stamps not renewed for %d people: Redis unreachable", len(changed))


async def _valid_row(db: AsyncSession, key: str) -> tuple[WebSession, User] | None:
    """The session and its person, in one query, unless the session was ended or is over."""
    # populate_existing: the request's session may hold an older copy of the same rows.
    row = (
        await db.exec(
            select(WebSession, User)
            .join(User, User.id == WebSession.user_id)  # type: ignore[arg-type]
            .where(WebSession.id == key)
            .execution_options(populate_existing=True)
        )
    ).first()
    if row is None or row[0].revoked_at is not None or row[0].expires_at <= utcnow():
        return None
    return row[0], row[1]


async def _valid_user(db: AsyncSession, key: str) -> User | None:
    row = await _valid_row(db, key)
    return row[1] if row else None


def track_changes(session_class: type[Session]) -> None:
    """Note, in each session, the people whose row or sessions a flush changed or deleted.
    A rollback after it only renews a stamp for nothing: one more read, never a stale one."""

    def flushed(session: Session, _context: object) -> None:
        changed: set[int] = session.info.setdefault(CHANGED, set())
        for row in (*session.dirty, *session.deleted):
            if isinstance(row, User) and row.id is not None:
                changed.add(row.id)
            elif isinstance(row, WebSession):
                changed.add(row.user_id)

    event.listen(session_class, "after_flush", flushed)

"""Single-use links sent by mail: a random token in the link, only its hash stored."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community.database import lock
from community.models import MailToken, User, utcnow

RESET = "reset"
CONFIRM = "confirm"


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(db: AsyncSession, user: User, purpose: str, lifetime: timedelta) -> str:
    """A new link's token, for the address the account has now."""
    assert user.id is not None
    token = secrets.token_hex(16)
    now = utcnow()
    db.add(
        MailToken(
            id=digest(token),
            user_id=user.id,
            purpose=purpose,
            address=user.email,
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    return token


async def _usable(db: AsyncSession, row: MailToken | None, purpose: str) -> User | None:
    if row is None or row.purpose != purpose or row.used_at or row.expires_at <= utcnow():
        return None
    user = await db.get(User, row.user_id)
    # An address changed since, or an erased account, makes the link worthless.
    if user is None or user.erased_at is not None or user.email != row.address:
        return None
    return user


async def valid(db: AsyncSession, token: str, purpose: str) -> bool:
    """Whether the link still works, for the page it opens (which writes nothing)."""
    return await _usable(db, await db.get(MailToken, digest(token)), purpose) is not None


async def retire(db: AsyncSession, user: User, purpose: str) -> None:
    """Every link of this kind still out for the person stops working (a password changed:
    an older reset link must not change it again)."""
    outstanding = select(MailToken).where(
        MailToken.user_id == user.id,
        MailToken.purpose == purpose,
        col(MailToken.used_at).is_(None),
    )
    for row in (await db.exec(outstanding)).all():
        row.used_at = utcnow()
        db.add(row)


async def use(db: AsyncSession, token: str, purpose: str) -> User | None:
    """The link's account, the link now used; None when it was used, expired or never was.
    The row is locked first: of two clicks at once, the second finds it used."""
    row = await lock(db, MailToken, digest(token))
    user = await _usable(db, row, purpose)
    if row is None or user is None:
        return None
    row.used_at = utcnow()
    db.add(row)
    return user

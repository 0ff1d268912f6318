"""The notification centre: what happened for me, with a live unread counter."""

from __future__ import annotations

from sqlalchemy import func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

import realtime
from community.models import Notification, utcnow
from community.templating import render_block

PAGE = 30


def channel(user_id: int) -> str:
    return f"user:{user_id}"


async def unread(db: AsyncSession, user_id: int) -> int:
    query = select(func.count(col(Notification.id))).where(
        Notification.user_id == user_id, col(Notification.read_at).is_(None)
    )
    return (await db.exec(query)).one()


def badge(user_id: int, count: int, *, oob: bool) -> str:
    return render_block("base.html", "badge", {"badge_user": user_id, "unread": count, "oob": oob})


async def notify(db: AsyncSession, user_id: int, kind: str, subject: str, link: str) -> None:
    """Add a notification in the caller's transaction; open pages update their counter."""
    db.add(Notification(user_id=user_id, kind=kind, subject=subject, link=link))
    await db.flush()

    async def current_badge() -> str:
        return badge(user_id, await unread(db, user_id), oob=True)

    await realtime.append(db, channel(user_id), current_badge)


async def latest(db: AsyncSession, user_id: int) -> list[Notification]:
    query = (
        select(Notification)
        .where(Notification.user_id == user_id)
        .order_by(col(Notification.id).desc())
        .limit(PAGE)
    )
    return list(await db.exec(query))


async def mark_all_read(db: AsyncSession, user_id: int) -> None:
    """Everything shown is read: open pages of this person clear their counter."""
    connection = await db.connection()
    await connection.execute(
        update(Notification)
        .where(col(Notification.user_id) == user_id, col(Notification.read_at).is_(None))
        .values(read_at=utcnow())
    )

    async def current_badge() -> str:
        return badge(user_id, 0, oob=True)

    await realtime.append(db, channel(user_id), current_badge)

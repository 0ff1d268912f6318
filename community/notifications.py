"""The notification centre: what happened for me, with a live unread counter."""

from __future__ import annotations

from sqlalchemy import func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

import realtime
from community.models import Notification, User, utcnow
from community.templating import refetch_nudge, render_block
from realtime.log import channels

PAGE = 30
# The home's region of what is due (templates/home.html): an open home fetches it again on
# every notification of its person, which is rendered for them alone.
HOME_REGION = "home-now"
# Between the parts of a subject that names more than one thing (who, and where): the unit
# separator, which no name or title holds (forms refuse control characters).
PART = "\x1f"


def subject_of(*parts: str) -> str:
    """A subject in several parts, each shown apart (`areas.notification_text`)."""
    return PART.join(parts)


def channel(user_id: int) -> str:
    return f"user:{user_id}"


async def unread(db: AsyncSession, user_id: int) -> int:
    query = select(func.count(col(Notification.id))).where(
        Notification.user_id == user_id, col(Notification.read_at).is_(None)
    )
    return (await db.exec(query)).one()


async def header(db: AsyncSession, user_id: int) -> tuple[int, int]:
    """The unread count and the seq of the person's channel, for every page's header, in
    one query."""
    unread = select(func.count(col(Notification.id))).where(
        Notification.user_id == user_id, col(Notification.read_at).is_(None)
    )
    seq = select(channels.c.last_seq).where(channels.c.name == channel(user_id))
    row = (await db.exec(select(unread.scalar_subquery(), seq.scalar_subquery()))).one()
    return row[0], row[1] or 0


def badge(user_id: int, count: int, *, oob: bool) -> str:
    return render_block("base.html", "badge", {"badge_user": user_id, "unread": count, "oob": oob})


async def notify(db: AsyncSession, user_id: int, kind: str, subject: str, link: str) -> None:
    """Add a notification in the caller's transaction; open pages update their counter.
    A deleted account is told nothing: its notifications went with it."""
    person = await db.get(User, user_id)
    if person is None or person.erased_at is not None:
        return
    db.add(Notification(user_id=user_id, kind=kind, subject=subject, link=link))
    await db.flush()

    async def current_badge() -> str:
        counter = badge(user_id, await unread(db, user_id), oob=True)
        return counter + refetch_nudge(HOME_REGION, "/")

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


async def forget_name(db: AsyncSession, name: str) -> None:
    """A deleted account's name leaves the notifications of others: a subject that is exactly
    that name (someone joined, offered help, thanked…) becomes empty, and reads "former
    member" (`templating.shown_name`)."""
    connection = await db.connection()
    await connection.execute(
        update(Notification).where(col(Notification.subject) == name).values(subject="")
    )
    # A subject that starts with the name (who mentioned someone, and where) keeps the rest.
    subject = col(Notification.subject)
    await connection.execute(
        update(Notification)
        .where(subject.startswith(name + PART, autoescape=True))
        .values(subject=func.substr(subject, len(name) + 1))
    )

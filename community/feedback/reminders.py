"""What a learner still has to answer, gentle reminders, and what they answered already."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import notifications
from community.database import insert_once, lock
from community.feedback.answers import WINDOW
from community.models import (
    CourseSession,
    Enrolment,
    EnrolmentRole,
    FeedbackReceipt,
    FeedbackReminder,
    Iteration,
    Training,
    User,
    utcnow,
)

REMINDERS_PER_WEEK = 3


@dataclass(frozen=True)
class Pending:
    session: CourseSession
    iteration: Iteration
    training: Training


async def pending(db: AsyncSession, user: User, now: datetime | None = None) -> list[Pending]:
    """Sessions of the learner's groups that are over, still open, and not answered yet;
    not those over before they joined (`permissions.can_rate_session`)."""
    now = now or utcnow()
    answered = select(FeedbackReceipt.session_id).where(FeedbackReceipt.user_id == user.id)
    rows = await db.exec(
        select(CourseSession, Iteration, Training)
        .join(Iteration, col(Iteration.id) == CourseSession.iteration_id)
        .join(Training, col(Training.id) == Iteration.training_id)
        .join(Enrolment, col(Enrolment.iteration_id) == Iteration.id)
        .where(
            Enrolment.user_id == user.id,
            Enrolment.role == EnrolmentRole.LEARNER,
            col(CourseSession.ends_at) <= now,
            col(CourseSession.ends_at) >= now - WINDOW,
            col(CourseSession.ends_at) > Enrolment.created_at,
            col(CourseSession.id).not_in(answered),
        )
        .order_by(col(CourseSession.ends_at).desc())
    )
    return [Pending(*row) for row in rows]


async def remind(
    db: AsyncSession, user: User, now: datetime | None = None, waiting: list[Pending] | None = None
) -> int:
    """Notify about pending sessions: once per session, at most a few a week. Written in the
    caller's transaction. `waiting`: what `pending` just found, not to be asked again."""
    now = now or utcnow()
    assert user.id is not None
    if not await _due(db, user, now, waiting):
        return 0  # what most page loads find: nothing to write, no lock taken
    # Pages opened at once would each count the week's reminders and each send up to the
    # limit: the first holds the person's row, the next ones count after it.
    await lock(db, User, user.id)
    sent = 0
    for item in await _due(db, user, now):
        session_id = item.session.id or 0
        reminder = {"session_id": session_id, "user_id": user.id, "sent_at": now}
        if await insert_once(db, FeedbackReminder, **reminder):
            await notifications.notify(
                db, user.id, "feedback", item.session.title, f"/sessions/{session_id}/feedback"
            )
            sent += 1
    return sent


async def _due(
    db: AsyncSession, user: User, now: datetime, waiting: list[Pending] | None = None
) -> list[Pending]:
    """The pending sessions to remind this learner of now: not reminded yet, within what is
    left of the week's allowance. `waiting` is what `pending` found a moment ago, if known."""
    sent = (
        await db.exec(
            select(FeedbackReminder.session_id, FeedbackReminder.sent_at).where(
                FeedbackReminder.user_id == user.id
            )
        )
    ).all()
    reminded = {session_id for session_id, _at in sent}
    recent = sum(1 for _id, at in sent if at > now - WINDOW)
    if waiting is None:
        waiting = await pending(db, user, now)
    fresh = [item for item in waiting if item.session.id not in reminded]
    return fresh[: max(0, REMINDERS_PER_WEEK - recent)]


async def history(db: AsyncSession, user: User) -> list[Pending]:
    """The sessions this learner gave feedback on (not what they said: that is not linked)."""
    rows = await db.exec(
        select(CourseSession, Iteration, Training)
        .join(FeedbackReceipt, col(FeedbackReceipt.session_id) == CourseSession.id)
        .join(Iteration, col(Iteration.id) == CourseSession.iteration_id)
        .join(Training, col(Training.id) == Iteration.training_id)
        .where(FeedbackReceipt.user_id == user.id)
        .order_by(col(CourseSession.starts_at).desc())
    )
    return [Pending(*row) for row in rows]

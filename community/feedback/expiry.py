"""What feedback forgets once a session's window has closed (the retention job runs these).

A receipt exists so that a learner answers once and is reminded only of what they have not
answered; both questions end with the window (answers.py refuses a closed session, reminders
ask only about open ones), so the receipts of a closed session name people for nothing. The
response rates do not read receipts (review.py counts the anonymous answers), so no figure
moves when they go. A reminder is kept a week past its sending as well: the weekly allowance
(`reminders.REMINDERS_PER_WEEK`) counts the reminders of the last seven days.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from community.feedback.answers import WINDOW
from community.models import CourseSession, FeedbackReceipt, FeedbackReminder
from community.settings import Settings


def _closed(now: datetime) -> SelectOfScalar[int | None]:
    """The sessions whose feedback window closed before `now` (`answers.is_open`)."""
    return select(col(CourseSession.id)).where(col(CourseSession.ends_at) < now - WINDOW)


async def forget_receipts(db: AsyncSession, now: datetime, _settings: Settings) -> int:
    statement = delete(FeedbackReceipt).where(col(FeedbackReceipt.session_id).in_(_closed(now)))
    result = await (await db.connection()).execute(statement)
    return result.rowcount or 0


async def forget_reminders(db: AsyncSession, now: datetime, _settings: Settings) -> int:
    statement = delete(FeedbackReminder).where(
        col(FeedbackReminder.session_id).in_(_closed(now)),
        col(FeedbackReminder.sent_at) < now - WINDOW,
    )
    result = await (await db.connection()).execute(statement)
    return result.rowcount or 0

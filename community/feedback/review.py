"""What the group's trainers and staff do with feedback: response rates, comments to review,
and what the group's page shows of it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import and_, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import forms, permissions
from community.errors import Forbidden, NotFound
from community.feedback.answers import is_open
from community.i18n import _
from community.models import (
    CommentStatus,
    CourseSession,
    Enrolment,
    EnrolmentRole,
    FeedbackAnswer,
    FeedbackPending,
    User,
    utcnow,
)
from community.trainings import IterationView, sessions_of

DECISIONS = (CommentStatus.PUBLISHED, CommentStatus.PRIVATE, CommentStatus.DELETED)


def decisions() -> list[tuple[CommentStatus, str]]:
    """What a reviewer may do with a comment, in the reader's language."""
    labels = {
        CommentStatus.PUBLISHED: _("Publish"),
        CommentStatus.PRIVATE: _("Keep private"),
        CommentStatus.DELETED: _("Delete"),
    }
    return [(decision, labels[decision]) for decision in DECISIONS]


async def response_rates(db: AsyncSession, iteration_id: int) -> dict[int, tuple[int, int]]:
    """Per session: how many learners answered, out of how many were in the group by its
    end (those who joined later were never asked). Counts only, never who."""
    enrolled = await db.exec(
        select(CourseSession.id, func.count(col(Enrolment.id)))
        .outerjoin(
            Enrolment,
            and_(
                col(Enrolment.iteration_id) == CourseSession.iteration_id,
                col(Enrolment.role) == EnrolmentRole.LEARNER,
                col(Enrolment.created_at) < CourseSession.ends_at,
            ),
        )
        .where(CourseSession.iteration_id == iteration_id)
        .group_by(col(CourseSession.id))
    )
    learners = dict(enrolled.all())
    answered = await _answers_per_session(db, iteration_id)
    return {
        session_id or 0: (answered.get(session_id or 0, 0), count)
        for session_id, count in learners.items()
    }


async def _answers_per_session(db: AsyncSession, iteration_id: int) -> Counter[int]:
    """One per person who answered, counted from the anonymous answers, not from the
    receipts that name them: those go once the window closes (feedback/expiry.py) and the
    figures stay. An answer still waiting for the mixer counts too, unless it edits one
    already mixed (same edit hash): a receipt always comes with exactly one of the two."""
    sessions = select(CourseSession.id).where(CourseSession.iteration_id == iteration_id)
    mixed = await db.exec(
        select(FeedbackAnswer.session_id, func.count())
        .where(col(FeedbackAnswer.session_id).in_(sessions))
        .group_by(col(FeedbackAnswer.session_id))
    )
    edits = select(FeedbackAnswer.edit_hash).where(col(FeedbackAnswer.edit_hash).is_not(None))
    waiting = await db.exec(
        select(FeedbackPending.session_id, func.count())
        .where(
            col(FeedbackPending.session_id).in_(sessions),
            col(FeedbackPending.edit_hash).not_in(edits),
        )
        .group_by(col(FeedbackPending.session_id))
    )
    return Counter(dict(mixed.all())) + Counter(dict(waiting.all()))


async def rates_for(
    db: AsyncSession, user: User, view: IterationView
) -> dict[int, tuple[int, int]]:
    """The group's response rates, for those who may see them; nothing for anyone else."""
    if not permissions.can_see_response_rates(user, view.facts):
        return {}
    return await response_rates(db, view.iteration.id or 0)


@dataclass(frozen=True)
class OnGroupPage:
    """What the group's page shows of feedback, for this reader."""

    can_give: bool
    can_see_rates: bool
    rates: dict[int, tuple[int, int]]
    open_sessions: set[int]  # open, and this reader's to rate


async def on_group_page(db: AsyncSession, user: User, view: IterationView) -> OnGroupPage:
    now = utcnow()
    sessions = await sessions_of(db, view.iteration)
    return OnGroupPage(
        can_give=permissions.can_give_feedback(user, view.facts),
        can_see_rates=permissions.can_see_response_rates(user, view.facts),
        rates=await rates_for(db, user, view),
        open_sessions={
            s.id or 0
            for s in sessions
            if is_open(s, now) and permissions.can_rate_session(user, view.facts, s.ends_at)
        },
    )


async def comments_to_review(
    db: AsyncSession, user: User, view: IterationView
) -> list[tuple[FeedbackAnswer, CourseSession]]:
    """The group's comments waiting for a decision; the queue is its reviewers' alone."""
    if not permissions.can_review_comments(user, view.facts):
        raise NotFound
    rows = await db.exec(
        select(FeedbackAnswer, CourseSession)
        .join(CourseSession, col(CourseSession.id) == FeedbackAnswer.session_id)
        .where(
            CourseSession.iteration_id == view.iteration.id,
            FeedbackAnswer.comment_status == CommentStatus.PENDING,
        )
        .order_by(col(CourseSession.starts_at))
    )
    return list(rows)


async def review(
    db: AsyncSession, user: User, view: IterationView, answer_id: str, decision: str
) -> None:
    """Publish, keep private or delete a comment. The text itself is never changed."""
    if not permissions.can_review_comments(user, view.facts):
        raise Forbidden
    answer = await db.get(FeedbackAnswer, answer_id)
    session = await db.get(CourseSession, answer.session_id) if answer else None
    if answer is None or session is None or session.iteration_id != view.iteration.id:
        raise NotFound
    if decision not in DECISIONS:
        raise forms.FormError({"decision": _("Choose one of the options.")})
    answer.comment_status = CommentStatus(decision)
    db.add(answer)
    await db.flush()

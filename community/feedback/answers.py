"""Answering: a learner rates a session in fifteen seconds, and may change it from the same
browser until the feedback window closes.

Who answered (FeedbackReceipt) and what was answered (FeedbackAnswer, FeedbackRating) are
never linked: answers have a random id, the day only, no user. The learner's browser keeps
its answer's id in a cookie, which is what lets it edit the answer; the server never stores
that link.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import IntEnum

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

import realtime
from community import forms, permissions
from community.database import insert_for, insert_once
from community.errors import Forbidden, NotFound
from community.feedback.criteria import dimension_name, dimensions_of
from community.i18n import _
from community.models import (
    CommentStatus,
    CourseSession,
    FeedbackAggregate,
    FeedbackAnswer,
    FeedbackDimension,
    FeedbackRating,
    FeedbackReceipt,
    User,
    utcnow,
)
from community.moments import shifted
from community.templating import refetch_nudge
from community.trainings import IterationView, iteration_view

WINDOW = timedelta(days=7)  # after a session ends, learners may still answer for a week
COMMENT = forms.Text("comment", max_length=1000, required=False, multiline=True)


class Rating(IntEnum):
    """The one scale learners use, for the session overall and for each criterion."""

    VERY_BAD = 1
    BAD = 2
    FAIR = 3
    GOOD = 4
    VERY_GOOD = 5

    @property
    def label(self) -> str:
        return {
            Rating.VERY_BAD: _("very bad"),
            Rating.BAD: _("bad"),
            Rating.FAIR: _("fair"),
            Rating.GOOD: _("good"),
            Rating.VERY_GOOD: _("very good"),
        }[self]


RATINGS = {str(rating.value): rating for rating in Rating}


@dataclass(frozen=True)
class SessionView:
    session: CourseSession
    group: IterationView

    @property
    def closes_at(self) -> datetime:
        return shifted(self.session.ends_at, WINDOW)

    def is_open(self, now: datetime) -> bool:
        return is_open(self.session, now)

    def joined_after(self, user: User) -> bool:
        """The session was over before this learner joined the group: not theirs to rate."""
        facts = self.group.facts
        return not permissions.can_rate_session(user, facts, self.session.ends_at)


def is_open(session: CourseSession, now: datetime) -> bool:
    """Feedback opens when the session starts and closes a week after it ends."""
    return session.starts_at <= now <= shifted(session.ends_at, WINDOW)


async def session_view(db: AsyncSession, user: User | None, session_id: int) -> SessionView:
    session = await db.get(CourseSession, session_id)
    if session is None:
        raise NotFound
    return SessionView(session, await iteration_view(db, user, session.iteration_id))


@dataclass(frozen=True)
class Form:
    """What the feedback form shows: the criteria, and what this browser answered, if it did."""

    view: SessionView
    dimensions: list[tuple[int, str]]
    values: dict[str, str]
    edited: bool


async def form(db: AsyncSession, user: User, session_id: int, answer_id: str | None) -> Form:
    """The session's form, for its group's learners; nobody else has one to see."""
    view = await session_view(db, user, session_id)
    if not permissions.can_give_feedback(user, view.group.facts):
        raise NotFound
    dimensions = await dimensions_of(db, view.group.training.id or 0)
    values: dict[str, str] = {}
    mine = await _answer_of(db, answer_id, view.session.id or 0)
    if mine is not None:
        ratings = await db.exec(select(FeedbackRating).where(FeedbackRating.answer_id == mine.id))
        values = {f"d{r.dimension_id}": str(r.value) for r in ratings}
        values["comment"] = mine.comment
    named = [(d.id or 0, dimension_name(d)) for d in dimensions]
    return Form(view, named, values, edited=mine is not None)


async def _answer_of(
    db: AsyncSession, answer_id: str | None, session_id: int
) -> FeedbackAnswer | None:
    answer = await db.get(FeedbackAnswer, answer_id) if answer_id else None
    return answer if answer is not None and answer.session_id == session_id else None


async def submit(
    db: AsyncSession,
    user: User,
    view: SessionView,
    data: dict[str, str],
    *,
    answer_id: str | None = None,
    now: datetime | None = None,
) -> str:
    """Record or edit this learner's feedback; returns the answer id for the browser to keep."""
    if not permissions.can_give_feedback(user, view.group.facts):
        raise Forbidden
    now = now or utcnow()
    if view.joined_after(user):
        raise forms.FormError(
            {"ratings": _("You joined the group after this session: it is not yours to rate.")},
            data,
        )
    if not view.is_open(now):
        raise forms.FormError({"ratings": _("Feedback on this session is closed.")}, data)
    dimensions = await dimensions_of(db, view.group.training.id or 0)
    ratings, comment = _parse(dimensions, data)
    session_id = view.session.id
    assert session_id is not None and user.id is not None
    existing = await _answer_of(db, answer_id, session_id)
    if existing is not None and await _answered(db, user.id, session_id):
        answer = existing
    elif await insert_once(db, FeedbackReceipt, session_id=session_id, user_id=user.id):
        answer = FeedbackAnswer(id=secrets.token_hex(16), session_id=session_id, day=now.date())
    else:  # answered already, even a moment ago, from a browser that alone may edit it
        raise forms.FormError(
            {"ratings": _("You already gave your feedback on this session.")}, data
        )
    await _write(db, answer, ratings, comment, now)
    await refresh_reports(db, view.group.iteration.id or 0)
    return answer.id


def _parse(dimensions: list[FeedbackDimension], data: dict[str, str]) -> tuple[dict[int, int], str]:
    ratings: dict[int, int] = {}
    errors: dict[str, str] = {}
    for dimension in dimensions:
        # One tap on the overall scale rates every criterion the learner did not detail.
        raw = data.get(f"d{dimension.id}") or data.get("overall", "")
        if raw in RATINGS:
            ratings[dimension.id or 0] = RATINGS[raw].value
        else:
            errors[f"d{dimension.id}"] = _("Choose a rating from 1 to 5.")
    comment = ""
    try:
        comment = COMMENT.clean(data.get("comment", ""))
    except ValueError as exc:
        errors["comment"] = str(exc)
    if errors:
        raise forms.FormError(errors, data)
    return ratings, comment


async def _answered(db: AsyncSession, user_id: int, session_id: int) -> bool:
    query = select(FeedbackReceipt.id).where(
        FeedbackReceipt.session_id == session_id, FeedbackReceipt.user_id == user_id
    )
    return (await db.exec(query)).first() is not None


async def _write(
    db: AsyncSession, answer: FeedbackAnswer, ratings: dict[int, int], comment: str, now: datetime
) -> None:
    if comment != answer.comment:
        answer.comment = comment
        answer.comment_status = CommentStatus.PENDING if comment else CommentStatus.NONE
    answer.day = now.date()
    db.add(answer)
    await db.flush()
    for dimension_id, value in ratings.items():
        rating = await db.get(FeedbackRating, (answer.id, dimension_id))
        if rating is None:
            rating = FeedbackRating(answer_id=answer.id, dimension_id=dimension_id, value=0)
        await _count(db, answer.session_id, dimension_id, rating.value or None, value)
        rating.value = value
        db.add(rating)
    await db.flush()


async def _count(
    db: AsyncSession, session_id: int, dimension_id: int, old: int | None, new: int
) -> None:
    """Keep the running totals in step with the answer, in the same transaction."""
    change = {
        "count": 0 if old else 1,
        "total": new - (old or 0),
        "total_sq": new * new - (old or 0) ** 2,
        f"h{new}": 1,
    }
    if old:
        change[f"h{old}"] = change.get(f"h{old}", 0) - 1
    statement = (
        insert_for(db, FeedbackAggregate)
        .values(session_id=session_id, dimension_id=dimension_id, **change)
        .on_conflict_do_update(
            index_elements=["session_id", "dimension_id"],
            set_={name: getattr(FeedbackAggregate, name) + delta for name, delta in change.items()},
        )
    )
    connection = await db.connection()
    await connection.execute(statement)


async def refresh_reports(db: AsyncSession, iteration_id: int) -> None:
    """Open report pages of the group fetch their figures again: each reader's own, which
    the thresholds still govern, so no figure is pushed."""
    url = f"/reports/iterations/{iteration_id}"
    nudge = refetch_nudge(f"report-live-{iteration_id}", url)
    await realtime.append(db, report_channel(iteration_id), nudge)


def report_channel(iteration_id: int) -> str:
    return f"report:{iteration_id}"

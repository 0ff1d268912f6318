"""Answering: a learner rates a session in fifteen seconds, and may change it from the same
browser until the feedback window closes.

Who answered (FeedbackReceipt) and what was answered are never linked: the request writes
the receipt and a pending row; the answer itself (FeedbackAnswer, FeedbackRating) is written
later by the mixer (feedback/mixer.py), in a shuffled batch of at least k, in a transaction
that holds nothing about people. The learner's browser keeps a random edit token, which is
what lets it edit the answer; the database holds only the token's hash.
"""

from __future__ import annotations

import hashlib
import json
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
from community.feedback.criteria import dimension_name, session_dimensions
from community.i18n import _
from community.models import (
    CourseSession,
    FeedbackAnswer,
    FeedbackDimension,
    FeedbackPending,
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
    answered: bool  # from this browser or not: a learner answers once


def new_edit_token() -> str:
    return secrets.token_urlsafe(32)


def edit_hash(token: str) -> str:
    # Only the hash is stored: the token itself never leaves the author's browser.
    return hashlib.sha256(token.encode()).hexdigest()


async def form(db: AsyncSession, user: User, session_id: int, token: str | None) -> Form:
    """The session's form, for its group's learners; nobody else has one to see."""
    view = await session_view(db, user, session_id)
    if not permissions.can_give_feedback(user, view.group.facts):
        raise NotFound
    dimensions = await session_dimensions(db, view.session, view.group.training.id or 0)
    mine = await _own_answer(db, token, view.session.id or 0)
    named = [(d.id or 0, dimension_name(d)) for d in dimensions]
    answered = await _answered(db, user.id or 0, view.session.id or 0)
    return Form(view, named, mine or {}, edited=mine is not None, answered=answered)


async def _own_answer(
    db: AsyncSession, token: str | None, session_id: int
) -> dict[str, str] | None:
    """What the holder of this token answered, as form values: its latest edit if one
    waits to be mixed, else the mixed answer."""
    if not token:
        return None
    key = edit_hash(token)
    pending = await db.get(FeedbackPending, key)
    if pending is not None and pending.session_id == session_id:
        values = {f"d{d}": str(v) for d, v in json.loads(pending.ratings).items()}
        return values | {"comment": pending.comment}
    query = select(FeedbackAnswer).where(
        FeedbackAnswer.edit_hash == key, FeedbackAnswer.session_id == session_id
    )
    answer = (await db.exec(query)).first()
    if answer is None:
        return None
    ratings = await db.exec(select(FeedbackRating).where(FeedbackRating.answer_id == answer.id))
    return {f"d{r.dimension_id}": str(r.value) for r in ratings} | {"comment": answer.comment}


async def submit(
    db: AsyncSession,
    user: User,
    view: SessionView,
    data: dict[str, str],
    *,
    token: str | None = None,
    now: datetime | None = None,
) -> str:
    """Record or edit this learner's feedback; returns the edit token for the browser to keep.

    Nothing is written to the answers here: the answer (or the edit) waits in
    feedback_pending, keyed by the token's hash, until the mixer takes it in a batch."""
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
    dimensions = await session_dimensions(db, view.session, view.group.training.id or 0)
    ratings, comment = _parse(dimensions, data)
    session_id = view.session.id
    assert session_id is not None and user.id is not None
    if token is None or not await _edits(db, user.id, token, session_id):
        if not await insert_once(db, FeedbackReceipt, session_id=session_id, user_id=user.id):
            # Answered already, even a moment ago, from a browser that alone may edit it.
            raise forms.FormError(
                {"ratings": _("You already gave your feedback on this session.")}, data
            )
        token = new_edit_token()
    await _wait_for_mixing(db, edit_hash(token), session_id, ratings, comment)
    return token


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


async def _edits(db: AsyncSession, user_id: int, token: str, session_id: int) -> bool:
    """Whether this learner, who answered, holds the token of an answer to this session."""
    answered = await _answered(db, user_id, session_id)
    return answered and await _own_answer(db, token, session_id) is not None


async def _wait_for_mixing(
    db: AsyncSession, key: str, session_id: int, ratings: dict[int, int], comment: str
) -> None:
    """One pending row per token: a second edit before mixing replaces the first. Should the
    mixer take the row meanwhile, this writes a new one, which it applies as an edit."""
    values = {"ratings": json.dumps(ratings), "comment": comment}
    statement = (
        insert_for(db, FeedbackPending)
        .values(edit_hash=key, session_id=session_id, **values)
        .on_conflict_do_update(index_elements=["edit_hash"], set_=values)
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

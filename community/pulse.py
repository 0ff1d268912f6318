"""The live pulse of a class: anonymous taps and questions, on the trainer's screen at once."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

import realtime
from community import forms, permissions
from community.feedback import SessionView
from community.i18n import _
from community.models import CourseSession, PulseQuestion, PulseTap, PulseVote, User, utcnow
from community.templating import refetch_nudge
from community.trainings import Forbidden

SIGNALS = ("lost", "too_fast", "too_slow", "got_it")
RECENT = timedelta(minutes=5)  # the screen shows the last few minutes of the room
OPEN_MARGIN = timedelta(minutes=30)  # a pulse opens a little before and closes a little after
QUESTION = forms.Text("question", max_length=280)
SHOWN_QUESTIONS = 20


def channel(session_id: int) -> str:
    return f"pulse:{session_id}"


def is_live(view: SessionView, now: datetime) -> bool:
    return is_live_session(view.session, now)


def is_live_session(session: CourseSession, now: datetime) -> bool:
    return session.starts_at - OPEN_MARGIN <= now <= session.ends_at + OPEN_MARGIN


def _check(user: User, view: SessionView, now: datetime) -> int:
    if not permissions.can_give_feedback(user, view.group.facts):
        raise Forbidden
    if not is_live(view, now):
        raise forms.FormError({"pulse": _("The pulse is open only during the session.")})
    assert view.session.id is not None
    return view.session.id


async def counts(db: AsyncSession, session_id: int, now: datetime | None = None) -> dict:
    since = (now or utcnow()) - RECENT
    rows = await db.exec(
        select(PulseTap.signal, func.count(col(PulseTap.id)))
        .where(PulseTap.session_id == session_id, col(PulseTap.created_at) >= since)
        .group_by(col(PulseTap.signal))
    )
    found = dict(rows.all())
    return {signal: found.get(signal, 0) for signal in SIGNALS}


async def questions(db: AsyncSession, session_id: int) -> list[PulseQuestion]:
    query = (
        select(PulseQuestion)
        .where(PulseQuestion.session_id == session_id)
        .order_by(col(PulseQuestion.votes).desc(), col(PulseQuestion.created_at))
        .limit(SHOWN_QUESTIONS)
    )
    return list(await db.exec(query))


async def _publish(db: AsyncSession, session_id: int) -> None:
    # Each screen fetches its own view: its labels are in its own language.
    nudge = refetch_nudge(f"pulse-live-{session_id}", f"/sessions/{session_id}/pulse/screen")
    await realtime.append(db, channel(session_id), nudge)
    await db.commit()


async def tap(db: AsyncSession, user: User, view: SessionView, signal: str) -> None:
    session_id = _check(user, view, utcnow())
    if signal not in SIGNALS:
        raise forms.FormError({"pulse": _("Choose one of the options.")})
    db.add(PulseTap(session_id=session_id, signal=signal))
    await db.flush()
    await _publish(db, session_id)


async def ask(db: AsyncSession, user: User, view: SessionView, data: dict[str, str]) -> None:
    session_id = _check(user, view, utcnow())
    text = forms.parse(data, QUESTION)["question"]
    db.add(PulseQuestion(id=secrets.token_hex(16), session_id=session_id, text=text))
    await db.flush()
    await _publish(db, session_id)


async def upvote(db: AsyncSession, user: User, view: SessionView, question_id: str) -> None:
    """One vote per learner and question; voting again changes nothing."""
    session_id = _check(user, view, utcnow())
    question = await db.get(PulseQuestion, question_id)
    if question is None or question.session_id != session_id:
        raise forms.FormError({"pulse": _("This question no longer exists.")})
    assert user.id is not None
    db.add(PulseVote(question_id=question_id, user_id=user.id))
    try:
        await db.flush()
    except IntegrityError:
        await db.rollback()
        return
    # Counted in SQL: two votes at the same moment both count.
    connection = await db.connection()
    await connection.execute(
        update(PulseQuestion)
        .where(col(PulseQuestion.id) == question_id)
        .values(votes=PulseQuestion.votes + 1)
    )
    await _publish(db, session_id)

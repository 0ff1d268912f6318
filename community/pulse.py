"""The live pulse of a class: anonymous taps and questions, on the trainer's screen at once."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

import realtime
from community import forms, permissions
from community.database import insert_once
from community.errors import Forbidden, NotFound
from community.feedback import SessionView, session_view
from community.i18n import _
from community.models import CourseSession, PulseQuestion, PulseTap, PulseVote, User, utcnow
from community.moments import shifted
from community.templating import refetch_nudge
from community.trainings import IterationView, sessions_of

RECENT = timedelta(minutes=5)  # the screen shows the last few minutes of the room
OPEN_MARGIN = timedelta(minutes=30)  # a pulse opens a little before and closes a little after
QUESTION = forms.Text("question", max_length=280)
SHOWN_QUESTIONS = 20


class Signal(StrEnum):
    """What a learner can tell the room's screen with one tap."""

    LOST = "lost"
    TOO_FAST = "too_fast"
    TOO_SLOW = "too_slow"
    GOT_IT = "got_it"

    @property
    def label(self) -> str:
        return {
            Signal.LOST: _("I'm lost"),
            Signal.TOO_FAST: _("Too fast"),
            Signal.TOO_SLOW: _("Too slow"),
            Signal.GOT_IT: _("I got it"),
        }[self]


def channel(session_id: int) -> str:
    return f"pulse:{session_id}"


def is_live_session(session: CourseSession, now: datetime) -> bool:
    opens, closes = shifted(session.starts_at, -OPEN_MARGIN), shifted(session.ends_at, OPEN_MARGIN)
    return opens <= now <= closes


async def live_sessions(db: AsyncSession, view: IterationView) -> set[int]:
    """The group's sessions whose pulse is open now."""
    now = utcnow()
    return {s.id or 0 for s in await sessions_of(db, view.iteration) if is_live_session(s, now)}


async def sender_view(db: AsyncSession, user: User, session_id: int) -> SessionView:
    """The session, for those who tell its pulse; nobody else has that page."""
    view = await session_view(db, user, session_id)
    if not permissions.can_send_pulse(user, view.group.facts):
        raise NotFound
    return view


async def screen_view(db: AsyncSession, user: User, session_id: int) -> SessionView:
    """The session, for those who watch its pulse; nobody else has that screen."""
    view = await session_view(db, user, session_id)
    if not permissions.can_watch_pulse(user, view.group.facts):
        raise NotFound
    return view


@dataclass(frozen=True)
class Screen:
    counts: dict[Signal, int]
    questions: list[PulseQuestion]


async def screen(db: AsyncSession, session_id: int, now: datetime | None = None) -> Screen:
    """The taps of the last few minutes, by signal, and the most backed questions."""
    since = (now or utcnow()) - RECENT
    rows = await db.exec(
        select(PulseTap.signal, func.count(col(PulseTap.id)))
        .where(PulseTap.session_id == session_id, col(PulseTap.created_at) >= since)
        .group_by(col(PulseTap.signal))
    )
    found = dict(rows.all())
    counts = {signal: found.get(signal, 0) for signal in Signal}
    return Screen(counts, await questions(db, session_id))


async def questions(db: AsyncSession, session_id: int) -> list[PulseQuestion]:
    query = (
        select(PulseQuestion)
        .where(PulseQuestion.session_id == session_id)
        .order_by(col(PulseQuestion.votes).desc(), col(PulseQuestion.created_at))
        .limit(SHOWN_QUESTIONS)
    )
    return list(await db.exec(query))


def _open_pulse(user: User, view: SessionView) -> int:
    if not permissions.can_send_pulse(user, view.group.facts):
        raise Forbidden
    if not is_live_session(view.session, utcnow()):
        raise forms.FormError({"pulse": _("The pulse is open only during the session.")})
    assert view.session.id is not None
    return view.session.id


async def _tell_screens(db: AsyncSession, session_id: int) -> None:
    # Each screen fetches its own view: its labels are in its own language.
    nudge = refetch_nudge(f"pulse-live-{session_id}", f"/sessions/{session_id}/pulse/screen")
    await realtime.append(db, channel(session_id), nudge)


async def tap(
    db: AsyncSession, user: User, view: SessionView, data: dict[str, str], *, counted: bool = True
) -> None:
    """A tap on a signal; one the learner already gave within the screen's window is taken
    like any other but not counted again (views/pulse.py decides)."""
    session_id = _open_pulse(user, view)
    signal = data.get("signal", "")
    if signal not in tuple(Signal):
        raise forms.FormError({"pulse": _("Choose one of the options.")})
    if not counted:
        return
    db.add(PulseTap(session_id=session_id, signal=signal))
    await db.flush()
    await _tell_screens(db, session_id)


async def ask(db: AsyncSession, user: User, view: SessionView, data: dict[str, str]) -> None:
    session_id = _open_pulse(user, view)
    text = forms.parse(data, QUESTION)["question"]
    db.add(PulseQuestion(id=secrets.token_hex(16), session_id=session_id, text=text))
    await db.flush()
    await _tell_screens(db, session_id)


async def upvote(db: AsyncSession, user: User, view: SessionView, question_id: str) -> None:
    """One vote per learner and question; voting again changes nothing."""
    session_id = _open_pulse(user, view)
    question = await db.get(PulseQuestion, question_id)
    if question is None or question.session_id != session_id:
        raise forms.FormError({"pulse": _("This question no longer exists.")})
    vote = {"question_id": question_id, "user_id": user.id}
    if not await insert_once(db, PulseVote, **vote):
        return
    # Counted in SQL: two votes at the same moment both count.
    connection = await db.connection()
    await connection.execute(
        update(PulseQuestion)
        .where(col(PulseQuestion.id) == question_id)
        .values(votes=PulseQuestion.votes + 1)
    )
    await _tell_screens(db, session_id)

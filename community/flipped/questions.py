"""Questions and answers before the session: a learner asks about the capsule, the session's
peers and trainers answer, a trainer marks the good answer or hides what should not stay.
Names are shown: it is class discussion, not anonymous feedback. Every write renders the
region once per language and role (learner, trainer) for every open capsule page and board."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

import realtime
from community import forms, parsing, permissions
from community.errors import NotFound
from community.flipped.capsule import Place, allowed, place
from community.i18n import _
from community.models import FlippedQuestion, User
from community.templating import as_event, render_each

TEMPLATE = "flipped/_questions.html"
MOST = 500
ROLES = ("learner", "trainer")


def channel(session_id: int) -> str:
    return f"capsuleqa:{session_id}"


@dataclass(frozen=True)
class Post:
    row: FlippedQuestion
    author: str


@dataclass(frozen=True)
class Thread:
    question: Post
    answers: list[Post] = field(default_factory=list)


async def threads(db: AsyncSession, session_id: int) -> list[Thread]:
    """Every question of the session with its answers, oldest first, hidden ones included
    (the learners' variant leaves them out)."""
    rows = await db.exec(
        select(FlippedQuestion, User.display_name)
        .join(User, col(User.id) == FlippedQuestion.author_id)
        .where(FlippedQuestion.session_id == session_id)
        .order_by(col(FlippedQuestion.id))
    )
    found: dict[int, Thread] = {}
    for row, name in rows:
        if row.parent_id is None:
            found[row.id or 0] = Thread(Post(row, name))
        elif row.parent_id in found:
            found[row.parent_id].answers.append(Post(row, name))
    return list(found.values())


def visible_to(role: str, shown: list[Thread]) -> list[Thread]:
    if role == "trainer":
        return shown
    return [
        Thread(t.question, [a for a in t.answers if not a.row.hidden])
        for t in shown
        if not t.question.row.hidden
    ]


def context(session_id: int, shown: list[Thread], role: str, live_seq: Any = "") -> dict[str, Any]:
    return {"session_id": session_id, "threads": visible_to(role, shown), "role": role,
            "live_seq": live_seq, "oob": live_seq == ""}  # fmt: skip


async def role(db: AsyncSession, user: User, session_id: int) -> str:
    """The role a reader hears the questions in: trainers see what is hidden, and the
    moderation buttons."""
    found = await place(db, user, session_id)
    moderates = permissions.can_moderate_capsule_questions(user, found.group.facts)
    return "trainer" if moderates else "learner"


async def may_hear(db: AsyncSession, user: User, session_id: int) -> bool:
    await allowed(db, user, session_id, permissions.can_answer_about_capsule)
    return True  # else NotFound was raised


async def changed(db: AsyncSession, session_id: int) -> None:
    async def region() -> str:
        shown = await threads(db, session_id)
        return as_event(
            render_each(TEMPLATE, "questions",
                        lambda: {r: context(session_id, shown, r) for r in ROLES})
        )  # fmt: skip

    await realtime.append(db, channel(session_id), region)


async def ask(db: AsyncSession, user: User, session_id: int, data: dict) -> None:
    found = await allowed(db, user, session_id, permissions.can_ask_about_capsule)
    body = _text(data, "question", _("Write your question before sending it."))
    await _post(db, user, found, body, None)


async def answer(db: AsyncSession, user: User, session_id: int, data: dict) -> None:
    found = await allowed(db, user, session_id, permissions.can_answer_about_capsule)
    question = await _question_of(db, found, data.get("question_id"))
    if question.hidden or question.parent_id is not None:
        raise NotFound
    body = _text(data, "answer", _("Write your answer before sending it."))
    await _post(db, user, found, body, question.id)


async def _post(
    db: AsyncSession, user: User, found: Place, body: str, parent_id: int | None
) -> None:
    assert user.id is not None
    db.add(FlippedQuestion(session_id=found.session_id, author_id=user.id,
                           parent_id=parent_id, body=body))  # fmt: skip
    await db.flush()
    await changed(db, found.session_id)


def _text(data: dict, name: str, empty: str) -> str:
    """The text sent, trimmed, or a message that says what to do."""
    raw = str(data.get(name, ""))
    if not raw.strip():
        raise forms.FormError({name: empty}, {name: raw})
    if len(raw.strip()) > MOST:
        message = _("Keep it to %(most)s characters at most (you wrote %(count)s).",
                    most=MOST, count=len(raw.strip()))  # fmt: skip
        raise forms.FormError({name: message}, {name: raw})
    return forms.parse(data, forms.Text(name, max_length=MOST, multiline=True))[name]


async def _question_of(db: AsyncSession, found: Place, raw: object) -> FlippedQuestion:
    row = await db.get(FlippedQuestion, parsing.ident_or_zero(raw))
    if row is None or row.session_id != found.session_id:
        raise NotFound
    return row


async def hide(db: AsyncSession, user: User, session_id: int, data: dict) -> None:
    """Hidden from learners; trainers still see it, marked hidden."""
    found = await allowed(db, user, session_id, permissions.can_moderate_capsule_questions)
    row = await _question_of(db, found, data.get("question_id"))
    row.hidden = True
    db.add(row)
    await db.flush()
    await changed(db, found.session_id)


async def mark_good(db: AsyncSession, user: User, session_id: int, data: dict) -> None:
    """One good answer per question: marking another moves the mark."""
    found = await allowed(db, user, session_id, permissions.can_moderate_capsule_questions)
    row = await _question_of(db, found, data.get("question_id"))
    if row.parent_id is None or row.hidden:
        raise NotFound
    await db.exec(
        update(FlippedQuestion)
        .where(col(FlippedQuestion.parent_id) == row.parent_id)
        .values(good=col(FlippedQuestion.id) == row.id)
    )
    await changed(db, found.session_id)

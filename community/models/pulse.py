"""The live pulse of a session: anonymous taps, questions and votes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from community.models.base import utcnow


class PulseTap(SQLModel, table=True):
    """One tap on the live pulse: which signal, when, never who."""

    __tablename__ = "pulse_tap"

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="course_session.id", index=True)
    signal: str = Field(max_length=16)
    created_at: datetime = Field(default_factory=utcnow, index=True)


class PulseQuestion(SQLModel, table=True):
    __tablename__ = "pulse_question"

    id: str = Field(primary_key=True, max_length=32)
    session_id: int = Field(foreign_key="course_session.id", index=True)
    text: str = Field(max_length=280)
    votes: int = 0
    created_at: datetime = Field(default_factory=utcnow)


class PulseVote(SQLModel, table=True):
    """One vote per learner and question; the question's author is never stored."""

    __tablename__ = "pulse_vote"
    __table_args__ = (UniqueConstraint("question_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    question_id: str = Field(foreign_key="pulse_question.id", index=True, max_length=32)
    user_id: int = Field(foreign_key="user.id")

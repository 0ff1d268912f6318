"""Trainings, their iterations, sessions, enrolments, join codes and announcements."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from community.models.base import utcnow


class TrainingFormat(StrEnum):
    CLASSIC = "classic"
    FLIPPED = "flipped"
    REVERSE_WORK_STUDY = "reverse_work_study"
    OTHER = "other"


class EnrolmentRole(StrEnum):
    LEARNER = "learner"
    TRAINER = "trainer"


class Training(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    provider_id: int = Field(foreign_key="provider.id", index=True)
    title: str = Field(max_length=120)
    description: str = Field(default="", max_length=4000)
    format: str = Field(default=TrainingFormat.CLASSIC, max_length=24)
    created_at: datetime = Field(default_factory=utcnow)


class Iteration(SQLModel, table=True):
    """One run of a training: a cohort, or a version of the training."""

    id: int | None = Field(default=None, primary_key=True)
    training_id: int = Field(foreign_key="training.id", index=True)
    name: str = Field(max_length=120)
    starts_on: date
    ends_on: date
    changes_note: str = Field(default="", max_length=2000)
    # Whether the group's learners may read its feedback results (always above the threshold).
    results_published: bool = False
    # Supports a proposal needs before its author may launch it.
    support_threshold: int = 3
    created_at: datetime = Field(default_factory=utcnow)


class CourseSession(SQLModel, table=True):
    """A dated unit of an iteration (a class, a workshop, a day in the field)."""

    __tablename__ = "course_session"

    id: int | None = Field(default=None, primary_key=True)
    iteration_id: int = Field(foreign_key="iteration.id", index=True)
    title: str = Field(max_length=120)
    starts_at: datetime
    ends_at: datetime


class Enrolment(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("iteration_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    iteration_id: int = Field(foreign_key="iteration.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    role: str = Field(default=EnrolmentRole.LEARNER, max_length=16)
    created_at: datetime = Field(default_factory=utcnow)


class JoinCode(SQLModel, table=True):
    __tablename__ = "join_code"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=6, unique=True, index=True)
    iteration_id: int = Field(foreign_key="iteration.id", index=True)
    created_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    revoked_at: datetime | None = None


class Announcement(SQLModel, table=True):
    """A short message a trainer posts to the whole group, shown live on the group's page."""

    id: int | None = Field(default=None, primary_key=True)
    iteration_id: int = Field(foreign_key="iteration.id", index=True)
    author_id: int = Field(foreign_key="user.id")
    body: str = Field(max_length=280)
    created_at: datetime = Field(default_factory=utcnow)

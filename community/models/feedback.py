"""Continuous feedback: criteria, receipts, answers, ratings, reminders, running totals."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from community.models.base import utcnow

# Anonymous by design: who answered (FeedbackReceipt) is stored apart from what was answered
# (FeedbackAnswer and its ratings), which carry no user id, a random id and only the day.


class FeedbackDimension(SQLModel, table=True):
    """What learners rate, 1 to 5, set per training; default ones are named by `key`."""

    __tablename__ = "feedback_dimension"

    id: int | None = Field(default=None, primary_key=True)
    training_id: int = Field(foreign_key="training.id", index=True)
    key: str | None = Field(default=None, max_length=20)
    label: str = Field(default="", max_length=40)
    position: int = 0
    active: bool = True


class FeedbackReceipt(SQLModel, table=True):
    """That a learner answered about a session: for one-per-person and reminders only."""

    __tablename__ = "feedback_receipt"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="course_session.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)


class CommentStatus(StrEnum):
    """Where a comment stands: none written, waiting for review, or what the reviewer chose."""

    NONE = "none"
    PENDING = "pending"
    PUBLISHED = "published"
    PRIVATE = "private"
    DELETED = "deleted"


class FeedbackPending(SQLModel, table=True):
    """An answer, or an edit of one, waiting to be mixed into a batch (feedback/mixer.py): the
    only answer row ever written in the same transaction as its author's receipt."""

    __tablename__ = "feedback_pending"

    # The hash of the author's edit token: random, and the only way back to the answer.
    edit_hash: str = Field(primary_key=True, max_length=64)
    session_id: int = Field(foreign_key="course_session.id", index=True)
    ratings: str = Field(max_length=2000)  # JSON: criterion id -> rating
    comment: str = Field(default="", max_length=1000)


class FeedbackAnswer(SQLModel, table=True):
    """What was answered, written only by the mixer: no user, no time, a random id."""

    __tablename__ = "feedback_answer"

    id: str = Field(primary_key=True, max_length=32)  # random: says nothing about order
    session_id: int = Field(foreign_key="course_session.id", index=True)
    # Lets the author, and the author alone (who holds the token), find and edit it.
    edit_hash: str | None = Field(default=None, max_length=64, unique=True)
    comment: str = Field(default="", max_length=1000)
    # Indexed: reports and the review queue look for the few published or pending comments.
    comment_status: str = Field(default=CommentStatus.NONE, max_length=16, index=True)


class FeedbackRating(SQLModel, table=True):
    __tablename__ = "feedback_rating"

    answer_id: str = Field(foreign_key="feedback_answer.id", primary_key=True, max_length=32)
    dimension_id: int = Field(foreign_key="feedback_dimension.id", primary_key=True)
    value: int


class FeedbackReminder(SQLModel, table=True):
    """A reminder sent: at most one per learner and session."""

    __tablename__ = "feedback_reminder"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="course_session.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    sent_at: datetime = Field(default_factory=utcnow)


class FeedbackAggregate(SQLModel, table=True):
    """Running totals per session and criterion, kept with each answer: reports read these,
    so a report costs the same for a hundred answers or a million."""

    __tablename__ = "feedback_aggregate"

    session_id: int = Field(foreign_key="course_session.id", primary_key=True)
    dimension_id: int = Field(foreign_key="feedback_dimension.id", primary_key=True)
    count: int = 0
    total: int = 0
    total_sq: int = 0
    h1: int = 0
    h2: int = 0
    h3: int = 0
    h4: int = 0
    h5: int = 0

"""After work (reverse work-study): a learner's journal of work situations, written along
Gibbs' reflective cycle, the skills each one used, the links sent to a workplace mentor, and
the comments peers leave on entries shared with the group for a session, the entries its
trainers picked to discuss there, and the skills a trainer of the group observed or validated
from a shared entry."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from community.models.base import utcnow


class JournalEntry(SQLModel, table=True):
    """One work situation. Private to its author until shared with the group for a session
    (`shared_session_id`)."""

    __tablename__ = "journal_entry"
    # An entry written offline and sent again when the network is back makes one entry.
    __table_args__ = (UniqueConstraint("author_id", "idempotency_key"),)

    id: int | None = Field(default=None, primary_key=True)
    author_id: int = Field(foreign_key="user.id", index=True)
    iteration_id: int = Field(foreign_key="iteration.id", index=True)
    title: str = Field(max_length=120)
    happened: str = Field(max_length=1500)
    did: str = Field(max_length=1500)
    hard: str = Field(default="", max_length=1500)
    next_time: str = Field(default="", max_length=1500)
    shared_session_id: int | None = Field(default=None, foreign_key="course_session.id", index=True)
    shared_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    idempotency_key: str | None = Field(default=None, max_length=40)


class JournalEntrySkill(SQLModel, table=True):
    """A skill of the provider's catalogue that the entry's situation used."""

    __tablename__ = "journal_entry_skill"
    __table_args__ = (UniqueConstraint("entry_id", "skill_id"),)

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="journal_entry.id", index=True, ondelete="CASCADE")
    skill_id: int = Field(foreign_key="skill.id", index=True)


class MentorLink(SQLModel, table=True):
    """A link sent to the learner's workplace mentor, who has no account: only the hash of its
    random key is kept. It shows one entry until it expires or the learner revokes it."""

    __tablename__ = "journal_mentor_link"

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="journal_entry.id", index=True, ondelete="CASCADE")
    author_id: int = Field(foreign_key="user.id", index=True)
    key_hash: str = Field(max_length=64, unique=True)
    mentor_name: str = Field(max_length=80)
    mentor_email: str = Field(max_length=254)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    revoked_at: datetime | None = None
    answered_at: datetime | None = None
    confirmed: bool = False
    comment: str = Field(default="", max_length=1000)


class JournalComment(SQLModel, table=True):
    """A peer's or trainer's comment on an entry shared with the group."""

    __tablename__ = "journal_comment"

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="journal_entry.id", index=True, ondelete="CASCADE")
    author_id: int = Field(foreign_key="user.id", index=True)
    body: str = Field(max_length=500)
    created_at: datetime = Field(default_factory=utcnow)


class JournalPick(SQLModel, table=True):
    """A shared entry the group's trainers picked to discuss in the session, at its place in
    their order. Once per session and entry: two trainers picking it at once make one pick.
    Who picked is not kept: the picks are the trainers' common plan."""

    __tablename__ = "journal_pick"
    __table_args__ = (UniqueConstraint("session_id", "entry_id"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="course_session.id", index=True)
    entry_id: int = Field(foreign_key="journal_entry.id", index=True, ondelete="CASCADE")
    position: int
    created_at: datetime = Field(default_factory=utcnow)


class SkillValidation(SQLModel, table=True):
    """A trainer of the learner's group saw a skill at work in a shared entry: observed, or
    validated, on a day. One per entry and skill: a second one replaces the first."""

    __tablename__ = "journal_skill_validation"
    __table_args__ = (UniqueConstraint("entry_id", "skill_id"),)

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="journal_entry.id", index=True, ondelete="CASCADE")
    skill_id: int = Field(foreign_key="skill.id", index=True)
    learner_id: int = Field(foreign_key="user.id", index=True)
    trainer_id: int = Field(foreign_key="user.id", index=True)
    level: str = Field(max_length=20)
    observed_on: date
    comment: str = Field(default="", max_length=500)
    created_at: datetime = Field(default_factory=utcnow)


class JournalPhoto(SQLModel, table=True):
    """A photo of an entry's situation: a fresh encode without metadata, kept in the media
    storage under a random key, and as private as its entry."""

    __tablename__ = "journal_photo"

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="journal_entry.id", index=True, ondelete="CASCADE")
    author_id: int = Field(foreign_key="user.id", index=True)
    key: str = Field(max_length=32, unique=True)
    width: int
    height: int
    size: int
    content_type: str = Field(max_length=32)
    created_at: datetime = Field(default_factory=utcnow)

"""Collective projects: supports, roles, members, tasks, milestones, messages, moderation."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from community.models.base import utcnow


class Project(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("author_id", "idempotency_key"),)

    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str | None = Field(default=None, max_length=40)
    iteration_id: int = Field(foreign_key="iteration.id", index=True)
    author_id: int = Field(foreign_key="user.id", index=True)
    title: str = Field(max_length=120)
    pitch: str = Field(max_length=1000)
    goals: str = Field(default="", max_length=1000)
    skills: str = Field(default="", max_length=300)
    weeks: int = 4
    # draft → proposed → active (launched or approved) | declined; archived at the end
    status: str = Field(default="draft", max_length=12, index=True)
    decline_reason: str = Field(default="", max_length=300)
    join_needs_approval: bool = False
    # Open to every learner of the provider, not only to the group it was proposed in.
    community: bool = False
    locked: bool = False
    # Why a trainer locked the space: its members read it where the message box was.
    locked_reason: str = Field(default="", max_length=300)
    slow_mode_seconds: int = 0
    created_at: datetime = Field(default_factory=utcnow)


class ProjectSupport(SQLModel, table=True):
    __tablename__ = "project_support"
    __table_args__ = (UniqueConstraint("project_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    user_id: int = Field(foreign_key="user.id")


class ProjectRole(SQLModel, table=True):
    """A kind of place to take in the project, and how many: "2 developers"."""

    __tablename__ = "project_role"

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    name: str = Field(max_length=60)
    slots: int = 1


class ProjectMember(SQLModel, table=True):
    __tablename__ = "project_member"
    __table_args__ = (UniqueConstraint("project_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    role_id: int | None = Field(default=None, foreign_key="project_role.id")
    status: str = Field(default="member", max_length=12)  # member, waitlist, pending
    is_lead: bool = False
    joined_at: datetime = Field(default_factory=utcnow)


class Task(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    title: str = Field(max_length=200)
    status: str = Field(default="todo", max_length=8)  # todo, doing, done
    assignee_id: int | None = Field(default=None, foreign_key="user.id")
    due_on: date | None = None


class Milestone(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    title: str = Field(max_length=120)
    due_on: date
    done: bool = False


class Message(SQLModel, table=True):
    # A message kept on a phone without network carries a key: sent twice, it is one message.
    __table_args__ = (UniqueConstraint("author_id", "idempotency_key"),)

    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str | None = Field(default=None, max_length=40)
    project_id: int = Field(foreign_key="project.id", index=True)
    author_id: int = Field(foreign_key="user.id")
    reply_to_id: int | None = Field(default=None, foreign_key="message.id")
    body: str = Field(max_length=2000)
    created_at: datetime = Field(default_factory=utcnow)
    edited_at: datetime | None = None
    deleted: bool = False
    hidden_reason: str | None = Field(default=None, max_length=300)
    pinned: bool = False


class MessagePhoto(SQLModel, table=True):
    """The picture attached to a message: a fresh encode without metadata, kept in the
    media storage under a random key (community/storage.py)."""

    __tablename__ = "message_photo"

    id: int | None = Field(default=None, primary_key=True)
    message_id: int = Field(foreign_key="message.id", unique=True)
    author_id: int = Field(foreign_key="user.id", index=True)
    key: str = Field(max_length=32, unique=True)
    width: int
    height: int
    size: int
    content_type: str = Field(max_length=32)
    alt: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow)


class Flag(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("message_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    message_id: int = Field(foreign_key="message.id", index=True)
    user_id: int = Field(foreign_key="user.id")
    reason: str = Field(max_length=300)
    created_at: datetime = Field(default_factory=utcnow)
    resolved: bool = False


class ModerationEntry(SQLModel, table=True):
    """The audit log: who did what to a project space, when, and why."""

    __tablename__ = "moderation_entry"

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    actor_id: int = Field(foreign_key="user.id")
    action: str = Field(max_length=24)
    detail: str = Field(default="", max_length=300)
    reason: str = Field(default="", max_length=300)
    created_at: datetime = Field(default_factory=utcnow)

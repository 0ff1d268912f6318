"""Before the session (flipped learning): a session's capsule of resources, what each learner
did with them, their answer to "what is blocking you?", and the names trainers give topics."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from community.models.base import utcnow


class ResourceKind(StrEnum):
    LINK = "link"
    VIDEO = "video"
    DOCUMENT = "document"
    IMMERSIVE = "immersive"  # virtual reality or a 360° picture or video
    TEXT = "text"


class FlippedResource(SQLModel, table=True):
    """One item of a session's capsule: a link of some kind, or a short text, with its
    estimated time and an optional checkpoint question (choices one per line)."""

    __tablename__ = "flipped_resource"

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="course_session.id", index=True)
    author_id: int = Field(foreign_key="user.id", index=True)
    kind: str = Field(max_length=16)
    title: str = Field(max_length=120)
    url: str = Field(default="", max_length=500)
    body: str = Field(default="", max_length=1000)
    minutes: int = 5
    question: str = Field(default="", max_length=200)
    choices: str = Field(default="", max_length=600)
    right_choice: int | None = None  # index in `choices`
    # A skill of the provider's catalogue the resource works on: its checkpoint answers become
    # evidence for it, and learners who want the skill are pointed to it.
    skill_id: int | None = Field(default=None, foreign_key="skill.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)


class FlippedProgress(SQLModel, table=True):
    """What one learner did with one resource: explored it, how useful it was (1–5), which
    choice they gave to its checkpoint."""

    __tablename__ = "flipped_progress"
    __table_args__ = (UniqueConstraint("resource_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    resource_id: int = Field(foreign_key="flipped_resource.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    usefulness: int | None = None
    choice: int | None = None
    explored_at: datetime = Field(default_factory=utcnow)


class FlippedBlocker(SQLModel, table=True):
    """A learner's answer to "what is blocking you?" before a session: one each."""

    __tablename__ = "flipped_blocker"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="course_session.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    body: str = Field(max_length=500)
    created_at: datetime = Field(default_factory=utcnow)


class FlippedTopicName(SQLModel, table=True):
    """The name a trainer gave a topic of blocking points. A topic is known by its anchor,
    the earliest answer in it, so that the name follows it as new answers join."""

    __tablename__ = "flipped_topic_name"
    __table_args__ = (UniqueConstraint("session_id", "anchor_id"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="course_session.id", index=True)
    # No foreign key: the anchor may go with its author's account, and the name with it.
    anchor_id: int = Field(index=True)
    name: str = Field(max_length=80)
    named_by: int = Field(foreign_key="user.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)


class FlippedQuestion(SQLModel, table=True):
    """A learner's question about a session's capsule, or (with a parent) an answer to one by
    a peer or a trainer. Signed by its author's name: it is class discussion. A trainer may
    hide one (moderation) or mark an answer as the good one."""

    __tablename__ = "flipped_question"

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="course_session.id", index=True)
    author_id: int = Field(foreign_key="user.id", index=True)
    parent_id: int | None = Field(default=None, foreign_key="flipped_question.id", index=True)
    body: str = Field(max_length=500)
    good: bool = False
    hidden: bool = False
    created_at: datetime = Field(default_factory=utcnow)


class FlippedPeer(SQLModel, table=True):
    """A learner who was ready, invited by a trainer to help the others of the session; shown
    to them only once they accepted (`accepted` is None while they have not answered)."""

    __tablename__ = "flipped_peer"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="course_session.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    accepted: bool | None = None
    invited_at: datetime = Field(default_factory=utcnow)


class FlippedTopicMerge(SQLModel, table=True):
    """A trainer's merge of two topics of blocking points: the topic holding `answer_id`
    joins the one holding `into_id`. Kept by answers, not by topic, because topics are
    computed again with every answer while an answer keeps its id, even rewritten."""

    __tablename__ = "flipped_topic_merge"
    __table_args__ = (UniqueConstraint("session_id", "answer_id", "into_id"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="course_session.id", index=True)
    # No foreign keys: an answer may go with its author's account, and the merge with it.
    answer_id: int
    into_id: int
    merged_by: int = Field(foreign_key="user.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)


class FlippedChange(SQLModel, table=True):
    """ "You said, we did" for a capsule: what a trainer changed in the session because of
    what learners said, shown to the session's learners. `said` keeps the topic's name as
    it was (topics are computed again), empty when the change answers no topic."""

    __tablename__ = "flipped_change"

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="course_session.id", index=True)
    said: str = Field(default="", max_length=200)
    body: str = Field(max_length=300)
    created_by: int = Field(foreign_key="user.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)

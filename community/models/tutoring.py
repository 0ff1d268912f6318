"""Peer tutoring: skills, offers and wants, help requests, help offers, thanks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from community.models.base import utcnow


class Skill(SQLModel, table=True):
    """A provider's catalogue: curated by staff and trainers; learners may suggest more."""

    __table_args__ = (UniqueConstraint("provider_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    provider_id: int = Field(foreign_key="provider.id", index=True)
    name: str = Field(max_length=60)
    approved: bool = True
    suggested_by: int | None = Field(default=None, foreign_key="user.id")
    # A national job/skill reference's code, typed by a curator; empty when none.
    code: str = Field(default="", max_length=20)
    # What the skill covers, in a curator's words: learners read it, and the suggestion of
    # the skill a need is about learns from it (community/pathways/suggest.py).
    description: str = Field(default="", max_length=300)


class LearnerSkill(SQLModel, table=True):
    """What a learner can help with (and how well), or wants to learn."""

    __tablename__ = "learner_skill"
    __table_args__ = (UniqueConstraint("user_id", "skill_id", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    skill_id: int = Field(foreign_key="skill.id", index=True)
    kind: str = Field(max_length=8)  # "offer" or "want"
    level: int = 1  # for offers: 1 getting there, 2 at ease, 3 could teach it


class HelpRequest(SQLModel, table=True):
    __tablename__ = "help_request"
    # A form sent twice (a double tap, a retried request) makes one request.
    __table_args__ = (UniqueConstraint("requester_id", "idempotency_key"),)

    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str | None = Field(default=None, max_length=40)
    requester_id: int = Field(foreign_key="user.id", index=True)
    iteration_id: int = Field(foreign_key="iteration.id", index=True)
    skill_id: int = Field(foreign_key="skill.id", index=True)
    description: str = Field(max_length=500)
    urgency: str = Field(max_length=8)  # "now" (in class) or "week"
    format: str = Field(max_length=12)  # "in_person", "video", "chat"
    status: str = Field(default="open", max_length=12, index=True)
    accepted_offer_id: int | None = None
    scheduled_at: datetime | None = None
    duration_minutes: int = 60
    place: str = Field(default="", max_length=200)
    cancel_reason: str = Field(default="", max_length=300)
    requester_confirmed: bool = False
    tutor_confirmed: bool = False
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime


class HelpOffer(SQLModel, table=True):
    __tablename__ = "help_offer"
    __table_args__ = (UniqueConstraint("request_id", "tutor_id"),)

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="help_request.id", index=True)
    tutor_id: int = Field(foreign_key="user.id", index=True)
    message: str = Field(default="", max_length=300)
    created_at: datetime = Field(default_factory=utcnow)


class Thanks(SQLModel, table=True):
    """The learner's thanks after a session: the rating is the tutor's to read, nobody else's."""

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="help_request.id", unique=True)
    tutor_id: int = Field(foreign_key="user.id", index=True)
    rating: int
    message: str = Field(default="", max_length=300)
    created_at: datetime = Field(default_factory=utcnow)

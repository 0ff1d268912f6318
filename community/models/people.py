"""Providers, people and their signed-in browsers."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from community.models.base import utcnow


class Role(StrEnum):
    LEARNER = "learner"
    TRAINER = "trainer"
    STAFF = "staff"
    ADMIN = "admin"
    # Speaks for a partner company of job rotation (community/rotation), invited by staff.
    COMPANY = "company"
    # Runs the job rotation of several providers of a region (RegionCoordinator), set by an
    # admin; sees nothing else of those providers.
    COORDINATOR = "coordinator"


class Provider(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, unique=True)
    # Reports show no figure computed from fewer answers than this (never below 5).
    anonymity_threshold: int = 5
    created_at: datetime = Field(default_factory=utcnow)


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    display_name: str = Field(max_length=80)
    password_hash: str = Field(max_length=200)
    role: str = Field(default=Role.LEARNER, max_length=16)
    # Trainers and provider staff belong to one provider; learners meet providers
    # through their enrolments.
    provider_id: int | None = Field(default=None, foreign_key="provider.id", index=True)
    locale: str | None = Field(default=None, max_length=5)
    created_at: datetime = Field(default_factory=utcnow)
    # When the person deleted their account: the row stays, every personal field emptied,
    # so that what they left in shared spaces reads "former member" (community/erasure.py).
    erased_at: datetime | None = None
    # When the person followed the link sent to their address: it is theirs.
    email_confirmed_at: datetime | None = None
    # How often the e-mail digest comes ("daily", "weekly", "never") and the kinds of news
    # left out of it (community/digests.py KINDS, comma-separated).
    digest_every: str = Field(default="weekly", max_length=8)
    digest_skips: str = Field(default="", max_length=80)


class WebSession(SQLModel, table=True):
    """A signed-in browser. The cookie holds a token; only its hash is stored."""

    __tablename__ = "web_session"

    id: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="user.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    revoked_at: datetime | None = None

"""The home: when each person last opened it, and the e-mail digests sent of it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from community.models.base import utcnow


class HomeVisit(SQLModel, table=True):
    """When the person last opened their home: what came after it is shown first. A row of
    its own, so that opening the home never changes the person's row (which would renew
    their sessions' stamp, community/session_cache.py)."""

    __tablename__ = "home_visit"

    user_id: int = Field(foreign_key="user.id", primary_key=True)
    seen_at: datetime = Field(default_factory=utcnow)


class DigestSent(SQLModel, table=True):
    """One e-mail digest per person and period, written in the same transaction as its mail
    (or alone, when there was nothing to tell): two rounds, or two processes, never make two."""

    __tablename__ = "digest_sent"
    __table_args__ = (UniqueConstraint("user_id", "period"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    period: str = Field(max_length=16)  # "day:2026-12-01" or "week:2026-W48"
    mailed: bool = False
    created_at: datetime = Field(default_factory=utcnow)

"""What a person is told about: one row per notice, read or not."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from community.models.base import utcnow


class Notification(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    kind: str = Field(max_length=32)
    subject: str = Field(max_length=200)  # shown as is: a session or project title
    link: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
    read_at: datetime | None = None

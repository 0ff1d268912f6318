"""What a person asks of their data: an archive of it, the deletion of their account, and
the retention job that removes what is kept past its time."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary
from sqlmodel import Field, SQLModel

from community.models.base import utcnow


class DataExport(SQLModel, table=True):
    """An archive of what Ruche holds about one person, prepared in the background and
    offered to them for download until `expires_at`."""

    __tablename__ = "data_export"

    id: str = Field(primary_key=True, max_length=32)  # random: the download's address
    user_id: int = Field(foreign_key="user.id", index=True)
    locale: str = Field(max_length=5)  # the language of its readable summary
    status: str = Field(default="queued", max_length=12, index=True)  # running, ready, failed
    progress: int = 0  # percent done, for the page that waits
    archive: bytes | None = Field(default=None, sa_type=LargeBinary)  # the zip file
    created_at: datetime = Field(default_factory=utcnow)
    # When a worker took it: one that stays running long past this was left by a dead process.
    started_at: datetime | None = None
    ready_at: datetime | None = None
    expires_at: datetime | None = None


class AccountErasure(SQLModel, table=True):
    """That an account was deleted, when, and by whom: the person themselves, or provider
    staff on their request (with the reason). The account row stays, emptied of everything
    personal, so that what the person left in shared spaces reads "former member"."""

    __tablename__ = "account_erasure"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    actor_id: int | None = Field(default=None, foreign_key="user.id")  # staff, if not the person
    reason: str = Field(default="", max_length=300)
    created_at: datetime = Field(default_factory=utcnow)


class RetentionRun(SQLModel, table=True):
    """One run of the retention job: when, and how many rows it removed from each table."""

    __tablename__ = "retention_run"

    id: int | None = Field(default=None, primary_key=True)
    started_at: datetime = Field(default_factory=utcnow, index=True)
    finished_at: datetime | None = None
    removed: str = Field(default="{}", max_length=4000)  # JSON: table name -> rows removed
    failure: str = Field(default="", max_length=200)  # the error's type, if it failed

"""Mail: the outbox every message goes through, and the single-use links mails carry."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from community.models.base import utcnow


class OutboxMail(SQLModel, table=True):
    """A message to one account, written in the same transaction as what caused it, then
    sent by the background sender (community/mail/sender.py), which claims it first so that
    no two processes send it."""

    __tablename__ = "mail_outbox"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    to_address: str = Field(max_length=254)
    kind: str = Field(max_length=32)
    subject: str = Field(max_length=200)
    # Kept until sent: a link in a delivered mail belongs to its recipient alone.
    text_body: str = Field(default="", sa_type=Text)
    html_body: str = Field(default="", sa_type=Text)
    # Extra headers as JSON (a digest's List-Unsubscribe), kept with the mail until it is sent.
    headers: str = Field(default="", sa_type=Text)
    message_id: str = Field(max_length=200)  # the same on every attempt
    created_at: datetime = Field(default_factory=utcnow)
    next_attempt_at: datetime = Field(default_factory=utcnow, index=True)
    attempts: int = 0
    last_error: str = Field(default="", max_length=120)  # the error's type, never its text
    claim: str | None = Field(default=None, max_length=32)
    claimed_until: datetime | None = None
    sent_at: datetime | None = Field(default=None, index=True)
    logged_at: datetime | None = None  # written to the console log, without a mail server


class MailToken(SQLModel, table=True):
    """A single-use link sent by mail (a password reset, an address check). Only the
    token's hash is stored: a leaked database hands out no link."""

    __tablename__ = "mail_token"

    id: str = Field(primary_key=True, max_length=64)  # sha256 of the token
    user_id: int = Field(foreign_key="user.id", index=True)
    purpose: str = Field(max_length=16)  # "reset" or "confirm"
    address: str = Field(max_length=254)  # the address it was sent to
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    used_at: datetime | None = None

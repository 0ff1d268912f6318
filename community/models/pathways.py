"""Pathways: whether a learner wants suggestions, what they said of each card, what was shown,
and the cards a trainer pinned for them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from community.models.base import utcnow


class CardSetting(SQLModel, table=True):
    """A learner's choice about suggestions; no row means they are on."""

    __tablename__ = "card_setting"

    user_id: int = Field(foreign_key="user.id", primary_key=True)
    suggestions_on: bool = True
    updated_at: datetime = Field(default_factory=utcnow)


class CardVerdict(SQLModel, table=True):
    """What the learner said of a card: it helped, or it is not for them (and why)."""

    __tablename__ = "card_verdict"
    __table_args__ = (UniqueConstraint("user_id", "card_key"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    card_key: str = Field(max_length=40)
    kind: str = Field(max_length=12)
    verdict: str = Field(max_length=12)  # "helped" or "dismissed"
    reason: str = Field(default="", max_length=16)
    note: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow)


class CardShown(SQLModel, table=True):
    """The first time a card was shown to a learner: the acceptance report counts these."""

    __tablename__ = "card_shown"
    __table_args__ = (UniqueConstraint("user_id", "card_key"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    card_key: str = Field(max_length=40)
    kind: str = Field(max_length=12)
    first_shown_at: datetime = Field(default_factory=utcnow)


class CardPin(SQLModel, table=True):
    """A card a trainer of the learner's group put on their compass, with a note, or took off
    it (`removed`): one row per learner and card, so a card is never both at once."""

    __tablename__ = "card_pin"
    __table_args__ = (UniqueConstraint("learner_id", "card_key"),)

    id: int | None = Field(default=None, primary_key=True)
    learner_id: int = Field(foreign_key="user.id", index=True)
    trainer_id: int = Field(foreign_key="user.id", index=True)
    card_key: str = Field(max_length=40)
    kind: str = Field(max_length=12)
    note: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
    removed: bool = False  # taken off the compass rather than put on it

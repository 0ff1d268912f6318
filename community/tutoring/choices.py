"""The choices of peer help with their labels: what forms accept and what pages show."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from enum import IntEnum, StrEnum
from typing import Protocol

from community.i18n import _


class Labelled(Protocol):
    """A choice: the value a form sends and the database keeps, and what people read."""

    @property
    def value(self) -> str | int: ...

    @property
    def label(self) -> str: ...


def options(choices: Iterable[Labelled]) -> list[tuple[str, str]]:
    """A select's options, in the order the choice lists them."""
    return [(str(choice.value), choice.label) for choice in choices]


def allowed(choices: Iterable[Labelled]) -> tuple[str, ...]:
    """What a form may send for this choice."""
    return tuple(str(choice.value) for choice in choices)


# Stored as plain strings, like every enumeration (see community/models/).
class HelpStatus(StrEnum):
    OPEN = "open"
    MATCHED = "matched"
    SCHEDULED = "scheduled"
    DONE = "done"
    CANCELLED = "cancelled"
    EXPIRED = "expired"

    @property
    def label(self) -> str:
        return {
            HelpStatus.OPEN: _("Open"),
            HelpStatus.MATCHED: _("Tutor found"),
            HelpStatus.SCHEDULED: _("Scheduled"),
            HelpStatus.DONE: _("Done"),
            HelpStatus.CANCELLED: _("Cancelled"),
            HelpStatus.EXPIRED: _("Expired"),
        }[self]


# A request can still be cancelled, or its session (re)scheduled once a tutor is chosen.
UNDER_WAY = (HelpStatus.OPEN, HelpStatus.MATCHED, HelpStatus.SCHEDULED)
SCHEDULABLE = (HelpStatus.MATCHED, HelpStatus.SCHEDULED)


class Urgency(StrEnum):
    NOW = "now"
    WEEK = "week"

    @property
    def label(self) -> str:
        return {Urgency.NOW: _("Now, in class"), Urgency.WEEK: _("This week")}[self]

    @property
    def lifetime(self) -> timedelta:
        """How long the request stays open: past the class, help in class is no longer needed."""
        return {Urgency.NOW: timedelta(hours=3), Urgency.WEEK: timedelta(days=7)}[self]


class HelpFormat(StrEnum):
    IN_PERSON = "in_person"
    VIDEO = "video"
    CHAT = "chat"

    @property
    def label(self) -> str:
        return {
            HelpFormat.IN_PERSON: _("In person"),
            HelpFormat.VIDEO: _("Video call"),
            HelpFormat.CHAT: _("Chat"),
        }[self]


class Duration(IntEnum):
    """A session's length in minutes; the form offers an hour first, the usual length."""

    HOUR = 60
    HALF_HOUR = 30
    HOUR_AND_A_HALF = 90
    TWO_HOURS = 120

    @property
    def label(self) -> str:
        return {
            Duration.HALF_HOUR: _("30 min"),
            Duration.HOUR: _("1 h"),
            Duration.HOUR_AND_A_HALF: _("1 h 30"),
            Duration.TWO_HOURS: _("2 h"),
        }[self]


class MarkKind(StrEnum):
    """A learner can help with a skill, or wants to learn it."""

    OFFER = "offer"
    WANT = "want"

    @property
    def label(self) -> str:
        return {MarkKind.OFFER: _("can help with it"), MarkKind.WANT: _("want to learn it")}[self]


class Level(IntEnum):
    """How well a learner who offers a skill masters it."""

    GETTING_THERE = 1
    AT_EASE = 2
    COULD_TEACH = 3

    @property
    def label(self) -> str:
        return {
            Level.GETTING_THERE: _("getting there"),
            Level.AT_EASE: _("at ease"),
            Level.COULD_TEACH: _("could teach it"),
        }[self]


RATINGS = range(1, 6)  # a tutor's session is rated from 1 to 5 stars

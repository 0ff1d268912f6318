"""Every area of the app, in one list: the app takes its routes, live channels, notification
kinds, navigation and permission rules from here. Adding an area adds one line."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from jinja2 import Environment
from markupsafe import Markup, escape
from starlette.routing import BaseRoute

from community.area import Area, Channel, NavEntry, Rule
from community.models import User
from community.notifications import PART
from community.personal_data import Holding
from community.templating import bdi
from community.views import (
    accounts,
    announcements,
    bridges,
    digests,
    erasure,
    exports,
    feedback,
    flipped,
    improvements,
    journal,
    mail,
    notifications,
    pages,
    pathways,
    privacy,
    projects,
    pulse,
    pwa,
    reports,
    rotation,
    skill_map,
    trainings,
    tutoring,
    vr,
)

AREAS: tuple[Area, ...] = (
    pages.AREA,
    accounts.AREA,
    trainings.AREA,
    announcements.AREA,
    projects.AREA,
    tutoring.AREA,
    skill_map.AREA,
    pathways.AREA,
    flipped.AREA,
    vr.AREA,
    journal.AREA,
    bridges.AREA,
    rotation.AREA,
    feedback.AREA,
    pulse.AREA,
    notifications.AREA,
    reports.AREA,
    improvements.AREA,
    exports.AREA,
    erasure.AREA,
    privacy.AREA,
    mail.AREA,
    pwa.AREA,
    digests.AREA,
)

T = TypeVar("T")


def _merged(what: str, parts: Iterable[Mapping[str, T]]) -> dict[str, T]:
    """One mapping from the areas' own; two areas claiming the same key is a mistake."""
    merged: dict[str, T] = {}
    for part in parts:
        for key, value in part.items():
            if key in merged:
                raise ValueError(f"{what} {key!r} is declared by two areas")
            merged[key] = value
    return merged


CHANNELS: dict[str, Channel] = _merged("channel kind", (a.channels for a in AREAS))
NOTIFICATIONS: dict[str, Callable[..., str]] = _merged(
    "notification kind", (a.notifications for a in AREAS)
)
NAV: tuple[NavEntry, ...] = tuple(sorted((e for a in AREAS for e in a.nav), key=lambda e: e.order))
RULES: tuple[Rule, ...] = tuple(rule for a in AREAS for rule in a.rules)
HOLDINGS: tuple[Holding, ...] = tuple(h for a in AREAS for h in a.personal_data)
TEMPLATE_GLOBALS: dict[str, Any] = _merged("template name", (a.template_globals for a in AREAS))


def routes() -> list[BaseRoute]:
    return [route for area in AREAS for route in area.routes]


def navigation(user: User) -> list[NavEntry]:
    return [entry for entry in NAV if entry.visible(user)]


def notification_text(kind: str, subject: str) -> Markup:
    """How a notification reads, in the reader's language; an unknown kind shows its subject.
    The subject (a name, a title someone chose; or several, `notifications.subject_of`) is
    isolated in `<bdi>` within the sentence, each part apart."""
    text = NOTIFICATIONS.get(kind)
    parts = subject.split(PART)
    # Where each part goes: no message or subject contains these characters.
    markers = [chr(n) for n in range(len(parts))] if text else ["\x00"]
    sentence = escape(text(*markers) if text else PART.join(markers))
    for marker, part in zip(markers, parts, strict=False):
        sentence = sentence.replace(marker, bdi(part))
    return sentence


def install(environment: Environment) -> None:
    """What every page's frame needs from the areas."""
    environment.globals.update(navigation=navigation, notification_text=notification_text)
    environment.globals.update(TEMPLATE_GLOBALS)

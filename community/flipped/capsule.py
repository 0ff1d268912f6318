"""A session's capsule: the resources a trainer of the group prepares, and how a learner
reads them (what they explored, rated and answered)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import delete
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import forms, parsing, permissions, trainings
from community.errors import NotFound
from community.i18n import DISPLAY_TIMEZONE, _, show_date
from community.models import (
    CourseSession,
    Enrolment,
    EnrolmentRole,
    FlippedProgress,
    FlippedResource,
    ResourceKind,
    Skill,
    User,
    utcnow,
)
from community.trainings.groups import IterationView

Rule = Callable[[User | None, permissions.IterationFacts], bool]

MOST_MINUTES = 240
MOST_CHOICES = 6
FIELDS = (
    forms.Choice("kind", choices=tuple(ResourceKind)),
    forms.Text("title", max_length=120),
    forms.Text("url", max_length=500, required=False),
    forms.Text("body", max_length=1000, required=False, multiline=True),
    forms.Text("minutes", max_length=4),
    forms.Text("question", max_length=200, required=False),
    forms.Text("choices", max_length=600, required=False, multiline=True),
    forms.Text("right_choice", max_length=2, required=False),
    forms.Text("skill_id", max_length=10, required=False),
)


def kind_label(kind: str) -> str:
    labels: dict[str, str] = {
        ResourceKind.LINK: _("Link"),
        ResourceKind.VIDEO: _("Video"),
        ResourceKind.DOCUMENT: _("Document"),
        ResourceKind.IMMERSIVE: _("Virtual reality or 360°"),
        ResourceKind.TEXT: _("Short text"),
    }
    return labels.get(kind, kind)


def kind_options() -> list[tuple[str, str]]:
    return [(kind.value, kind_label(kind)) for kind in ResourceKind]


def day_of(session: CourseSession) -> str:
    """ "mardi 8 décembre": the day a learner prepares for, in Paris."""
    return show_date(session.starts_at.astimezone(DISPLAY_TIMEZONE).date(), "EEEE d MMMM")


@dataclass(frozen=True)
class Place:
    """A session and the reader's place in its group."""

    session: CourseSession
    group: IterationView

    @property
    def session_id(self) -> int:
        return self.session.id or 0


async def place(db: AsyncSession, user: User, session_id: int) -> Place:
    """The session, if the reader is of its group (or its provider's staff): NotFound
    otherwise, so that another provider's sessions stay hidden."""
    session = await db.get(CourseSession, session_id)
    if session is None:
        raise NotFound
    return Place(session, await trainings.iteration_view(db, user, session.iteration_id))


async def allowed(db: AsyncSession, user: User, session_id: int, rule: Rule) -> Place:
    """The session, when `rule` lets the reader act on it; NotFound otherwise."""
    found = await place(db, user, session_id)
    if not rule(user, found.group.facts):
        raise NotFound
    return found


async def resources(db: AsyncSession, session_id: int) -> list[FlippedResource]:
    rows = await db.exec(
        select(FlippedResource)
        .where(FlippedResource.session_id == session_id)
        .order_by(col(FlippedResource.id))
    )
    return list(rows)


def choices_of(resource: FlippedResource) -> list[str]:
    return [line for line in resource.choices.splitlines() if line.strip()]


def _http_link(raw: str) -> bool:
    try:
        parts = urlsplit(raw)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _check(values: dict, errors: dict[str, str]) -> None:
    """What the fields cannot say alone: a link for a link, a text for a text, a whole
    checkpoint or none."""
    if values.get("kind") == ResourceKind.TEXT:
        values["url"] = ""
        if not values.get("body") and "body" not in errors:
            errors["body"] = _("Write the text to read.")
    elif "url" not in errors and "kind" not in errors:
        values["body"] = ""
        if not _http_link(values.get("url", "")):
            errors["url"] = _("Enter a link starting with http:// or https://.")
    minutes = parsing.number(values.get("minutes"), 1, MOST_MINUTES)
    if minutes is None:
        errors["minutes"] = _("Enter a number of minutes from 1 to %(most)s.", most=MOST_MINUTES)
    values["minutes"] = minutes
    _check_checkpoint(values, errors)


def _check_checkpoint(values: dict, errors: dict[str, str]) -> None:
    choices = [line for line in values.get("choices", "").splitlines() if line.strip()]
    if not values.get("question"):
        values["choices"], values["right_choice"] = "", None
        return
    if not 2 <= len(choices) <= MOST_CHOICES:
        errors["choices"] = _("Write from 2 to %(most)s choices, one per line.", most=MOST_CHOICES)
        return
    right = parsing.number(values.get("right_choice"), 1, len(choices))
    if right is None:
        errors["right_choice"] = _("Say which choice is right: a number from 1 to %(count)s.",
                                   count=len(choices))  # fmt: skip
        return
    values["choices"], values["right_choice"] = "\n".join(c.strip() for c in choices), right - 1


async def add_resource(db: AsyncSession, user: User, session_id: int, data: dict) -> None:
    """A trainer of the group adds a resource to the session's capsule."""
    found = await allowed(db, user, session_id, permissions.can_prepare_capsule)
    errors: dict[str, str] = {}
    values = forms.collect(data, errors, *FIELDS)
    if "kind" not in errors:
        _check(values, errors)
    values["skill_id"] = await _tagged_skill(db, found, values.get("skill_id", ""), errors)
    if errors:
        raise forms.FormError(errors, {f.name: str(data.get(f.name, "")) for f in FIELDS})
    assert user.id is not None
    db.add(FlippedResource(session_id=found.session_id, author_id=user.id, **values))
    await db.flush()


async def _tagged_skill(
    db: AsyncSession, found: Place, raw: str, errors: dict[str, str]
) -> int | None:
    """The optional skill a resource works on: one of the provider's own catalogue, so that
    no resource names another provider's skill."""
    if not raw:
        return None
    skill = await db.get(Skill, parsing.ident(raw) or 0)
    if skill is None or skill.provider_id != found.group.training.provider_id:
        errors["skill_id"] = _("Choose one of the options.")
        return None
    return skill.id


async def remove_resource(db: AsyncSession, user: User, session_id: int, resource_id: int) -> None:
    found = await allowed(db, user, session_id, permissions.can_prepare_capsule)
    resource = await db.get(FlippedResource, resource_id)
    if resource is None or resource.session_id != found.session_id:
        raise NotFound
    await db.exec(delete(FlippedProgress).where(col(FlippedProgress.resource_id) == resource_id))
    await db.exec(delete(FlippedResource).where(col(FlippedResource.id) == resource_id))


async def progress_of(
    db: AsyncSession, user: User, items: list[FlippedResource]
) -> dict[int, FlippedProgress]:
    """The reader's own progress on each resource, by resource id."""
    rows = await db.exec(
        select(FlippedProgress).where(
            FlippedProgress.user_id == user.id,
            col(FlippedProgress.resource_id).in_([r.id for r in items]),
        )
    )
    return {row.resource_id: row for row in rows}


AHEAD = timedelta(days=14)  # how far ahead a learner's home shows what to explore


async def to_explore(db: AsyncSession, user: User, limit: int) -> list[tuple[CourseSession, Any]]:
    """The learner's next sessions that have a capsule, soonest first, with when its newest
    resource was added."""
    now = utcnow()
    rows = await db.exec(
        select(CourseSession, func.max(FlippedResource.created_at))
        .join(FlippedResource, col(FlippedResource.session_id) == CourseSession.id)
        .join(Enrolment, col(Enrolment.iteration_id) == CourseSession.iteration_id)
        .where(Enrolment.user_id == user.id, Enrolment.role == EnrolmentRole.LEARNER)
        .where(col(CourseSession.starts_at) > now, col(CourseSession.starts_at) < now + AHEAD)
        .group_by(col(CourseSession.id))
        .order_by(col(CourseSession.starts_at))
        .limit(limit)
    )
    return list(rows)

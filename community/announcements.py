"""Announcements: a short message from a trainer to the whole group, pushed to open pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

import realtime
from community import forms, permissions
from community.errors import Forbidden
from community.models import Announcement, User
from community.templating import render_for_audiences
from community.trainings import IterationView, live_channel

FIELDS = (forms.Text("body", max_length=280, multiline=True),)
SHOWN = 5
# The group page's section, whose `announcements` block is also what a push swaps in.
TEMPLATE = "announcements/_group.html"


@dataclass(frozen=True)
class Shown:
    body: str
    author: str
    created_at: datetime


async def latest(db: AsyncSession, iteration_id: int) -> list[Shown]:
    rows = await db.exec(
        select(Announcement, User.display_name)
        .join(User, col(User.id) == Announcement.author_id)
        .where(Announcement.iteration_id == iteration_id)
        .order_by(col(Announcement.id).desc())
        .limit(SHOWN)
    )
    return [Shown(a.body, name, a.created_at) for a, name in rows]


def region(iteration_id: int, shown: list[Shown]) -> str:
    """The region every open page swaps in, in each language: its dates are written in the
    reader's."""
    context = {"iteration_id": iteration_id, "announcements": shown, "live_seq": "", "oob": True}
    return render_for_audiences(TEMPLATE, "announcements", {"": context})


async def post(db: AsyncSession, user: User, view: IterationView, data: dict[str, str]) -> None:
    """Save it and, in the same transaction, log the region every open page will swap in."""
    if not permissions.can_announce(user, view.facts):
        raise Forbidden
    values = forms.parse(data, *FIELDS)
    iteration_id = view.iteration_id
    assert user.id is not None
    db.add(Announcement(iteration_id=iteration_id, author_id=user.id, body=values["body"]))
    await db.flush()

    async def current_region() -> str:
        return region(iteration_id, await latest(db, iteration_id))

    await realtime.append(db, live_channel(iteration_id), current_region)


async def group_page(db: AsyncSession, user: User, view: IterationView) -> dict[str, object]:
    """The announcements' section of a group's page."""
    return {
        "announcements": await latest(db, view.iteration_id),
        "can_announce": permissions.can_announce(user, view.facts),
    }

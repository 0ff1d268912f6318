"""What a project's page shows a person, read in one go for the page and its regions."""

from __future__ import annotations

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

import realtime
from community.models import User
from community.projects import choices
from community.projects.access import ProjectView
from community.projects.board import tasks_and_milestones
from community.projects.channels import channel
from community.projects.discussion import flagged_by, messages_of
from community.projects.membership import members_of, roles_of
from community.projects.proposals import has_supported, supporters


async def _head(db: AsyncSession, view: ProjectView) -> dict[str, Any]:
    project_id = view.project.id or 0
    return {
        "author": await db.get(User, view.project.author_id),
        "supports": await supporters(db, project_id),
        "supported": await has_supported(db, project_id, view.user.id or 0),
        "threshold": view.group.iteration.support_threshold,
        "live_seq": await realtime.last_seq(db, channel(project_id)),
    }


async def _members(db: AsyncSession, view: ProjectView) -> dict[str, Any]:
    project_id = view.project.id or 0
    return {"roles": await roles_of(db, project_id), "members": await members_of(db, project_id)}


async def _board(db: AsyncSession, view: ProjectView) -> dict[str, Any]:
    tasks, milestones = await tasks_and_milestones(db, view.project.id or 0)
    return {"tasks": tasks, "milestones": milestones}


async def _messages(db: AsyncSession, view: ProjectView) -> dict[str, Any]:
    return {
        "messages": await messages_of(db, view.project.id or 0),
        "flagged": await flagged_by(db, view),
    }


async def _compose(db: AsyncSession, view: ProjectView) -> dict[str, Any]:
    return {}  # the message box, or why there is none, needs only the project and the person


# What each live region of the page reads: a region fetched again alone reads only its own.
REGION_PARTS = {
    "head": _head,
    "members": _members,
    "board": _board,
    "compose": _compose,
    "messages": _messages,
}


async def page_context(
    db: AsyncSession, view: ProjectView, region: str | None = None
) -> dict[str, Any]:
    """The whole page's context, or only what `region` shows."""
    parts = [REGION_PARTS[region]] if region in REGION_PARTS else REGION_PARTS.values()
    context: dict[str, Any] = {"view": view, "p": view.project, **choices.for_templates()}
    for part in parts:
        context.update(await part(db, view))
    return context

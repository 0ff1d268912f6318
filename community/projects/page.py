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


async def page_context(db: AsyncSession, view: ProjectView) -> dict[str, Any]:
    project_id = view.project.id or 0
    tasks, milestones = await tasks_and_milestones(db, project_id)
    return {
        "view": view,
        "p": view.project,
        "author": await db.get(User, view.project.author_id),
        "supports": await supporters(db, project_id),
        "supported": await has_supported(db, project_id, view.user.id or 0),
        "threshold": view.group.iteration.support_threshold,
        "roles": await roles_of(db, project_id),
        "members": await members_of(db, project_id),
        "tasks": tasks,
        "milestones": milestones,
        "messages": await messages_of(db, project_id),
        "flagged": await flagged_by(db, view),
        "live_seq": await realtime.last_seq(db, channel(project_id)),
        **choices.for_templates(),
    }

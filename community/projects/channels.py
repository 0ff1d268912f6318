"""The projects' live channels, and what open pages are sent when a project changes."""

from __future__ import annotations

from functools import partial

from sqlmodel.ext.asyncio.session import AsyncSession

import realtime
from community.models import Project
from community.projects.access import ProjectView
from community.templating import as_event, refetch_nudge

# The regions of a project's page that a change pushes to open pages.
REGIONS = ("head", "members", "board", "compose", "messages")


def channel(project_id: int) -> str:
    return f"project:{project_id}"


def review_channel(iteration_id: int) -> str:
    """The trainers' queue of reported messages in a group's projects."""
    return f"review:{iteration_id}"


async def push(db: AsyncSession, view: ProjectView, *regions: str) -> None:
    """Open pages get these regions as they are now: each rendered once per language and
    role, after the channel's lock is held, so that pages follow the events' order."""
    # The page reads what the actions write, and the actions push: imported when used.
    from community.projects.page import variants

    async def rendered(region: str) -> str:
        return as_event(await variants(db, view, region))

    for region in regions:
        await realtime.append(db, channel(view.project.id or 0), partial(rendered, region))


# The people whose seat in a project a write changed, kept on its session until it commits.
RESEATED = "projects.reseated"


def reseat(db: AsyncSession, user_id: int) -> None:
    """This person's seat changes with this write: their role, and what their open pages
    show, with it (see `reseated`)."""
    db.info.setdefault(RESEATED, set()).add(user_id)


def reseated(db: AsyncSession) -> set[int]:
    """Whose role this transaction changed: once it commits, their sockets hear the project
    in their new role (the hub re-checks them and their pages fetch their regions again)."""
    return set(db.info.pop(RESEATED, set()))


async def nudge_review(db: AsyncSession, project: Project) -> None:
    iteration_id = project.iteration_id
    await realtime.append(
        db,
        review_channel(iteration_id),
        refetch_nudge(f"review-{iteration_id}", f"/iterations/{iteration_id}/review"),
    )

"""The projects' live channels, and what open pages are told when a project changes."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

import realtime
from community.models import Project
from community.templating import refetch_nudge

# The regions of a project's page that a change makes open pages fetch again.
REGIONS = ("head", "members", "board", "compose", "messages")


def channel(project_id: int) -> str:
    return f"project:{project_id}"


def review_channel(iteration_id: int) -> str:
    """The trainers' queue of reported messages in a group's projects."""
    return f"review:{iteration_id}"


async def nudge(db: AsyncSession, project: Project, *regions: str) -> None:
    """Open pages fetch these regions again: each person sees their own buttons and rights."""
    project_id = project.id or 0
    for region in regions:
        await realtime.append(
            db,
            channel(project_id),
            refetch_nudge(f"{region}-{project_id}", f"/projects/{project_id}?region={region}"),
        )


async def nudge_review(db: AsyncSession, project: Project) -> None:
    iteration_id = project.iteration_id
    await realtime.append(
        db,
        review_channel(iteration_id),
        refetch_nudge(f"review-{iteration_id}", f"/iterations/{iteration_id}/review"),
    )

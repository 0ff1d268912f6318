"""What a project's page shows: its regions, the same for everyone in a role, read in one go
for the page, for a region fetched again, or for a region pushed to every open page; and
the little that is the reader's own, which the page applies to the regions
(static/js/viewer.js)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

import realtime
from community.models import User
from community.projects import choices
from community.projects.access import ProjectView
from community.projects.audience import ROLES, role_of, role_view
from community.projects.board import tasks_and_milestones
from community.projects.channels import channel
from community.projects.choices import MemberStatus
from community.projects.discussion import flagged_by, mention_name, threads_of
from community.projects.membership import members_of, roles_of
from community.projects.photos import photos_of
from community.projects.proposals import has_supported, supporters
from community.templating import render_each

TEMPLATE = "projects/project.html"


async def _head(db: AsyncSession, view: ProjectView) -> dict[str, Any]:
    project_id = view.project.id or 0
    return {
        "author": await db.get(User, view.project.author_id),
        "supports": await supporters(db, project_id),
        "threshold": view.group.iteration.support_threshold,
        "live_seq": await realtime.last_seq(db, channel(project_id)),
    }


async def _members(db: AsyncSession, view: ProjectView) -> dict[str, Any]:
    project_id = view.project.id or 0
    members = await members_of(db, project_id)
    # Who the message box offers to mention: the seated members, by the name that tells them.
    seated = (person for member, person in members if member.status == MemberStatus.MEMBER)
    mentions = {person.id: name for person in seated if (name := mention_name(person))}
    return {"roles": await roles_of(db, project_id), "members": members, "mentions": mentions}


async def _board(db: AsyncSession, view: ProjectView) -> dict[str, Any]:
    tasks, milestones = await tasks_and_milestones(db, view.project.id or 0)
    return {"tasks": tasks, "milestones": milestones}


async def _messages(db: AsyncSession, view: ProjectView) -> dict[str, Any]:
    threads = await threads_of(db, view.project.id or 0)
    shown = [message for thread in threads for message, _author in thread.messages]
    return {"threads": threads, "photos": await photos_of(db, shown)}


async def _compose(db: AsyncSession, view: ProjectView) -> dict[str, Any]:
    return {}  # the message box, or why there is none, needs only the project and the role


async def discussion_answer(db: AsyncSession, view: ProjectView) -> dict[str, Any]:
    """What the answer to a message sent from the page shows its sender: the message box,
    emptied, and the messages, as their role sees them (the same as pushed to them)."""
    context = await _shared(db, view, ["compose", "messages"])
    context.update(choices.for_templates(), view=role_view(view, role_of(view)), oob=True)
    return context


# What each live region of the page reads: a region fetched again alone reads only its own.
REGION_PARTS = {
    "head": _head,
    "members": _members,
    "board": _board,
    "compose": _compose,
    "messages": _messages,
}


async def _shared(db: AsyncSession, view: ProjectView, regions: Iterable[str]) -> dict[str, Any]:
    """What these regions show every reader, whatever their role."""
    context: dict[str, Any] = {"p": view.project}
    for region in regions:
        context.update(await REGION_PARTS[region](db, view))
    return context


async def _reader(db: AsyncSession, view: ProjectView) -> dict[str, Any]:
    """The reader's own, outside the regions: who they are, what they did already."""
    return {
        "id": view.user.id,
        "supported": await has_supported(db, view.project.id or 0, view.user.id or 0),
        "flagged": sorted(await flagged_by(db, view)),
    }


async def page_context(
    db: AsyncSession, view: ProjectView, region: str | None = None
) -> dict[str, Any]:
    """The whole page's context, or only what `region` shows. The regions are rendered for
    the reader's role, exactly as they are pushed to that role."""
    if region in REGION_PARTS:
        context = await _shared(db, view, [region])
    else:
        context = await _shared(db, view, REGION_PARTS)
        context["reader"] = await _reader(db, view)
    context.update(choices.for_templates(), view=role_view(view, role_of(view)))
    return context


async def variants(db: AsyncSession, view: ProjectView, region: str) -> dict[tuple[str, str], str]:
    """`region` as pushed to every open page: read once, rendered for each language and role,
    keyed by (language, role)."""
    shared = await _shared(db, view, [region])
    shared.update(errors={}, values={}, oob=True)

    def contexts() -> dict[str, dict[str, Any]]:
        spoken_choices = choices.for_templates()  # their labels, in the language rendered
        return {role: {**shared, **spoken_choices, "view": role_view(view, role)} for role in ROLES}

    return render_each(TEMPLATE, region, contexts)

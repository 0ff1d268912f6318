"""Announcing to a whole group, and the announcements' section of the group's page."""

from __future__ import annotations

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from community import announcements, permissions
from community.area import Area
from community.i18n import _
from community.models import Announcement, User
from community.personal_data import (
    Basis,
    Holding,
    OnErase,
    Retention,
    as_long_as_the_space,
    trainers_of_the_group,
)
from community.trainings import IterationView
from community.views import form_data, shows_errors_on
from community.views.trainings import back_to_group, group_write, iteration_page


@shows_errors_on(iteration_page)
async def post(request: Request) -> Response:
    data = await form_data(request)
    async with group_write(request) as (session, user, view):
        await announcements.post(session, user, view, data)
    return back_to_group(request)


async def _section(
    session: AsyncSession, user: User, view: IterationView, _request: Request
) -> dict[str, Any]:
    return await announcements.group_page(session, user, view)


AREA = Area(
    "announcements",
    routes=[Route("/iterations/{iteration_id:id}/announcements", post, methods=["POST"])],
    rules=[permissions.can_announce],
    group_page=_section,
    personal_data=(
        Holding(
            Announcement,
            person=("author_id",),
            what=lambda: _("The announcements you posted to a group."),
            purpose=lambda: _("Informing the group."),
            basis=Basis.CONTRACT,
            retention=Retention(as_long_as_the_space),
            on_erase=OnErase.KEEP_AS_FORMER,
            recipients=trainers_of_the_group,
            exported=("iteration_id", "body", "created_at"),
        ),
    ),
)

"""Bridges: from a blocking point or a journal entry to the help request or project
proposal form, prefilled. Each page is the form itself (the same page as /help or
/projects); nothing is sent until the learner sends it there."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from community import permissions
from community.area import Area
from community.bridges import sources
from community.bridges.sources import Source
from community.models import User
from community.views import db, signed_in
from community.views import projects as project_views
from community.views import tutoring as tutoring_views

Find = Callable[[AsyncSession, User, Request], Awaitable[Source]]


async def _blocking_point(session: AsyncSession, user: User, request: Request) -> Source:
    return await sources.blocking_point(session, user, int(request.path_params["session_id"]))


async def _journal_entry(session: AsyncSession, user: User, request: Request) -> Source:
    return await sources.journal_entry(session, user, int(request.path_params["entry_id"]))


async def _source(request: Request, find: Find) -> Source:
    user = signed_in(request)
    async with db(request).session() as session:
        return await find(session, user, request)


def _to_help(find: Find) -> Callable[[Request], Awaitable[Response]]:
    async def page(request: Request) -> Response:
        source = await _source(request, find)
        return await tutoring_views.help_page(request, values=sources.help_values(source))

    return page


def _to_project(find: Find) -> Callable[[Request], Awaitable[Response]]:
    async def page(request: Request) -> Response:
        source = await _source(request, find)
        return await project_views.list_page(request, values=sources.project_values(source))

    return page


BLOCKING = "/sessions/{session_id:id}/capsule/blocking"
ENTRY = "/journal/entries/{entry_id:id}"

AREA = Area(
    "bridges",
    routes=[
        Route(BLOCKING + "/help", _to_help(_blocking_point), methods=["GET"]),
        Route(BLOCKING + "/project", _to_project(_blocking_point), methods=["GET"]),
        Route(ENTRY + "/help", _to_help(_journal_entry), methods=["GET"]),
        Route(ENTRY + "/project", _to_project(_journal_entry), methods=["GET"]),
    ],
    rules=[permissions.can_bridge_own_text],
)

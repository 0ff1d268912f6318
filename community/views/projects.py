"""Collective project pages: the list, proposing, the project space, moderation."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

import realtime
from community import permissions, projects, trainings
from community.area import Area, Channel, NavEntry
from community.forms import FormError
from community.i18n import _
from community.models import User
from community.templating import render
from community.trainings import Forbidden, NotFound
from community.views import current_user, db, form_data, redirect


def _user(request: Request) -> User:
    user = current_user(request)
    if user is None:
        raise HTTPException(404)
    return user


async def list_page(request: Request) -> Response:
    user = _user(request)
    params = request.query_params
    page = params.get("page", "1")
    filters = {
        "status": params.get("status", ""),
        "skill": params.get("skill", ""),
        "words": params.get("q", ""),
    }
    async with db(request).session() as session:
        rows, pages = await projects.listing(
            session, user, page=int(page) if page.isdigit() else 1, **filters
        )
        groups = [
            (it.id, f"{tr.title} · {it.name}")
            for it, tr, role in await trainings.my_iterations(session, user)
            if role == "learner"
        ]
    context = {
        "rows": rows, "pages": pages, "page": int(page) if page.isdigit() else 1,
        "filters": filters, "groups": groups, "idem": secrets.token_urlsafe(16),
        "values": {"weeks": "4"},
    }  # fmt: skip
    return render(request, "projects.html", context)


async def propose(request: Request) -> Response:
    user = _user(request)
    data = await form_data(request)
    raw = data.get("iteration_id", "")
    async with db(request).session() as session:
        try:
            group = await trainings.iteration_view(session, user, int(raw) if raw.isdigit() else 0)
            project = await projects.propose(session, user, group, data)
        except (NotFound, Forbidden):
            raise HTTPException(404) from None
        except FormError as exc:
            return await _proposal_form(request, user, exc)
    return redirect(f"/projects/{project.id}")


async def _proposal_form(request: Request, user: User, exc: FormError) -> Response:
    async with db(request).session() as session:
        groups = [
            (it.id, f"{tr.title} · {it.name}")
            for it, tr, role in await trainings.my_iterations(session, user)
            if role == "learner"
        ]
    context = {
        "rows": [], "pages": 1, "page": 1, "filters": {"status": "", "skill": "", "words": ""},
        "groups": groups, "idem": exc.values.get("idem", ""), "errors": exc.errors,
        "values": exc.values, "open_form": True,
    }  # fmt: skip
    return render(request, "projects.html", context, status_code=422)


async def _view(session: AsyncSession, user: User, request: Request) -> projects.ProjectView:
    try:
        return await projects.project_view(session, user, int(request.path_params["project_id"]))
    except NotFound:
        raise HTTPException(404) from None


async def project_page(request: Request, **extra: object) -> Response:
    user = _user(request)
    async with db(request).session() as session:
        view = await _view(session, user, request)
        project_id = view.project.id or 0
        tasks, milestones = await projects.board(session, project_id)
        members = await projects.members_of(session, project_id)
        context = {
            "view": view,
            "p": view.project,
            "author": await session.get(User, view.project.author_id),
            "supports": await projects.supporters(session, project_id),
            "supported": await projects.has_supported(session, project_id, user.id or 0),
            "threshold": view.group.iteration.support_threshold,
            "roles": await projects.roles_of(session, project_id),
            "members": members,
            "tasks": tasks,
            "milestones": milestones,
            "messages": await projects.messages_of(session, project_id),
            "flagged": await projects.flagged_by(session, view),
            "here": await request.app.state.live.who_is_here_in(projects.channel(project_id)),
            "live_seq": await realtime.last_seq(session, projects.channel(project_id)),
            "now": projects.utcnow(),
            "edit_window": projects.EDIT_WINDOW,
            **extra,
        }
    region = request.query_params.get("region")
    block = region if region in projects.REGIONS else None
    status = 422 if extra else 200
    return render(request, "project.html", context, status_code=status, block=block)


Act = Callable[[AsyncSession, projects.ProjectView, dict[str, str], Request], Awaitable[object]]


async def _act(request: Request, act: Act) -> Response:
    """One action in a project; refused ones say why on the project's page."""
    user = _user(request)
    data = await form_data(request)
    async with db(request).session() as session:
        view = await _view(session, user, request)
        project_id = view.project.id
        try:
            await act(session, view, data, request)
        except (Forbidden, NotFound):
            raise HTTPException(404) from None
        except FormError as exc:
            return await project_page(request, errors=exc.errors, values=exc.values)
    return redirect(f"/projects/{project_id}")


def _id(request: Request, name: str) -> int:
    return int(request.path_params[name])


def action(function: Callable[..., Awaitable[object]], *path: str, data: bool = False):  # type: ignore[no-untyped-def]
    """A route for a project action: path ids and, when asked, the form go to the area."""

    async def endpoint(request: Request) -> Response:
        async def act(session, view, form, request):  # type: ignore[no-untyped-def]
            ids = [_id(request, name) for name in path]
            return await function(session, view, *ids, *([form] if data else []))

        return await _act(request, act)

    return endpoint


async def join(request: Request) -> Response:
    async def act(session, view, form, _request):  # type: ignore[no-untyped-def]
        role = form.get("role_id", "")
        await projects.join(session, view, int(role) if role.isdigit() else 0)

    return await _act(request, act)


async def decide_join(request: Request) -> Response:
    async def act(session, view, form, request):  # type: ignore[no-untyped-def]
        await projects.decide_join(
            session, view, _id(request, "member_id"), form.get("accept") == "1"
        )

    return await _act(request, act)


async def move_task(request: Request) -> Response:
    async def act(session, view, form, request):  # type: ignore[no-untyped-def]
        await projects.move_task(session, view, _id(request, "task_id"), form.get("status", ""))

    return await _act(request, act)


async def audit_page(request: Request) -> Response:
    user = _user(request)
    async with db(request).session() as session:
        view = await _view(session, user, request)
        try:
            entries = await projects.audit_log(session, view)
        except Forbidden:
            raise HTTPException(404) from None
    return render(request, "project_audit.html", {"view": view, "entries": entries})


async def review_page(request: Request) -> Response:
    user = _user(request)
    async with db(request).session() as session:
        try:
            group = await trainings.iteration_view(session, user, _id(request, "iteration_id"))
            queue = await projects.review_queue(session, user, group)
            channel = projects.review_channel(group.iteration.id or 0)
            live_seq = await realtime.last_seq(session, channel)
        except (NotFound, Forbidden):
            raise HTTPException(404) from None
    context = {"group": group, "queue": queue, "live_seq": live_seq}
    return render(request, "review_queue.html", context)


def _project_actions() -> list[Route]:
    """Every action in a project space is a POST under /projects/<id>/."""
    act = action
    area = projects
    paths = {
        "edit": act(area.edit_draft, data=True),
        "publish": act(area.publish),
        "support": act(area.support),
        "launch": act(area.launch),
        "decide": act(area.decide, data=True),
        "join": join,
        "leave": act(area.leave),
        "members/{member_id:int}/decide": decide_join,
        "members/{member_id:int}/remove": act(area.remove_member, "member_id", data=True),
        "tasks": act(area.add_task, data=True),
        "tasks/{task_id:int}/move": move_task,
        "milestones": act(area.add_milestone, data=True),
        "milestones/{milestone_id:int}/toggle": act(area.toggle_milestone, "milestone_id"),
        "messages": act(area.post, data=True),
        "messages/{message_id:int}/edit": act(area.edit, "message_id", data=True),
        "messages/{message_id:int}/delete": act(area.delete, "message_id"),
        "messages/{message_id:int}/flag": act(area.flag, "message_id", data=True),
        "messages/{message_id:int}/hide": act(area.hide, "message_id", data=True),
        "messages/{message_id:int}/pin": act(area.pin, "message_id"),
        "space": act(area.set_space, data=True),
    }
    return [
        Route(f"/projects/{{project_id:int}}/{path}", endpoint, methods=["POST"])
        for path, endpoint in paths.items()
    ]


async def _hears_project(session: AsyncSession, user: User, project_id: int) -> bool:
    await projects.project_view(session, user, project_id)
    return True


async def _hears_review(session: AsyncSession, user: User, iteration_id: int) -> bool:
    view = await trainings.iteration_view(session, user, iteration_id)
    return permissions.can_review_feedback(user, view.facts)


AREA = Area(
    "projects",
    routes=[
        Route("/projects", list_page, methods=["GET"]),
        Route("/projects", propose, methods=["POST"]),
        Route("/projects/{project_id:int}", project_page),
        Route("/projects/{project_id:int}/audit", audit_page),
        *_project_actions(),
        Route("/iterations/{iteration_id:int}/review", review_page),
    ],
    channels={
        "project": Channel(_hears_project, presence=("project.html", "project_id")),
        "review": Channel(_hears_review),
    },
    notifications={
        "threshold": lambda title: (
            _("Your proposal “%(title)s” has enough supports: you can launch it.")
            % {"title": title}
        ),
        "joined": lambda name: _("%(name)s joined your project.") % {"name": name},
        "task": lambda title: _("A task was given to you: %(title)s.") % {"title": title},
        "mention": lambda title: _("You were mentioned in “%(title)s”.") % {"title": title},
        "hidden": lambda reason: (
            _("A trainer hid one of your messages: %(reason)s") % {"reason": reason}
        ),
    },
    nav=[NavEntry("/projects", lambda: _("Projects"), lambda _user: True, order=20)],
)

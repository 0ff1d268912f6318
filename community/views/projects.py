"""Collective project pages: the list, proposing, the project space, moderation."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

import realtime
from community import forms, parsing, permissions, projects, trainings
from community.area import Area, Channel, NavEntry
from community.i18n import _
from community.projects import choices
from community.templating import render, wants_fragment
from community.views import (
    Endpoint,
    db,
    form_data,
    redirect,
    shows_errors_on,
    signed_in,
    transaction,
)

# The list's filters, as its search form sends them: an unknown status shows every project.
FILTERS = (
    forms.Text("status", max_length=40, required=False),
    forms.Text("skill", max_length=300, required=False),
    forms.Text("q", max_length=300, required=False),
)


async def list_page(
    request: Request, errors: dict[str, str] | None = None, values: dict[str, str] | None = None
) -> Response:
    """The projects I can see; a refused proposal comes back here, its form open."""
    user = signed_in(request)
    page = parsing.query_page(request.query_params)
    asked = forms.query(request.query_params, *FILTERS)
    filters = {"status": asked["status"], "skill": asked["skill"], "words": asked["q"]}
    async with db(request).session() as session:
        rows, pages = await projects.listing(session, user, page=page, **filters)
        groups = await projects.groups_to_propose_in(session, user)
    values = values or {"weeks": str(choices.DEFAULT_WEEKS)}
    context = {
        "rows": rows, "pages": pages, "page": page, "filters": filters, "groups": groups,
        "idem": values.get("idem") or secrets.token_urlsafe(16), "max_roles": projects.MAX_ROLES,
        "errors": errors or {}, "values": values, **choices.for_templates(),
    }  # fmt: skip
    return render(request, "projects/list.html", context, status_code=422 if errors else 200)


@shows_errors_on(list_page)
async def propose(request: Request) -> Response:
    user = signed_in(request)
    data = await form_data(request)
    async with transaction(request) as session:
        group = await trainings.iteration_view(
            session, user, parsing.ident_or_zero(data.get("iteration_id"))
        )
        project = await projects.propose(session, user, group, data)
    return redirect(f"/projects/{project.id}")


async def project_page(
    request: Request, errors: dict[str, str] | None = None, values: dict[str, str] | None = None
) -> Response:
    """The project's space, or the region (`?region=`) a live update asks for again; a
    refused action shows it again with why (422)."""
    user = signed_in(request)
    region = request.query_params.get("region")
    block = region if region in projects.REGIONS and wants_fragment(request) else None
    async with db(request).session() as session:
        view = await projects.project_view(session, user, request.path_params["project_id"])
        context = await projects.page_context(session, view, block)
    if block is None:  # who is here has a live region of its own
        channel = projects.channel(view.project.id or 0)
        context["here"] = await request.app.state.live.who_is_here_in(channel)
    if errors is not None:
        context.update(errors=errors, values=values or {})
    status = 422 if errors is not None else 200
    return render(request, "projects/project.html", context, status_code=status, block=block)


@dataclass(frozen=True)
class Sent:
    """What an action in a project was sent: the ids in its address, and the form."""

    ids: Mapping[str, Any]
    form: dict[str, str]


Act = Callable[[AsyncSession, projects.ProjectView, Sent], Awaitable[object]]


def in_project(act: Act) -> Endpoint:
    """A POST under /projects/<id>/: the action runs on the project as the signed-in person
    sees it, and they are taken back to the project."""

    @shows_errors_on(project_page)
    async def endpoint(request: Request) -> Response:
        user = signed_in(request)
        sent = Sent(request.path_params, await form_data(request))
        async with transaction(request) as session:
            view = await projects.acting_view(session, user, sent.ids["project_id"])
            await act(session, view, sent)
        return redirect(f"/projects/{view.project.id}")

    return endpoint


# Every action in a project space, by its address under /projects/<id>/.
ACTIONS: dict[str, Act] = {
    "edit": lambda s, view, sent: projects.edit_draft(s, view, sent.form),
    "publish": lambda s, view, _sent: projects.publish(s, view),
    "support": lambda s, view, _sent: projects.support(s, view),
    "launch": lambda s, view, _sent: projects.launch(s, view),
    "decide": lambda s, view, sent: projects.decide(s, view, sent.form),
    "join": lambda s, view, sent: projects.join(
        s, view, parsing.ident_or_zero(sent.form.get("role_id"))
    ),
    "leave": lambda s, view, _sent: projects.leave(s, view),
    "members/{member_id:id}/decide": lambda s, view, sent: projects.decide_join(
        s, view, sent.ids["member_id"], sent.form.get("accept") == "1"
    ),
    "members/{member_id:id}/remove": lambda s, view, sent: projects.remove_member(
        s, view, sent.ids["member_id"], sent.form
    ),
    "tasks": lambda s, view, sent: projects.add_task(s, view, sent.form),
    "tasks/{task_id:id}/move": lambda s, view, sent: projects.move_task(
        s, view, sent.ids["task_id"], sent.form.get("status", "")
    ),
    "milestones": lambda s, view, sent: projects.add_milestone(s, view, sent.form),
    "milestones/{milestone_id:id}/toggle": lambda s, view, sent: projects.toggle_milestone(
        s, view, sent.ids["milestone_id"]
    ),
    "messages": lambda s, view, sent: projects.post(s, view, sent.form),
    "messages/{message_id:id}/edit": lambda s, view, sent: projects.edit(
        s, view, sent.ids["message_id"], sent.form
    ),
    "messages/{message_id:id}/delete": lambda s, view, sent: projects.delete(
        s, view, sent.ids["message_id"]
    ),
    "messages/{message_id:id}/flag": lambda s, view, sent: projects.flag(
        s, view, sent.ids["message_id"], sent.form
    ),
    "messages/{message_id:id}/hide": lambda s, view, sent: projects.hide(
        s, view, sent.ids["message_id"], sent.form
    ),
    "messages/{message_id:id}/pin": lambda s, view, sent: projects.pin(
        s, view, sent.ids["message_id"]
    ),
    "space": lambda s, view, sent: projects.set_space(s, view, sent.form),
}


async def audit_page(request: Request) -> Response:
    user = signed_in(request)
    async with db(request).session() as session:
        view = await projects.project_view(session, user, request.path_params["project_id"])
        entries = await projects.audit_log(session, view)
    context = {"view": view, "entries": entries, **choices.for_templates()}
    return render(request, "projects/audit.html", context)


async def review_page(request: Request) -> Response:
    """The messages reported in a group's projects, for its trainers; live."""
    user = signed_in(request)
    async with db(request).session() as session:
        group = await trainings.iteration_view(session, user, request.path_params["iteration_id"])
        queue = await projects.review_queue(session, user, group)
        channel = projects.review_channel(group.iteration.id or 0)
        live_seq = await realtime.last_seq(session, channel)
    context = {"group": group, "queue": queue, "live_seq": live_seq}
    return render(request, "projects/review_queue.html", context)


AREA = Area(
    "projects",
    routes=[
        Route("/projects", list_page, methods=["GET"]),
        Route("/projects", propose, methods=["POST"]),
        Route("/projects/{project_id:id}", project_page),
        Route("/projects/{project_id:id}/audit", audit_page),
        *(
            Route(f"/projects/{{project_id:id}}/{path}", in_project(act), methods=["POST"])
            for path, act in ACTIONS.items()
        ),
        Route("/iterations/{iteration_id:id}/review", review_page),
    ],
    channels={
        "project": Channel(projects.may_hear, presence=("projects/project.html", "project_id")),
        "review": Channel(projects.may_hear_review),
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
    rules=[
        permissions.can_view_project,
        permissions.can_propose_project,
        permissions.can_edit_project_draft,
        permissions.can_publish_project,
        permissions.can_support_project,
        permissions.can_launch_project,
        permissions.can_decide_project_proposal,
        permissions.can_join_project,
        permissions.can_leave_project,
        permissions.can_accept_project_members,
        permissions.can_run_project_board,
        permissions.can_post_in_project,
        permissions.can_flag_project_message,
        permissions.can_edit_project_message,
        permissions.can_delete_project_message,
        permissions.can_see_why_message_hidden,
        permissions.can_moderate_project,
        permissions.can_read_project_audit,
        permissions.can_review_reported_messages,
    ],
)

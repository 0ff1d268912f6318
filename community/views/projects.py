"""Collective project pages: the list, proposing, the project space, moderation."""

from __future__ import annotations

import asyncio
import re
import secrets
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

import realtime
from community import forms, images, parsing, permissions, projects, storage, trainings
from community.area import Area, Channel, NavEntry
from community.errors import NotFound
from community.i18n import _
from community.models import (
    Flag,
    Message,
    MessagePhoto,
    ModerationEntry,
    Project,
    ProjectMember,
    ProjectSupport,
    Task,
)
from community.personal_data import (
    Basis,
    Holding,
    OnErase,
    Retention,
    as_long_as_the_space,
    members_of_the_space,
)
from community.projects import choices, photos
from community.templating import render, render_regions, wants_fragment
from community.views import (
    Endpoint,
    current_user,
    db,
    form_data,
    redirect,
    shows_errors_on,
    signed_in,
    transaction,
    uploaded,
)

# The posts that may carry a picture, and how large their body may be: twice the picture's
# limit, so that a picture somewhat too large is refused next to its field, not by an error
# page, and what was typed with it is kept.
UPLOADS = ((re.compile(r"/projects/[0-9]+/messages"), 2 * images.MAX_BYTES),)

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
    """What an action in a project was sent: the ids in its address, the form, the file
    chosen if any; and where files are kept."""

    ids: Mapping[str, Any]
    form: dict[str, str]
    file: bytes | None
    media: storage.Storage

    @property
    def photo(self) -> images.Upload | None:
        return None if self.file is None else images.Upload(self.file, self.media)


Act = Callable[[AsyncSession, projects.ProjectView, Sent], Awaitable[object]]


def in_project(act: Act, in_place: bool = False) -> Endpoint:
    """A POST under /projects/<id>/: the action runs on the project as the signed-in person
    sees it, and they are taken back to the project. A message form sent from the page with
    htmx (`in_place`) is answered with what changed instead, swapped where the page is."""

    @shows_errors_on(message_form_again if in_place else project_page)
    async def endpoint(request: Request) -> Response:
        user = signed_in(request)
        form = await form_data(request)
        file = await uploaded(request, images.FIELD, images.MAX_BYTES)
        sent = Sent(request.path_params, form, file, request.app.state.media)
        answer_here = in_place and wants_fragment(request)
        async with transaction(request) as session:
            view = await projects.acting_view(session, user, sent.ids["project_id"])
            await act(session, view, sent)
            reseated = projects.reseated(session)
            answer = await projects.discussion_answer(session, view) if answer_here else None
        # A seat taken or freed changes a role: every process re-checks how those people
        # hear the project, and their pages fetch what their new role sees. Not the actor:
        # their page is loaded again after this answer, and its new socket hears the new
        # role; a re-fetch of the old page could land on the new one, over what they type.
        for person in sorted(reseated - {user.id}):
            await request.app.state.live.hub.control(type="reauthorize", user=str(person))
        if answer is not None:
            return render_regions(request, "projects/project.html", answer, DISCUSSION_REGIONS)
        return redirect(f"/projects/{view.project.id}")

    return endpoint


# What a message sent in place changes on its sender's page.
DISCUSSION_REGIONS = ("compose", "messages")


async def message_form_again(
    request: Request, errors: dict[str, str] | None = None, values: dict[str, str] | None = None
) -> Response:
    """A refused message form sent with htmx comes back alone, in place of the one sent, with
    why and what was typed (422); sent without htmx, the page shows it."""
    if not wants_fragment(request):
        return await project_page(request, errors, values)
    values = values or {}
    form, message_id = "compose", None
    if "message_id" in request.path_params:
        form, message_id = "edit", request.path_params["message_id"]
    elif reply_to := parsing.ident((await form_data(request)).get("reply_to")):
        form, message_id = "reply", reply_to
    context = {
        "p": {"id": request.path_params["project_id"]}, "form": form,
        "message": {"id": message_id}, "errors": errors or {}, "values": values,
    }  # fmt: skip
    return render(request, "projects/message_form.html", context, status_code=422)


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
    "messages": lambda s, view, sent: projects.post(s, view, sent.form, sent.photo),
    "messages/{message_id:id}/edit": lambda s, view, sent: projects.edit(
        s, view, sent.ids["message_id"], sent.form
    ),
    "messages/{message_id:id}/delete": lambda s, view, sent: projects.delete(
        s, view, sent.ids["message_id"], sent.media
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


async def photo(request: Request) -> Response:
    """A message's photo, for those who read the message; anyone else, signed in or not,
    is told there is none."""
    user = current_user(request)
    if user is None:
        raise NotFound
    async with db(request).session() as session:
        view = await projects.project_view(session, user, request.path_params["project_id"])
        shown = await photos.shown(session, view, request.path_params["key"])
    content = await asyncio.to_thread(request.app.state.media.get, shown.key)
    if content is None:
        raise NotFound
    headers = {
        "cache-control": "private",
        "content-disposition": "inline",
        # Opened alone, the picture is a document of its own: it may run nothing.
        "content-security-policy": "default-src 'none'; img-src 'self'; sandbox",
    }
    return Response(content, media_type=shown.content_type, headers=headers)


async def audit_page(request: Request) -> Response:
    user = signed_in(request)
    async with db(request).session() as session:
        view = await projects.project_view(session, user, request.path_params["project_id"])
        entries = await projects.audit_log(session, view)
    context = {"view": view, "entries": entries, **choices.for_templates()}
    return render(request, "projects/audit.html", context)


async def why_hidden_page(request: Request) -> Response:
    """Why a trainer hid a message: for its author (and the trainers)."""
    user = signed_in(request)
    async with db(request).session() as session:
        view = await projects.project_view(session, user, request.path_params["project_id"])
        message = await projects.why_hidden(session, view, request.path_params["message_id"])
    return render(request, "projects/why_hidden.html", {"view": view, "message": message})


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
        Route("/projects/{project_id:id}/photos/{key:token}", photo),
        Route("/projects/{project_id:id}/messages/{message_id:id}/why", why_hidden_page),
        *(
            Route(
                f"/projects/{{project_id:id}}/{path}",
                in_project(act, in_place=path.startswith("messages")),
                methods=["POST"],
            )
            for path, act in ACTIONS.items()
        ),
        Route("/iterations/{iteration_id:id}/review", review_page),
    ],
    channels={
        "project": Channel(
            projects.may_hear,
            role=projects.project_role,
            presence=("projects/project.html", "project_id"),
        ),
        "review": Channel(projects.may_hear_review),
    },
    notifications={
        "threshold": lambda title: (
            _("Your proposal “%(title)s” has enough supports: you can launch it.")
            % {"title": title}
        ),
        "joined": lambda name: _("%(name)s joined your project.") % {"name": name},
        "lead": lambda title: (
            _("You now lead “%(title)s”: its lead has left Ruche.") % {"title": title}
        ),
        "task": lambda title: _("A task was given to you: %(title)s.") % {"title": title},
        "mention": lambda *said: (
            _("%(name)s mentioned you in “%(title)s”.") % {"name": said[0], "title": said[1]}
            if len(said) == 2  # who, and where (`notifications.subject_of`)
            else _("You were mentioned in “%(title)s”.") % {"title": said[0]}
        ),
        "reply": lambda title: _("Someone replied to you in “%(title)s”.") % {"title": title},
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
        permissions.can_see_message_photo,
        permissions.can_moderate_project,
        permissions.can_read_project_audit,
        permissions.can_review_reported_messages,
    ],
    personal_data=(
        Holding(
            Project,
            person=("author_id",),
            what=lambda: _("The projects you proposed."),
            purpose=lambda: _("Running collective projects chosen by learners."),
            basis=Basis.CONTRACT,
            retention=Retention(as_long_as_the_space),
            on_erase=OnErase.KEEP_AS_FORMER,
            recipients=members_of_the_space,
            exported=("iteration_id", "title", "pitch", "goals", "skills", "status", "created_at"),
        ),
        Holding(
            ProjectSupport,
            person=("user_id",),
            what=lambda: _("The projects you supported."),
            purpose=lambda: _("Counting support until a project can start."),
            basis=Basis.CONTRACT,
            retention=Retention(as_long_as_the_space),
            on_erase=OnErase.KEEP_AS_FORMER,
            recipients=members_of_the_space,
            exported=("project_id",),
        ),
        Holding(
            ProjectMember,
            person=("user_id",),
            what=lambda: _("Your places in project teams."),
            purpose=lambda: _("Forming project teams."),
            basis=Basis.CONTRACT,
            retention=Retention(as_long_as_the_space),
            on_erase=OnErase.DELETE,
            recipients=members_of_the_space,
            exported=("project_id", "role_id", "status", "is_lead", "joined_at"),
        ),
        Holding(
            Task,
            person=("assignee_id",),
            what=lambda: _("The project tasks assigned to you."),
            purpose=lambda: _("Organising the work of a project team."),
            basis=Basis.CONTRACT,
            retention=Retention(as_long_as_the_space),
            on_erase=OnErase.KEEP_AS_FORMER,
            recipients=members_of_the_space,
            exported=("project_id", "title", "status"),
        ),
        Holding(
            Message,
            person=("author_id",),
            what=lambda: _("Your messages in project discussions."),
            purpose=lambda: _("Discussing a project with its team."),
            basis=Basis.CONTRACT,
            retention=Retention(as_long_as_the_space),
            on_erase=OnErase.KEEP_AS_FORMER,
            recipients=members_of_the_space,
            exported=("project_id", "reply_to_id", "body", "created_at", "edited_at", "deleted"),
        ),
        Holding(
            MessagePhoto,
            person=("author_id",),
            what=lambda: _("The photos you attached to your messages in project discussions."),
            purpose=lambda: _("Discussing a project with its team."),
            basis=Basis.CONTRACT,
            retention=Retention(as_long_as_the_space),
            on_erase=OnErase.KEEP_AS_FORMER,
            recipients=members_of_the_space,
            exported=("message_id", "width", "height", "size", "content_type", "alt", "created_at"),
        ),
        Holding(
            Flag,
            person=("user_id",),
            what=lambda: _("The messages you reported, and why."),
            purpose=lambda: _("Moderating project spaces."),
            basis=Basis.LEGITIMATE_INTEREST,
            retention=Retention(as_long_as_the_space),
            on_erase=OnErase.KEEP_AS_FORMER,
            recipients=lambda: _("The trainers of the group."),
            exported=("message_id", "reason", "created_at", "resolved"),
        ),
        Holding(
            ModerationEntry,
            person=("actor_id",),
            what=lambda: _("What you did as a moderator of a project space."),
            purpose=lambda: _("Keeping an audit log of moderation."),
            basis=Basis.LEGITIMATE_INTEREST,
            retention=Retention(as_long_as_the_space),
            on_erase=OnErase.KEEP_AS_FORMER,
            recipients=lambda: _("The trainers of the group and the provider's staff."),
            exported=("project_id", "action", "detail", "reason", "created_at"),
        ),
    ),
)

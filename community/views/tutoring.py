"""Peer tutoring pages: my skills, asking for help, a request's page, the trainer's view."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from community import forms, permissions, tutoring
from community.area import Area, Channel, NavEntry
from community.i18n import _
from community.models import HelpOffer, HelpRequest, LearnerSkill, Skill, Thanks, User
from community.personal_data import (
    Basis,
    Holding,
    OnErase,
    Retention,
    as_long_as_the_account,
    as_long_as_the_space,
    nobody_else,
    trainers_of_the_group,
)
from community.templating import render
from community.views import (
    Endpoint,
    db,
    form_data,
    redirect,
    shows_errors_on,
    signed_in,
    transaction,
)


def _render(
    request: Request, name: str, context: dict[str, Any], block: str | None = None
) -> HTMLResponse:
    """A tutoring page; refused forms come back with their messages, as 422."""
    status = 422 if "errors" in context else 200
    full = {"choices": tutoring.choices, **context}
    return render(request, name, full, status_code=status, block=block)


def _options(skills: Iterable[Skill]) -> list[tuple[int | None, str]]:
    return [(skill.id, skill.name) for skill in skills]


async def help_page(request: Request, **extra: object) -> Response:
    user = signed_in(request)
    # Showing requests first closes those nobody took in time: a write.
    async with transaction(request) as session:
        page = await tutoring.peer_help(session, user)
    context = {"page": page, "skills": _options(page.skills), "idem": secrets.token_urlsafe(16)}
    # A link may choose the skill ahead (to practise it, from the skills page; to ask for
    # help, from the compass); the form checks it.
    context["values"] = {"skill_id": request.query_params.get("skill_id", "")}
    return _render(request, "help.html", {**context, **extra}, block="feed")


@shows_errors_on(help_page)
async def ask(request: Request) -> Response:
    user = signed_in(request)
    data = await form_data(request)
    async with transaction(request) as session:
        created = await tutoring.ask(session, user, data, request.app.state.live.is_online)
    return redirect(f"/help/{created.id}")


async def skill_suggestions(request: Request) -> Response:
    """The skills closest to the need being typed, for the learner to pick one (or not)."""
    user = signed_in(request)
    try:
        text = forms.parse(request.query_params, tutoring.SUGGEST_TEXT)["description"]
    except forms.FormError as exc:
        refused = {"problem": exc.errors["description"], "suggested": []}
        return render(request, "_skill_suggestions.html", refused, status_code=422)
    async with db(request).session() as session:
        suggested = await tutoring.suggest_skills(session, user, text)
    found: dict[str, object] = {"problem": None, "suggested": suggested}
    return render(request, "_skill_suggestions.html", found)


def _request_id(request: Request) -> int:
    return int(request.path_params["request_id"])


async def request_page(request: Request, **extra: object) -> Response:
    user = signed_in(request)
    # Showing the request first closes it if nobody took it in time: a write.
    async with transaction(request) as session:
        page = await tutoring.request_page(session, user, _request_id(request))
    return _render(request, "help_request.html", {"page": page, **extra}, block="detail")


Step = Callable[[AsyncSession, User, int, dict[str, str]], Awaitable[None]]


def _step(act: Step) -> Endpoint:
    """One step of a request's life; a refused form is said on the request's page."""

    @shows_errors_on(request_page)
    async def endpoint(request: Request) -> Response:
        user = signed_in(request)
        request_id = _request_id(request)
        data = await form_data(request)
        async with transaction(request) as session:
            await act(session, user, request_id, data)
        return redirect(f"/help/{request_id}")

    return endpoint


async def _confirm(session: AsyncSession, user: User, request_id: int, _data: object) -> None:
    await tutoring.confirm(session, user, request_id)


offer = _step(tutoring.offer)
accept = _step(tutoring.accept)
schedule = _step(tutoring.schedule)
confirm = _step(_confirm)
cancel = _step(tutoring.cancel)
thank = _step(tutoring.thank)


async def _sections(session: AsyncSession, user: User) -> dict[str, Any]:
    """What other areas add to the skills page: their context, and their sections
    (`<area>/_skills.html`), in area order."""
    # Imported here: the list of areas includes this module's.
    from community.areas import AREAS

    context: dict[str, Any] = {"sections": []}
    for area in AREAS:
        if area.skills_page is not None:
            context.update(await area.skills_page(session, user))
            context["sections"].append(f"{area.name}/_skills.html")
    return context


async def skills_page(request: Request, **extra: object) -> Response:
    user = signed_in(request)
    async with db(request).session() as session:
        page = await tutoring.my_skills(session, user)
        sections = await _sections(session, user)
    context = {"marks": page.marks, "catalogue": _options(page.catalogue), **sections, **extra}
    return _render(request, "skills.html", context)


@shows_errors_on(skills_page)
async def mark_skill(request: Request) -> Response:
    user = signed_in(request)
    data = await form_data(request)
    async with transaction(request) as session:
        await tutoring.mark_skill(session, user, data)
    return redirect("/skills")


async def unmark_skill(request: Request) -> Response:
    user = signed_in(request)
    async with transaction(request) as session:
        await tutoring.unmark_skill(session, user, int(request.path_params["mark_id"]))
    return redirect("/skills")


@shows_errors_on(skills_page)
async def suggest_skill(request: Request) -> Response:
    user = signed_in(request)
    data = await form_data(request)
    async with transaction(request) as session:
        await tutoring.suggest_skill(session, user, data)
    return redirect("/skills?suggested=1")


async def catalogue_page(request: Request, **extra: object) -> Response:
    user = signed_in(request)
    async with db(request).session() as session:
        page = await tutoring.curated_catalogue(session, user)
    context = {"approved": page.approved, "suggested": page.suggested, **extra}
    return _render(request, "catalogue.html", context)


@shows_errors_on(catalogue_page)
async def add_to_catalogue(request: Request) -> Response:
    user = signed_in(request)
    data = await form_data(request)
    async with transaction(request) as session:
        await tutoring.add_skill(session, user, data)
    return redirect("/skills/catalogue")


async def curate(request: Request) -> Response:
    user = signed_in(request)
    approve = (await form_data(request)).get("decision") == "approve"
    async with transaction(request) as session:
        await tutoring.curate(session, user, int(request.path_params["skill_id"]), approve)
    return redirect("/skills/catalogue")


async def group_needs(request: Request) -> Response:
    user = signed_in(request)
    # Counting open requests first closes those nobody took in time: a write.
    async with transaction(request) as session:
        page = await tutoring.group_needs(session, user, int(request.path_params["iteration_id"]))
    return _render(request, "help_needs.html", {"page": page})


async def _hears_request(session: AsyncSession, user: User, request_id: int) -> bool:
    await tutoring.visible_request(session, user, request_id)
    return True


async def _hears_own_feed(_session: AsyncSession, user: User, user_id: int) -> bool:
    return user_id == user.id


AREA = Area(
    "tutoring",
    routes=[
        Route("/help", help_page, methods=["GET"]),
        Route("/help", ask, methods=["POST"]),
        Route("/help/suggestions", skill_suggestions),
        Route("/help/{request_id:id}", request_page),
        Route("/help/{request_id:id}/offers", offer, methods=["POST"]),
        Route("/help/{request_id:id}/accept", accept, methods=["POST"]),
        Route("/help/{request_id:id}/schedule", schedule, methods=["POST"]),
        Route("/help/{request_id:id}/confirm", confirm, methods=["POST"]),
        Route("/help/{request_id:id}/cancel", cancel, methods=["POST"]),
        Route("/help/{request_id:id}/thanks", thank, methods=["POST"]),
        Route("/skills", skills_page, methods=["GET"]),
        Route("/skills", mark_skill, methods=["POST"]),
        Route("/skills/suggest", suggest_skill, methods=["POST"]),
        Route("/skills/{mark_id:id}/remove", unmark_skill, methods=["POST"]),
        Route("/skills/catalogue", catalogue_page, methods=["GET"]),
        Route("/skills/catalogue", add_to_catalogue, methods=["POST"]),
        Route("/skills/catalogue/{skill_id:id}", curate, methods=["POST"]),
        Route("/iterations/{iteration_id:id}/help", group_needs),
    ],
    channels={"help": Channel(_hears_request), "helpfeed": Channel(_hears_own_feed)},
    notifications={
        "help": lambda skill: _("A peer needs help on %(skill)s.") % {"skill": skill},
        "offer": lambda name: _("%(name)s offers to help you.") % {"name": name},
        "accepted": lambda name: _("%(name)s accepted your offer.") % {"name": name},
        "scheduled": lambda name: _("%(name)s scheduled your session.") % {"name": name},
        "thanks": lambda name: _("%(name)s thanked you.") % {"name": name},
    },
    nav=[NavEntry("/help", lambda: _("Peer help"), permissions.can_seek_help, order=30)],
    rules=[
        permissions.can_seek_help,
        permissions.can_ask_for_help,
        permissions.can_read_help_request,
        permissions.can_offer_help,
        permissions.can_accept_help_offer,
        permissions.can_schedule_help_session,
        permissions.can_confirm_help_session,
        permissions.can_cancel_help_request,
        permissions.can_thank_tutor,
        permissions.can_mark_skills,
        permissions.can_suggest_skill,
        permissions.can_curate_skills,
        permissions.can_read_help_needs,
        permissions.can_see_skill_suggestions,
    ],
    personal_data=(
        Holding(
            Skill,
            person=("suggested_by",),
            what=lambda: _("The skills you suggested for the catalogue."),
            purpose=lambda: _("Letting trainers review a suggested skill."),
            basis=Basis.LEGITIMATE_INTEREST,
            retention=Retention(as_long_as_the_space),
            on_erase=OnErase.KEEP_AS_FORMER,
            recipients=trainers_of_the_group,
            exported=("name", "approved"),
        ),
        Holding(
            LearnerSkill,
            person=("user_id",),
            what=lambda: _("What you can teach and want to learn."),
            purpose=lambda: _("Reaching the right peers with a request for help."),
            basis=Basis.CONTRACT,
            retention=Retention(as_long_as_the_account),
            on_erase=OnErase.DELETE,
            recipients=trainers_of_the_group,
            exported=("skill_id", "kind", "level"),
        ),
        Holding(
            HelpRequest,
            person=("requester_id",),
            what=lambda: _("The help you asked for."),
            purpose=lambda: _("Finding a peer who can help, and counting tutoring hours."),
            basis=Basis.CONTRACT,
            retention=Retention(as_long_as_the_space),
            on_erase=OnErase.KEEP_AS_FORMER,
            recipients=trainers_of_the_group,
            exported=(
                "iteration_id",
                "skill_id",
                "description",
                "urgency",
                "format",
                "status",
                "scheduled_at",
                "duration_minutes",
                "place",
                "cancel_reason",
                "created_at",
            ),
        ),
        Holding(
            HelpOffer,
            person=("tutor_id",),
            what=lambda: _("The help you offered."),
            purpose=lambda: _("Matching a request with a tutor."),
            basis=Basis.CONTRACT,
            retention=Retention(as_long_as_the_space),
            on_erase=OnErase.KEEP_AS_FORMER,
            recipients=trainers_of_the_group,
            exported=("request_id", "message", "created_at"),
        ),
        Holding(
            Thanks,
            person=("tutor_id",),
            what=lambda: _("The thanks and ratings you received as a tutor."),
            purpose=lambda: _("Acknowledging tutors; the rating is yours alone to read."),
            basis=Basis.CONTRACT,
            retention=Retention(as_long_as_the_space),
            on_erase=OnErase.KEEP_AS_FORMER,
            recipients=nobody_else,
            exported=("request_id", "rating", "message", "created_at"),
        ),
    ),
)

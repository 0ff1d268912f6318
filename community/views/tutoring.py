"""Peer tutoring pages: my skills, asking for help, a request's page, the trainer's view."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from community import permissions, tutoring
from community.area import Area, Channel, NavEntry
from community.forms import FormError
from community.i18n import _
from community.models import HelpRequest, Skill, User, utcnow
from community.templating import render
from community.trainings import Forbidden, NotFound, iteration_view
from community.views import current_user, db, form_data, redirect


def _learner(request: Request) -> User:
    user = current_user(request)
    if not permissions.can_seek_help(user):
        raise HTTPException(404)
    assert user is not None
    return user


async def help_page(request: Request, **extra: object) -> Response:
    user = _learner(request)
    async with db(request).session() as session:
        providers = await tutoring.provider_ids(session, user)
        context = {
            "mine": await tutoring.my_requests(session, user),
            "for_me": await tutoring.for_me(session, user),
            "ledger": await tutoring.ledger(session, user),
            "ratings": await tutoring.my_ratings(session, user),
            "skills": [(s.id, s.name) for s in await tutoring.catalogue(session, providers)],
            "has_group": bool(providers),
            "idem": secrets.token_urlsafe(16),
            **extra,
        }
    return render(request, "help.html", context, status_code=422 if extra else 200, block="feed")


async def ask(request: Request) -> Response:
    user = _learner(request)
    data = await form_data(request)
    async with db(request).session() as session:
        try:
            created = await tutoring.ask(session, user, data, request.app.state.live.is_online)
        except Forbidden:
            raise HTTPException(404) from None
        except FormError as exc:
            return await help_page(request, errors=exc.errors, values=exc.values)
    return redirect(f"/help/{created.id}")


async def request_page(request: Request, **extra: object) -> Response:
    user = _learner(request)
    async with db(request).session() as session:
        help_request = await _visible(session, user, request)
        tutor = await tutoring.tutor_of(session, help_request)
        context = {
            "help": help_request,
            "skill": await session.get(Skill, help_request.skill_id),
            "requester": await session.get(User, help_request.requester_id),
            "tutor": tutor,
            "offers": [
                (offer, person, (await tutoring.ledger(session, person)).given)
                for offer, person in await tutoring.offers_on(session, help_request)
            ],
            "thanks": await tutoring.thanks_for(session, help_request),
            "is_requester": help_request.requester_id == user.id,
            "is_tutor": tutor is not None and tutor.id == user.id,
            "taken_place": help_request.scheduled_at is not None
            and help_request.scheduled_at <= utcnow(),
            **extra,
        }
    status = 422 if extra else 200
    return render(request, "help_request.html", context, status_code=status, block="detail")


async def _visible(session: AsyncSession, user: User, request: Request) -> HelpRequest:
    try:
        return await tutoring.visible_request(session, user, int(request.path_params["request_id"]))
    except NotFound:
        raise HTTPException(404) from None


Step = Callable[[AsyncSession, User, HelpRequest, dict[str, str]], Awaitable[None]]


async def _step(request: Request, step: Step) -> Response:
    """One step of a request's life; a refusal is said on the request's page."""
    user = _learner(request)
    data = await form_data(request)
    async with db(request).session() as session:
        help_request = await _visible(session, user, request)
        request_id = help_request.id
        try:
            await step(session, user, help_request, data)
        except Forbidden:
            raise HTTPException(404) from None
        except FormError as exc:
            return await request_page(request, errors=exc.errors, values=exc.values)
    return redirect(f"/help/{request_id}")


async def offer(request: Request) -> Response:
    return await _step(request, tutoring.offer)


async def accept(request: Request) -> Response:
    async def step(session, user, help_request, data):  # type: ignore[no-untyped-def]
        offer_id = data.get("offer_id", "")
        await tutoring.accept(
            session, user, help_request, int(offer_id) if offer_id.isdigit() else 0
        )

    return await _step(request, step)


async def schedule(request: Request) -> Response:
    return await _step(request, tutoring.schedule)


async def confirm(request: Request) -> Response:
    async def step(session, user, help_request, _data):  # type: ignore[no-untyped-def]
        await tutoring.confirm(session, user, help_request)

    return await _step(request, step)


async def cancel(request: Request) -> Response:
    return await _step(request, tutoring.cancel)


async def thank(request: Request) -> Response:
    return await _step(request, tutoring.thank)


async def skills_page(request: Request, **extra: object) -> Response:
    user = _learner(request)
    async with db(request).session() as session:
        providers = await tutoring.provider_ids(session, user)
        context = {
            "marks": await tutoring.skills_of(session, user),
            "catalogue": [(s.id, s.name) for s in await tutoring.catalogue(session, providers)],
            **extra,
        }
    return render(request, "skills.html", context, status_code=422 if extra else 200)


async def mark_skill(request: Request) -> Response:
    user = _learner(request)
    data = await form_data(request)
    async with db(request).session() as session:
        try:
            await tutoring.mark_skill(session, user, data)
        except FormError as exc:
            return await skills_page(request, errors=exc.errors, values=exc.values)
    return redirect("/skills")


async def unmark_skill(request: Request) -> Response:
    user = _learner(request)
    async with db(request).session() as session:
        try:
            await tutoring.unmark_skill(session, user, int(request.path_params["mark_id"]))
        except NotFound:
            raise HTTPException(404) from None
    return redirect("/skills")


async def suggest_skill(request: Request) -> Response:
    user = _learner(request)
    data = await form_data(request)
    async with db(request).session() as session:
        try:
            await tutoring.suggest_skill(session, user, data)
        except Forbidden:
            raise HTTPException(404) from None
        except FormError as exc:
            return await skills_page(request, suggest_errors=exc.errors, values=exc.values)
    return redirect("/skills?suggested=1")


def _curator(request: Request) -> tuple[User, int]:
    user = current_user(request)
    provider_id = user.provider_id if user else None
    if provider_id is None or not permissions.can_curate_skills(user, provider_id):
        raise HTTPException(404)
    assert user is not None
    return user, provider_id


async def catalogue_page(request: Request, **extra: object) -> Response:
    _user, provider_id = _curator(request)
    async with db(request).session() as session:
        context = {
            "approved": await tutoring.catalogue(session, {provider_id}),
            "suggested": await tutoring.catalogue(session, {provider_id}, approved=False),
            **extra,
        }
    return render(request, "catalogue.html", context, status_code=422 if extra else 200)


async def add_to_catalogue(request: Request) -> Response:
    _user, provider_id = _curator(request)
    data = await form_data(request)
    async with db(request).session() as session:
        try:
            await tutoring.add_skill(session, provider_id, data)
        except FormError as exc:
            return await catalogue_page(request, errors=exc.errors, values=exc.values)
    return redirect("/skills/catalogue")


async def curate(request: Request) -> Response:
    _user, provider_id = _curator(request)
    data = await form_data(request)
    async with db(request).session() as session:
        try:
            await tutoring.curate(
                session,
                provider_id,
                int(request.path_params["skill_id"]),
                data.get("decision") == "approve",
            )
        except NotFound:
            raise HTTPException(404) from None
    return redirect("/skills/catalogue")


async def group_needs(request: Request) -> Response:
    """For the group's trainers and staff: open requests and unmet needs, by skill."""
    user = current_user(request)
    async with db(request).session() as session:
        try:
            view = await iteration_view(session, user, int(request.path_params["iteration_id"]))
        except NotFound:
            raise HTTPException(404) from None
        if not permissions.can_review_feedback(user, view.facts):
            raise HTTPException(404)
        iteration_id = view.iteration.id or 0
        context = {
            "view": view,
            "needs": await tutoring.needs(session, iteration_id),
            "thanks": await tutoring.rating_summary(session, iteration_id),
        }
    return render(request, "help_needs.html", context)


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
        Route("/help/{request_id:int}", request_page),
        Route("/help/{request_id:int}/offers", offer, methods=["POST"]),
        Route("/help/{request_id:int}/accept", accept, methods=["POST"]),
        Route("/help/{request_id:int}/schedule", schedule, methods=["POST"]),
        Route("/help/{request_id:int}/confirm", confirm, methods=["POST"]),
        Route("/help/{request_id:int}/cancel", cancel, methods=["POST"]),
        Route("/help/{request_id:int}/thanks", thank, methods=["POST"]),
        Route("/skills", skills_page, methods=["GET"]),
        Route("/skills", mark_skill, methods=["POST"]),
        Route("/skills/suggest", suggest_skill, methods=["POST"]),
        Route("/skills/{mark_id:int}/remove", unmark_skill, methods=["POST"]),
        Route("/skills/catalogue", catalogue_page, methods=["GET"]),
        Route("/skills/catalogue", add_to_catalogue, methods=["POST"]),
        Route("/skills/catalogue/{skill_id:int}", curate, methods=["POST"]),
        Route("/iterations/{iteration_id:int}/help", group_needs),
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
    rules=[permissions.can_curate_skills, permissions.can_seek_help],
)

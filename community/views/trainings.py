"""Joining with a code, the iteration page, and the provider's trainings."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

import realtime
from community import (
    announcements,
    feedback,
    improvements,
    permissions,
    pulse,
    throttle,
    trainings,
)
from community.area import Area, Channel, NavEntry
from community.forms import FormError
from community.i18n import _
from community.models import EnrolmentRole, TrainingFormat, User, utcnow
from community.templating import render
from community.views import current_user, db, form_data, redirect, throttled


def _signed_in(request: Request) -> User:
    user = current_user(request)
    if user is None:
        raise HTTPException(404)
    return user


def _path_id(request: Request, name: str) -> int:
    return int(request.path_params[name])


async def join_form(request: Request) -> Response:
    if current_user(request) is None:
        return redirect("/signin?next=/join")
    return render(request, "join.html", {"values": {"code": request.query_params.get("code", "")}})


async def join(request: Request) -> Response:
    user = current_user(request)
    if user is None:
        return redirect("/signin?next=/join")
    data = await form_data(request)
    refused = await throttled(request, (throttle.JOIN_PER_USER, str(user.id)))
    if refused:
        return refused
    try:
        async with db(request).session() as session:
            iteration = await trainings.join_with_code(session, user, data)
    except FormError as exc:
        context = {"errors": exc.errors, "values": exc.values}
        return render(request, "join.html", context, status_code=422)
    return redirect(f"/iterations/{iteration.id}")


async def _iteration_context(request: Request, **extra: object) -> dict:
    user = _signed_in(request)
    async with db(request).session() as session:
        try:
            view = await trainings.iteration_view(session, user, _path_id(request, "iteration_id"))
        except trainings.NotFound:
            raise HTTPException(404) from None
        can_manage = permissions.can_manage_iteration(user, view.facts)
        code = (
            await trainings.current_code(session, view.iteration)
            if permissions.can_see_join_code(user, view.facts)
            else None
        )
        people = await trainings.people_of(session, view.iteration)
        sessions = await trainings.sessions_of(session, view.iteration)
        now = utcnow()
        iteration_id = view.iteration.id
        assert iteration_id is not None
        live = request.app.state.live
        return {
            "announcements": await announcements.latest(session, iteration_id),
            "actions": await improvements.for_iteration(session, iteration_id),
            "live_seq": await realtime.last_seq(session, trainings.live_channel(iteration_id)),
            "here": await live.who_is_here(iteration_id),
            "can_announce": permissions.can_announce(user, view.facts),
            "can_give_feedback": permissions.can_give_feedback(user, view.facts),
            "can_review": permissions.can_review_feedback(user, view.facts),
            "rates": (
                await feedback.response_rates(session, iteration_id)
                if permissions.can_review_feedback(user, view.facts)
                else {}
            ),
            "live_now": {s.id for s in sessions if pulse.is_live_session(s, now)},
            "feedback_open": {s.id for s in sessions if feedback.is_open(s, now)},
            "iteration_id": iteration_id,
            "view": view,
            "sessions": sessions,
            "people": people,
            "code": trainings.format_code(code.code) if code else None,
            "code_expires": code.expires_at if code else None,
            "can_manage": can_manage,
            "trainers": [
                (trainer.id, trainer.display_name)
                for trainer in await trainings.provider_trainers(session, view.facts.provider_id)
                if can_manage and trainer not in people[EnrolmentRole.TRAINER]
            ],
            **extra,
        }


async def iteration_page(request: Request) -> Response:
    return render(request, "iteration.html", await _iteration_context(request))


GroupAction = Callable[
    [AsyncSession, User, trainings.IterationView, dict[str, str]], Awaitable[object]
]


async def _manage(request: Request, act: GroupAction) -> Response:
    """Run one action on a group; on bad input, re-render the group's page with messages."""
    user = _signed_in(request)
    iteration_id = _path_id(request, "iteration_id")
    data = await form_data(request)
    try:
        async with db(request).session() as session:
            try:
                view = await trainings.iteration_view(session, user, iteration_id)
            except trainings.NotFound:
                raise HTTPException(404) from None
            await act(session, user, view, data)
    except trainings.Forbidden:
        raise HTTPException(403) from None
    except FormError as exc:
        context = await _iteration_context(request, errors=exc.errors, values=exc.values)
        return render(request, "iteration.html", context, status_code=422)
    return redirect(f"/iterations/{iteration_id}")


def _int(raw: str | None) -> int:
    return int(raw) if raw and raw.isdigit() else 0


async def post_announcement(request: Request) -> Response:
    return await _manage(request, announcements.post)


async def add_session(request: Request) -> Response:
    return await _manage(request, trainings.add_session)


async def set_support_threshold(request: Request) -> Response:
    return await _manage(request, trainings.set_support_threshold)


async def add_trainer(request: Request) -> Response:
    async def act(session, user, view, data):  # type: ignore[no-untyped-def]
        await trainings.add_trainer(session, user, view, _int(data.get("trainer_id")))

    return await _manage(request, act)


async def renew_code(request: Request) -> Response:
    days = request.app.state.settings.join_code_days

    async def act(session, user, view, _data):  # type: ignore[no-untyped-def]
        await trainings.renew_code(session, user, view, days)

    return await _manage(request, act)


async def remove_member(request: Request) -> Response:
    member = int(request.path_params["user_id"])

    async def act(session, user, view, _data):  # type: ignore[no-untyped-def]
        await trainings.remove_member(session, user, view, member)
        # Every process re-checks what this person may hear: nothing more reaches them.
        await request.app.state.live.hub.control(type="reauthorize", user=str(member))

    return await _manage(request, act)


def _staff_provider(request: Request) -> tuple[User, int]:
    user = _signed_in(request)
    if user.provider_id is None or not permissions.can_manage_trainings(user, user.provider_id):
        raise HTTPException(404)
    return user, user.provider_id


async def trainings_page(request: Request, **extra: object) -> Response:
    _user, provider_id = _staff_provider(request)
    async with db(request).session() as session:
        rows = await trainings.provider_trainings(session, provider_id)
    context = {"trainings": rows, "formats": list(TrainingFormat), **extra}
    return render(request, "trainings.html", context, status_code=422 if extra else 200)


async def create_training(request: Request) -> Response:
    user, provider_id = _staff_provider(request)
    data = await form_data(request)
    try:
        async with db(request).session() as session:
            training = await trainings.create_training(session, user, provider_id, data)
    except FormError as exc:
        return await trainings_page(request, errors=exc.errors, values=exc.values)
    return redirect(f"/trainings/{training.id}")


async def training_page(request: Request, **extra: object) -> Response:
    user = _signed_in(request)
    async with db(request).session() as session:
        try:
            training = await trainings.training_for_staff(
                session, user, _path_id(request, "training_id")
            )
        except trainings.NotFound:
            raise HTTPException(404) from None
        iterations = await trainings.iterations_of(session, training)
        dimensions = await feedback.dimensions_of(session, training.id or 0)
    criteria = {f"dim{n}": feedback.dimension_name(d) for n, d in enumerate(dimensions)}
    context = {
        "training": training,
        "iterations": iterations,
        "criteria": criteria,
        "max_criteria": feedback.MAX_DIMENSIONS,
        **extra,
    }
    return render(request, "training.html", context, status_code=422 if extra else 200)


async def create_iteration(request: Request) -> Response:
    user = _signed_in(request)
    data = await form_data(request)
    settings = request.app.state.settings
    try:
        async with db(request).session() as session:
            try:
                training = await trainings.training_for_staff(
                    session, user, _path_id(request, "training_id")
                )
            except trainings.NotFound:
                raise HTTPException(404) from None
            iteration = await trainings.create_iteration(
                session, user, training, data, code_days=settings.join_code_days
            )
    except FormError as exc:
        return await training_page(request, errors=exc.errors, values=exc.values)
    return redirect(f"/iterations/{iteration.id}")


async def set_criteria(request: Request) -> Response:
    user = _signed_in(request)
    data = await form_data(request)
    training_id = _path_id(request, "training_id")
    try:
        async with db(request).session() as session:
            try:
                training = await trainings.training_for_staff(session, user, training_id)
            except trainings.NotFound:
                raise HTTPException(404) from None
            await feedback.set_dimensions(session, user, training, data)
    except FormError as exc:
        return await training_page(request, criteria_errors=exc.errors, criteria_values=exc.values)
    return redirect(f"/trainings/{training_id}")


async def _hears_group(session: AsyncSession, user: User, iteration_id: int) -> bool:
    await trainings.iteration_view(session, user, iteration_id)
    return True


def _manages_trainings(user: User) -> bool:
    return user.provider_id is not None and permissions.can_manage_trainings(user, user.provider_id)


AREA = Area(
    "trainings",
    routes=[
        Route("/join", join_form, methods=["GET"]),
        Route("/join", join, methods=["POST"]),
        Route("/iterations/{iteration_id:int}", iteration_page),
        Route("/iterations/{iteration_id:int}/sessions", add_session, methods=["POST"]),
        Route("/iterations/{iteration_id:int}/trainers", add_trainer, methods=["POST"]),
        Route("/iterations/{iteration_id:int}/code", renew_code, methods=["POST"]),
        Route("/iterations/{iteration_id:int}/threshold", set_support_threshold, methods=["POST"]),
        Route("/iterations/{iteration_id:int}/announcements", post_announcement, methods=["POST"]),
        Route(
            "/iterations/{iteration_id:int}/members/{user_id:int}/remove",
            remove_member,
            methods=["POST"],
        ),
        Route("/trainings", trainings_page, methods=["GET"]),
        Route("/trainings", create_training, methods=["POST"]),
        Route("/trainings/{training_id:int}", training_page, methods=["GET"]),
        Route("/trainings/{training_id:int}/iterations", create_iteration, methods=["POST"]),
        Route("/trainings/{training_id:int}/criteria", set_criteria, methods=["POST"]),
    ],
    channels={"iteration": Channel(_hears_group, presence=("iteration.html", "iteration_id"))},
    nav=[NavEntry("/trainings", lambda: _("Trainings"), _manages_trainings, order=10)],
    rules=[
        permissions.can_view_iteration,
        permissions.can_see_join_code,
        permissions.can_manage_iteration,
        permissions.can_manage_trainings,
        permissions.can_join_iterations,
        permissions.can_announce,
    ],
)

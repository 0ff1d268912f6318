"""Joining with a code, the group's page and its management, and the provider's trainings."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

import realtime
from community import feedback, parsing, permissions, throttle, trainings
from community.area import Area, Channel, NavEntry
from community.i18n import _
from community.models import Enrolment, JoinCode, User
from community.personal_data import (
    Basis,
    Holding,
    OnErase,
    Retention,
    as_long_as_the_space,
    trainers_of_the_group,
)
from community.templating import environment, render
from community.trainings import IterationView
from community.views import (
    db,
    form_data,
    redirect,
    shows_errors_on,
    signed_in,
    throttled,
    transaction,
)

# A page that shows a form takes `shown`: a refused form's `errors` and `values`, as
# `shows_errors_on` hands them over; given them, it answers 422.


async def join_form(request: Request, **shown: dict[str, str]) -> Response:
    signed_in(request)
    context = {"values": {"code": request.query_params.get("code", "")}, **shown}
    return render(request, "join.html", context, status_code=422 if shown else 200)


@shows_errors_on(join_form)
async def join(request: Request) -> Response:
    user = signed_in(request)
    data = await form_data(request)
    refused = await throttled(request, (throttle.JOIN_PER_USER, str(user.id)))
    if refused:
        return refused
    async with transaction(request) as session:
        iteration = await trainings.join_with_code(session, user, data)
    return redirect(f"/iterations/{iteration.id}")


# --- the group's page, assembled from what every area adds to it ---


def _group_id(request: Request) -> int:
    return int(request.path_params["iteration_id"])


@functools.cache
def _sections(area_names: tuple[str, ...]) -> tuple[str, ...]:
    """The sections of the page, in area order: an area's own is `<name>/_group.html`."""
    templates = set(environment.list_templates())
    return tuple(
        name for name in (f"{area}/_group.html" for area in area_names) if name in templates
    )


async def _group_context(
    request: Request, session: AsyncSession, user: User, view: IterationView
) -> dict[str, Any]:
    # Imported here: the list of areas includes this module's.
    from community.areas import AREAS

    builders = [(area.name, area.group_page) for area in AREAS if area.group_page]
    context: dict[str, Any] = {
        "view": view,
        "iteration_id": view.iteration_id,
        "sections": _sections(tuple(name for name, _builder in builders)),
    }
    for name, builder in builders:
        part = await builder(session, user, view, request)
        if clash := context.keys() & part.keys():
            raise ValueError(f"area {name} adds {sorted(clash)} to the group page, twice")
        context.update(part)
    return context


async def iteration_page(request: Request, **shown: dict[str, str]) -> Response:
    user = signed_in(request)
    async with db(request).session() as session:
        view = await trainings.iteration_view(session, user, _group_id(request))
        context = await _group_context(request, session, user, view)
    return render(
        request, "iteration.html", {**context, **shown}, status_code=422 if shown else 200
    )


async def _trainings_part(
    session: AsyncSession, user: User, view: IterationView, request: Request
) -> dict[str, Any]:
    """The group itself, its live channel and who is on its page now."""
    iteration_id = view.iteration_id
    return {
        **await trainings.group_page(session, user, view),
        "live_seq": await realtime.last_seq(session, trainings.live_channel(iteration_id)),
        "here": await request.app.state.live.who_is_here(iteration_id),
    }


@asynccontextmanager
async def group_write(request: Request) -> AsyncIterator[tuple[AsyncSession, User, IterationView]]:
    """A write to the group in the address, by the signed-in user, in the request's
    transaction; the group stays hidden from those who may not see it."""
    user = signed_in(request)
    async with transaction(request) as session:
        yield session, user, await trainings.iteration_view(session, user, _group_id(request))


def back_to_group(request: Request) -> Response:
    return redirect(f"/iterations/{_group_id(request)}")


@shows_errors_on(iteration_page)
async def add_session(request: Request) -> Response:
    data = await form_data(request)
    async with group_write(request) as (session, user, view):
        await trainings.add_session(session, user, view, data)
    return back_to_group(request)


@shows_errors_on(iteration_page)
async def set_support_threshold(request: Request) -> Response:
    data = await form_data(request)
    async with group_write(request) as (session, user, view):
        await trainings.set_support_threshold(session, user, view, data)
    return back_to_group(request)


@shows_errors_on(iteration_page)
async def add_trainer(request: Request) -> Response:
    raw = (await form_data(request)).get("trainer_id")
    async with group_write(request) as (session, user, view):
        # Not an id: no such trainer, which the action says on the form.
        await trainings.add_trainer(session, user, view, parsing.ident_or_zero(raw))
    return back_to_group(request)


async def renew_code(request: Request) -> Response:
    days = request.app.state.settings.join_code_days
    async with group_write(request) as (session, user, view):
        await trainings.renew_code(session, user, view, days)
    return back_to_group(request)


async def remove_member(request: Request) -> Response:
    member = int(request.path_params["user_id"])
    async with group_write(request) as (session, user, view):
        await trainings.remove_member(session, user, view, member)
    # Every process re-checks what this person may hear: nothing more reaches them.
    await request.app.state.live.hub.control(type="reauthorize", user=str(member))
    return back_to_group(request)


# --- the provider's trainings ---


async def trainings_page(request: Request, **shown: dict[str, str]) -> Response:
    provider_id = trainings.managed_provider(signed_in(request))
    async with db(request).session() as session:
        rows = await trainings.provider_trainings(session, provider_id)
    return render(
        request, "trainings.html", {"trainings": rows, **shown}, status_code=422 if shown else 200
    )


@shows_errors_on(trainings_page)
async def create_training(request: Request) -> Response:
    user = signed_in(request)
    provider_id = trainings.managed_provider(user)
    data = await form_data(request)
    async with transaction(request) as session:
        training = await trainings.create_training(session, user, provider_id, data)
    return redirect(f"/trainings/{training.id}")


def _training_id(request: Request) -> int:
    return int(request.path_params["training_id"])


async def training_page(request: Request, **shown: dict[str, str]) -> Response:
    """Its groups, the new group form and the feedback criteria form: `shown` carries a refused
    group as `errors`/`values`, refused criteria as `criteria_errors`/`criteria_values`."""
    user = signed_in(request)
    async with db(request).session() as session:
        training = await trainings.training_for_staff(session, user, _training_id(request))
        iterations = await trainings.iterations_of(session, training)
        dimensions = await feedback.dimensions_of(session, training.id or 0)
    context = {
        "training": training,
        "iterations": iterations,
        "criteria": {f"dim{n}": feedback.dimension_name(d) for n, d in enumerate(dimensions)},
        "max_criteria": feedback.MAX_DIMENSIONS,
        **shown,
    }
    return render(request, "training.html", context, status_code=422 if shown else 200)


@shows_errors_on(training_page)
async def create_iteration(request: Request) -> Response:
    user = signed_in(request)
    data = await form_data(request)
    days = request.app.state.settings.join_code_days
    async with transaction(request) as session:
        training = await trainings.training_for_staff(session, user, _training_id(request))
        iteration = await trainings.create_iteration(session, user, training, data, code_days=days)
    return redirect(f"/iterations/{iteration.id}")


async def _criteria_refused(
    request: Request, errors: dict[str, str], values: dict[str, str]
) -> Response:
    return await training_page(request, criteria_errors=errors, criteria_values=values)


@shows_errors_on(_criteria_refused)
async def set_criteria(request: Request) -> Response:
    user = signed_in(request)
    data = await form_data(request)
    async with transaction(request) as session:
        training = await trainings.training_for_staff(session, user, _training_id(request))
        await feedback.set_dimensions(session, user, training, data)
    return redirect(f"/trainings/{_training_id(request)}")


async def _hears_group(session: AsyncSession, user: User, iteration_id: int) -> bool:
    await trainings.iteration_view(session, user, iteration_id)
    return True


AREA = Area(
    "trainings",
    routes=[
        Route("/join", join_form, methods=["GET"]),
        Route("/join", join, methods=["POST"]),
        Route("/iterations/{iteration_id:id}", iteration_page),
        Route("/iterations/{iteration_id:id}/sessions", add_session, methods=["POST"]),
        Route("/iterations/{iteration_id:id}/trainers", add_trainer, methods=["POST"]),
        Route("/iterations/{iteration_id:id}/code", renew_code, methods=["POST"]),
        Route("/iterations/{iteration_id:id}/threshold", set_support_threshold, methods=["POST"]),
        Route(
            "/iterations/{iteration_id:id}/members/{user_id:id}/remove",
            remove_member,
            methods=["POST"],
        ),
        Route("/trainings", trainings_page, methods=["GET"]),
        Route("/trainings", create_training, methods=["POST"]),
        Route("/trainings/{training_id:id}", training_page, methods=["GET"]),
        Route("/trainings/{training_id:id}/iterations", create_iteration, methods=["POST"]),
        Route("/trainings/{training_id:id}/criteria", set_criteria, methods=["POST"]),
    ],
    channels={"iteration": Channel(_hears_group, presence=("iteration.html", "iteration_id"))},
    nav=[NavEntry("/trainings", lambda: _("Trainings"), trainings.manages_trainings, order=10)],
    rules=[
        permissions.can_view_iteration,
        permissions.can_see_join_code,
        permissions.can_manage_trainings,
        permissions.can_create_training,
        permissions.can_create_iteration,
        permissions.can_add_session,
        permissions.can_add_trainer,
        permissions.can_remove_member,
        permissions.can_renew_join_code,
        permissions.can_set_support_threshold,
        permissions.can_join_iterations,
    ],
    group_page=_trainings_part,
    template_globals={
        "training_format_label": trainings.format_label,
        "training_formats": trainings.format_choices,
    },
    personal_data=(
        Holding(
            Enrolment,
            person=("user_id",),
            what=lambda: _("The groups you belong to, and your place in them."),
            purpose=lambda: _("Running the training: sessions, projects, help and feedback."),
            basis=Basis.CONTRACT,
            retention=Retention(as_long_as_the_space),
            on_erase=OnErase.KEEP_AS_FORMER,  # a group's size enters its response rates
            recipients=trainers_of_the_group,
            exported=("iteration_id", "role", "created_at"),
        ),
        Holding(
            JoinCode,
            person=("created_by",),
            what=lambda: _("The join codes you created for a group."),
            purpose=lambda: _("Letting learners join the right group."),
            basis=Basis.CONTRACT,
            retention=Retention(as_long_as_the_space),
            on_erase=OnErase.KEEP_AS_FORMER,
            recipients=trainers_of_the_group,
            exported=("code", "iteration_id", "created_at", "expires_at", "revoked_at"),
        ),
    ),
)

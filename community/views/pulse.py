"""The live pulse: learners tap and ask during a session, the trainer's screen follows."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

import realtime
from community import feedback, permissions, pulse, throttle, trainings
from community.area import Area, Channel
from community.i18n import _
from community.models import PulseQuestion, PulseTap, PulseVote, User, utcnow
from community.personal_data import (
    Basis,
    Holding,
    OnErase,
    Retention,
    as_long_as_the_space,
    nobody_else,
    trainers_of_the_group,
)
from community.templating import render
from community.views import (
    db,
    form_data,
    redirect,
    shows_errors_on,
    signed_in,
    throttled,
    transaction,
)


def _session_id(request: Request) -> int:
    return int(request.path_params["session_id"])


async def pulse_page(request: Request, **shown: Any) -> Response:
    user = signed_in(request)
    async with db(request).session() as session:
        view = await pulse.sender_view(session, user, _session_id(request))
        questions = await pulse.questions(session, _session_id(request))
    context = {
        "view": view,
        "questions": questions,
        "is_live": pulse.is_live_session(view.session, utcnow()),
        "signals": list(pulse.Signal),
        "question_length": pulse.QUESTION.max_length,
        "sent": request.query_params.get("sent", ""),
        **shown,
    }
    return render(request, "pulse.html", context, status_code=422 if shown else 200)


Send = Callable[[AsyncSession, User, feedback.SessionView, dict[str, str]], Awaitable[None]]


async def _send(request: Request, send: Send, sent: str) -> Response:
    """One anonymous signal to the room's screen, within the per-person rate limit."""
    user = signed_in(request)
    data = await form_data(request)
    refused = await throttled(request, (throttle.PULSE_PER_USER, str(user.id)))
    if refused:
        return refused
    async with transaction(request) as session:
        view = await feedback.session_view(session, user, _session_id(request))
        await send(session, user, view, data)
    return redirect(f"/sessions/{_session_id(request)}/pulse?sent={sent}")


@shows_errors_on(pulse_page)
async def pulse_tap(request: Request) -> Response:
    user = signed_in(request)
    signal = (await form_data(request)).get("signal", "")
    # Counted in the throttle, by person, never in the database: a tap stays anonymous.
    key = f"{user.id}:{_session_id(request)}:{signal}"
    again = await request.app.state.throttle.hit(throttle.PULSE_SIGNAL_PER_USER, key)
    return await _send(request, functools.partial(pulse.tap, counted=again is None), "tap")


@shows_errors_on(pulse_page)
async def pulse_ask(request: Request) -> Response:
    return await _send(request, pulse.ask, "ask")


@shows_errors_on(pulse_page)
async def pulse_vote(request: Request) -> Response:
    question_id = str(request.path_params["question_id"])

    async def vote(
        session: AsyncSession, user: User, view: feedback.SessionView, _data: dict[str, str]
    ) -> None:
        await pulse.upvote(session, user, view, question_id)

    return await _send(request, vote, "vote")


async def pulse_screen(request: Request) -> Response:
    user = signed_in(request)
    async with db(request).session() as session:
        view = await pulse.screen_view(session, user, _session_id(request))
        session_id = view.session.id or 0
        context = {
            "view": view,
            "session_id": session_id,
            "screen": await pulse.screen(session, session_id),
            "recent_minutes": int(pulse.RECENT.total_seconds() // 60),
            "live_seq": await realtime.last_seq(session, pulse.channel(session_id)),
        }
    return render(request, "pulse_screen.html", context, block="live")


async def _hears_pulse(session: AsyncSession, user: User, session_id: int) -> bool:
    await pulse.screen_view(session, user, session_id)
    return True


async def group_page(
    session: AsyncSession, user: User, view: trainings.IterationView, request: Request
) -> dict[str, Any]:
    return {"live_now": await pulse.live_sessions(session, view)}


AREA = Area(
    "pulse",
    routes=[
        Route("/sessions/{session_id:id}/pulse", pulse_page, methods=["GET"]),
        Route("/sessions/{session_id:id}/pulse/tap", pulse_tap, methods=["POST"]),
        Route("/sessions/{session_id:id}/pulse/questions", pulse_ask, methods=["POST"]),
        Route(
            "/sessions/{session_id:id}/pulse/questions/{question_id:token}/vote",
            pulse_vote,
            methods=["POST"],
        ),
        Route("/sessions/{session_id:id}/pulse/screen", pulse_screen),
    ],
    channels={"pulse": Channel(_hears_pulse)},
    rules=[permissions.can_send_pulse, permissions.can_watch_pulse],
    group_page=group_page,
    personal_data=(
        Holding(
            PulseVote,
            person=("user_id",),
            what=lambda: _("The questions you voted for during a class."),
            purpose=lambda: _("Counting one vote per learner."),
            basis=Basis.LEGITIMATE_INTEREST,
            retention=Retention(as_long_as_the_space),
            on_erase=OnErase.DELETE,
            recipients=nobody_else,
            exported=("question_id",),
        ),
        Holding(
            PulseTap,
            person=(),
            what=lambda: _("Anonymous taps on the live pulse: they name nobody."),
            purpose=lambda: _("Telling the trainer how the class is going, live."),
            basis=Basis.LEGITIMATE_INTEREST,
            retention=Retention(as_long_as_the_space),
            on_erase=OnErase.NOT_LINKED,
            recipients=trainers_of_the_group,
            exported=(),
        ),
        Holding(
            PulseQuestion,
            person=(),
            what=lambda: _("Anonymous questions asked during a class: they name nobody."),
            purpose=lambda: _("Telling the trainer what the class asks, live."),
            basis=Basis.LEGITIMATE_INTEREST,
            retention=Retention(as_long_as_the_space),
            on_erase=OnErase.NOT_LINKED,
            recipients=trainers_of_the_group,
            exported=(),
        ),
    ),
)

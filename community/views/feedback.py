"""Session feedback, the live pulse, comments to review, notifications."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

import realtime
from community import feedback, notifications, permissions, pulse, throttle, trainings
from community.area import Area, Channel
from community.forms import FormError
from community.i18n import _
from community.models import User, utcnow
from community.templating import render
from community.views import current_user, db, form_data, redirect, throttled


def _learner_or_404(request: Request) -> User:
    user = current_user(request)
    if user is None:
        raise HTTPException(404)
    return user


def _answer_cookie(session_id: int) -> str:
    return f"ruche_fb_{session_id}"


async def _session(session, user: User, request: Request) -> feedback.SessionView:  # type: ignore[no-untyped-def]
    try:
        return await feedback.session_view(session, user, int(request.path_params["session_id"]))
    except trainings.NotFound:
        raise HTTPException(404) from None


async def feedback_page(request: Request, **extra: object) -> Response:
    user = _learner_or_404(request)
    async with db(request).session() as session:
        view = await _session(session, user, request)
        if not permissions.can_give_feedback(user, view.group.facts):
            raise HTTPException(404)
        dimensions = await feedback.dimensions_of(session, view.group.training.id or 0)
        mine = await feedback.answer_for_edit(
            session, request.cookies.get(_answer_cookie(view.session.id or 0)), view.session.id or 0
        )
    values: dict[str, str] = {}
    if mine is not None:
        values = {f"d{d}": str(v) for d, v in mine[1].items()} | {"comment": mine[0].comment}
    context = {
        "view": view,
        "dimensions": [(d.id, feedback.dimension_name(d)) for d in dimensions],
        "is_open": view.is_open(utcnow()),
        "edited": mine is not None,
        "sent": request.query_params.get("sent") == "1",
        "values": values,
        **extra,
    }
    return render(request, "feedback.html", context, status_code=422 if extra else 200)


async def submit_feedback(request: Request) -> Response:
    user = _learner_or_404(request)
    data = await form_data(request)
    async with db(request).session() as session:
        view = await _session(session, user, request)
        cookie = _answer_cookie(view.session.id or 0)
        try:
            answer_id = await feedback.submit(
                session, user, view, data, answer_id=request.cookies.get(cookie)
            )
        except trainings.Forbidden:
            raise HTTPException(404) from None
        except FormError as exc:
            return await feedback_page(request, errors=exc.errors, values=exc.values)
    response = redirect(f"/sessions/{view.session.id}/feedback?sent=1")
    # Only this browser knows which answer is its own: that is what lets it edit it.
    response.set_cookie(
        cookie,
        answer_id,
        max_age=max(int((view.closes_at - utcnow()).total_seconds()), 60),
        path=f"/sessions/{view.session.id}/",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response


async def history_page(request: Request) -> Response:
    user = _learner_or_404(request)
    async with db(request).session() as session:
        given = await feedback.history(session, user)
        waiting = await feedback.pending(session, user)
    return render(request, "feedback_history.html", {"given": given, "waiting": waiting})


async def pulse_page(request: Request, **extra: object) -> Response:
    user = _learner_or_404(request)
    async with db(request).session() as session:
        view = await _session(session, user, request)
        if not permissions.can_give_feedback(user, view.group.facts):
            raise HTTPException(404)
        questions = await pulse.questions(session, view.session.id or 0)
    context = {
        "view": view,
        "questions": questions,
        "is_live": pulse.is_live(view, utcnow()),
        "signals": pulse.SIGNALS,
        "sent": request.query_params.get("sent", ""),
        **extra,
    }
    return render(request, "pulse.html", context, status_code=422 if extra else 200)


async def _pulse_action(request: Request, action: str) -> Response:
    user = _learner_or_404(request)
    data = await form_data(request)
    refused = await throttled(request, (throttle.PULSE_PER_USER, str(user.id)))
    if refused:
        return refused
    async with db(request).session() as session:
        view = await _session(session, user, request)
        session_id = view.session.id
        try:
            if action == "tap":
                await pulse.tap(session, user, view, data.get("signal", ""))
            elif action == "ask":
                await pulse.ask(session, user, view, data)
            else:
                await pulse.upvote(session, user, view, str(request.path_params["question_id"]))
        except trainings.Forbidden:
            raise HTTPException(404) from None
        except FormError as exc:
            return await pulse_page(request, errors=exc.errors, values=exc.values)
    return redirect(f"/sessions/{session_id}/pulse?sent={action}")


async def pulse_tap(request: Request) -> Response:
    return await _pulse_action(request, "tap")


async def pulse_ask(request: Request) -> Response:
    return await _pulse_action(request, "ask")


async def pulse_vote(request: Request) -> Response:
    return await _pulse_action(request, "vote")


async def pulse_screen(request: Request) -> Response:
    user = _learner_or_404(request)
    async with db(request).session() as session:
        view = await _session(session, user, request)
        if not permissions.can_review_feedback(user, view.group.facts):
            raise HTTPException(404)
        session_id = view.session.id or 0
        context = {
            "view": view,
            "session_id": session_id,
            "counts": await pulse.counts(session, session_id),
            "questions": await pulse.questions(session, session_id),
            "live_seq": await realtime.last_seq(session, pulse.channel(session_id)),
            "signals": pulse.SIGNALS,
        }
    return render(request, "pulse_screen.html", context, block="live")


async def comments_page(request: Request) -> Response:
    user = _learner_or_404(request)
    async with db(request).session() as session:
        view = await _group(session, user, request)
        try:
            pending = await feedback.comments_to_review(session, user, view)
        except trainings.Forbidden:
            raise HTTPException(404) from None
    return render(request, "comments.html", {"view": view, "pending": pending})


async def review_comment(request: Request) -> Response:
    user = _learner_or_404(request)
    data = await form_data(request)
    async with db(request).session() as session:
        view = await _group(session, user, request)
        try:
            await feedback.review(
                session, user, view, str(request.path_params["answer_id"]), data.get("decision", "")
            )
        except (trainings.Forbidden, trainings.NotFound):
            raise HTTPException(404) from None
        except FormError:
            raise HTTPException(400) from None
    return redirect(f"/iterations/{view.iteration.id}/comments")


async def _group(session, user: User, request: Request) -> trainings.IterationView:  # type: ignore[no-untyped-def]
    try:
        return await trainings.iteration_view(
            session, user, int(request.path_params["iteration_id"])
        )
    except trainings.NotFound:
        raise HTTPException(404) from None


async def notifications_page(request: Request) -> Response:
    user = _learner_or_404(request)
    assert user.id is not None
    async with db(request).session() as session:
        await feedback.remind(session, user)
        shown = await notifications.latest(session, user.id)
        unread_ids = {n.id for n in shown if n.read_at is None}
        await notifications.mark_all_read(session, user.id)
    return render(request, "notifications.html", {"shown": shown, "unread_ids": unread_ids})


async def _hears_pulse(session: AsyncSession, user: User, session_id: int) -> bool:
    view = await feedback.session_view(session, user, session_id)
    return permissions.can_review_feedback(user, view.group.facts)


async def _hears_own(_session: AsyncSession, user: User, user_id: int) -> bool:
    return user_id == user.id


AREA = Area(
    "feedback",
    routes=[
        Route("/sessions/{session_id:int}/feedback", feedback_page, methods=["GET"]),
        Route("/sessions/{session_id:int}/feedback", submit_feedback, methods=["POST"]),
        Route("/sessions/{session_id:int}/pulse", pulse_page, methods=["GET"]),
        Route("/sessions/{session_id:int}/pulse/tap", pulse_tap, methods=["POST"]),
        Route("/sessions/{session_id:int}/pulse/questions", pulse_ask, methods=["POST"]),
        Route(
            "/sessions/{session_id:int}/pulse/questions/{question_id}/vote",
            pulse_vote,
            methods=["POST"],
        ),
        Route("/sessions/{session_id:int}/pulse/screen", pulse_screen),
        Route("/feedback", history_page),
        Route("/iterations/{iteration_id:int}/comments", comments_page),
        Route(
            "/iterations/{iteration_id:int}/comments/{answer_id}",
            review_comment,
            methods=["POST"],
        ),
        Route("/notifications", notifications_page),
    ],
    channels={"pulse": Channel(_hears_pulse), "user": Channel(_hears_own, tracks_presence=True)},
    notifications={
        "feedback": lambda title: (
            _("Give your feedback on “%(title)s”: 15 seconds.") % {"title": title}
        ),
    },
    rules=[permissions.can_give_feedback, permissions.can_review_feedback],
)

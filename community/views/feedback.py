"""Session feedback: the form, the learner's history, and the group's comments to review."""

from __future__ import annotations

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from community import feedback, permissions, reports, trainings
from community.area import Area
from community.feedback import capabilities, expiry
from community.i18n import _
from community.models import (
    FeedbackAnswer,
    FeedbackPending,
    FeedbackRating,
    FeedbackReceipt,
    FeedbackReminder,
    User,
    utcnow,
)
from community.personal_data import (
    Basis,
    Holding,
    OnErase,
    Retention,
    nobody_else,
)
from community.templating import render
from community.views import db, form_data, redirect, shows_errors_on, signed_in, transaction


def _held(request: Request, user: User) -> capabilities.Capabilities:
    """The edit tokens this browser holds for this person (none for anyone else's)."""
    value = request.cookies.get(capabilities.COOKIE)
    return capabilities.read(value, request.app.state.settings.secret_key, user.id or 0)


def _session_id(request: Request) -> int:
    return int(request.path_params["session_id"])


def _iteration_id(request: Request) -> int:
    return int(request.path_params["iteration_id"])


async def feedback_page(request: Request, **shown: Any) -> Response:
    user = signed_in(request)
    session_id = _session_id(request)
    token = _held(request, user).token_for(session_id)
    async with transaction(request) as session:  # the criteria are written on first use
        form = await feedback.form(session, user, session_id, token)
        k = await reports.threshold_of(session, form.view.group.training.provider_id)
    context = {
        "view": form.view,
        "dimensions": form.dimensions,
        "ratings": list(feedback.Rating),
        "comment_length": feedback.COMMENT.max_length,
        "k": k,
        "is_open": form.view.is_open(utcnow()),
        "joined_after": form.view.joined_after(user),
        "edited": form.edited,
        "answered": form.answered,
        "sent": request.query_params.get("sent") == "1",
        "values": form.values,
        **shown,
    }
    return render(request, "feedback.html", context, status_code=422 if shown else 200)


@shows_errors_on(feedback_page)
async def submit_feedback(request: Request) -> Response:
    user = signed_in(request)
    data = await form_data(request)
    session_id = _session_id(request)
    held = _held(request, user)
    async with transaction(request) as session:
        view = await feedback.session_view(session, user, session_id)
        token = await feedback.submit(session, user, view, data, token=held.token_for(session_id))
    # Committed first: the mixer writes the answer in a transaction of its own, and only
    # once the session has k answers waiting (or its window has closed).
    await feedback.mix(db(request), session_id)
    response = redirect(f"/sessions/{session_id}/feedback?sent=1")
    # Only this browser, for this person, knows the token: that is what lets them edit.
    mine = held.holding(session_id, token, view.closes_at)
    response.set_cookie(
        capabilities.COOKIE,
        capabilities.write(mine, request.app.state.settings.secret_key),
        max_age=mine.max_age(utcnow()),
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response


async def history_page(request: Request) -> Response:
    user = signed_in(request)
    async with db(request).session() as session:
        given = await feedback.history(session, user)
        waiting = await feedback.pending(session, user)
    return render(request, "feedback_history.html", {"given": given, "waiting": waiting})


async def comments_page(request: Request, **shown: Any) -> Response:
    user = signed_in(request)
    async with db(request).session() as session:
        view = await trainings.iteration_view(session, user, _iteration_id(request))
        pending = await feedback.comments_to_review(session, user, view)
    context = {"view": view, "pending": pending, "decisions": feedback.decisions(), **shown}
    return render(request, "comments.html", context, status_code=422 if shown else 200)


@shows_errors_on(comments_page)
async def review_comment(request: Request) -> Response:
    user = signed_in(request)
    data = await form_data(request)
    answer_id = str(request.path_params["answer_id"])
    async with transaction(request) as session:
        view = await trainings.iteration_view(session, user, _iteration_id(request))
        await feedback.review(session, user, view, answer_id, data.get("decision", ""))
    return redirect(f"/iterations/{view.iteration.id}/comments")


async def group_page(
    session: AsyncSession, user: User, view: trainings.IterationView, request: Request
) -> dict[str, Any]:
    shown = await feedback.on_group_page(session, user, view)
    return {
        "can_give_feedback": shown.can_give,
        "can_review": shown.can_see_rates,
        "rates": shown.rates,
        "feedback_open": shown.open_sessions,
    }


def kept_with_the_reports() -> str:
    return _("As long as the provider keeps the reports of the training.")


AREA = Area(
    "feedback",
    routes=[
        Route("/sessions/{session_id:id}/feedback", feedback_page, methods=["GET"]),
        Route("/sessions/{session_id:id}/feedback", submit_feedback, methods=["POST"]),
        Route("/feedback", history_page),
        Route("/iterations/{iteration_id:id}/comments", comments_page),
        Route(
            "/iterations/{iteration_id:id}/comments/{answer_id:token}",
            review_comment,
            methods=["POST"],
        ),
    ],
    notifications={
        "feedback": lambda title: (
            _("Give your feedback on “%(title)s”: 15 seconds.") % {"title": title}
        ),
    },
    rules=[
        permissions.can_give_feedback,
        permissions.can_rate_session,
        permissions.can_review_comments,
        permissions.can_see_response_rates,
        permissions.can_set_feedback_criteria,
    ],
    group_page=group_page,
    personal_data=(
        Holding(
            FeedbackReceipt,
            person=("user_id",),
            what=lambda: _("That you answered about a session, never what you answered."),
            purpose=lambda: _(
                "Asking once per session, and reminding those who have not answered."
            ),
            basis=Basis.LEGITIMATE_INTEREST,
            retention=Retention(
                lambda: _("Until the feedback window of the session closes."),
                removes=expiry.forget_receipts,
            ),
            on_erase=OnErase.DELETE,
            recipients=nobody_else,
            exported=("session_id",),
        ),
        Holding(
            FeedbackReminder,
            person=("user_id",),
            what=lambda: _("The reminders you were sent."),
            purpose=lambda: _("Sending at most a few reminders a week."),
            basis=Basis.LEGITIMATE_INTEREST,
            retention=Retention(
                lambda: _(
                    "Until the feedback window of the session closes, and a week after it was sent."
                ),
                removes=expiry.forget_reminders,
            ),
            on_erase=OnErase.DELETE,
            recipients=nobody_else,
            exported=("session_id", "sent_at"),
        ),
        Holding(
            FeedbackPending,
            person=(),
            what=lambda: _("Answers waiting to be mixed with others: they name nobody."),
            purpose=lambda: _("Measuring how sessions went, anonymously."),
            basis=Basis.LEGITIMATE_INTEREST,
            retention=Retention(lambda: _("Until mixed with other answers, within minutes.")),
            on_erase=OnErase.NOT_LINKED,
            recipients=lambda: _("The provider's staff, as figures drawn from at least k answers."),
            exported=(),
        ),
        Holding(
            FeedbackAnswer,
            person=(),
            what=lambda: _("Anonymous answers and comments: they name nobody."),
            purpose=lambda: _("Measuring how sessions went, anonymously."),
            basis=Basis.LEGITIMATE_INTEREST,
            retention=Retention(kept_with_the_reports),
            on_erase=OnErase.NOT_LINKED,
            recipients=lambda: _("The provider's staff, as figures drawn from at least k answers."),
            exported=(),
        ),
        Holding(
            FeedbackRating,
            person=(),
            what=lambda: _("Anonymous ratings: they name nobody."),
            purpose=lambda: _("Measuring how sessions went, anonymously."),
            basis=Basis.LEGITIMATE_INTEREST,
            retention=Retention(kept_with_the_reports),
            on_erase=OnErase.NOT_LINKED,
            recipients=lambda: _("The provider's staff, as figures drawn from at least k answers."),
            exported=(),
        ),
    ),
)

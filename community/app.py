"""The composition root: routes, middleware, lifespan."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from redis.asyncio import Redis
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.routing import Mount, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from community import migrate
from community import projects as project_area
from community.accounts import Passwords
from community.assets import VersionedStaticFiles
from community.database import Database
from community.live import Live
from community.security import BodyLimitMiddleware, CSRFMiddleware, SecurityHeadersMiddleware
from community.settings import Settings
from community.templating import STATIC
from community.throttle import Throttle
from community.views import (
    accounts,
    errors,
    feedback,
    pages,
    projects,
    reports,
    trainings,
    tutoring,
)
from community.visitors import VisitorMiddleware

log = logging.getLogger(__name__)


def routes() -> list[Route | Mount]:
    return [
        Route("/", pages.home),
        Route("/healthz", pages.healthz),
        Route("/signup", accounts.signup_form, methods=["GET"]),
        Route("/signup", accounts.signup, methods=["POST"]),
        Route("/signin", accounts.signin_form, methods=["GET"]),
        Route("/signin", accounts.signin, methods=["POST"]),
        Route("/signout", accounts.signout, methods=["POST"]),
        Route("/profile", accounts.profile_form, methods=["GET"]),
        Route("/profile", accounts.profile, methods=["POST"]),
        Route("/language", accounts.set_language, methods=["POST"]),
        Route("/join", trainings.join_form, methods=["GET"]),
        Route("/join", trainings.join, methods=["POST"]),
        Route("/iterations/{iteration_id:int}", trainings.iteration_page),
        Route("/iterations/{iteration_id:int}/sessions", trainings.add_session, methods=["POST"]),
        Route("/iterations/{iteration_id:int}/trainers", trainings.add_trainer, methods=["POST"]),
        Route("/iterations/{iteration_id:int}/code", trainings.renew_code, methods=["POST"]),
        Route(
            "/iterations/{iteration_id:int}/threshold",
            trainings.set_support_threshold,
            methods=["POST"],
        ),
        Route("/trainings", trainings.trainings_page, methods=["GET"]),
        Route("/trainings", trainings.create_training, methods=["POST"]),
        Route("/trainings/{training_id:int}", trainings.training_page, methods=["GET"]),
        Route(
            "/trainings/{training_id:int}/iterations", trainings.create_iteration, methods=["POST"]
        ),
        Route("/trainings/{training_id:int}/criteria", trainings.set_criteria, methods=["POST"]),
        Route(
            "/iterations/{iteration_id:int}/announcements",
            trainings.post_announcement,
            methods=["POST"],
        ),
        Route(
            "/iterations/{iteration_id:int}/members/{user_id:int}/remove",
            trainings.remove_member,
            methods=["POST"],
        ),
        Route("/sessions/{session_id:int}/feedback", feedback.feedback_page, methods=["GET"]),
        Route("/sessions/{session_id:int}/feedback", feedback.submit_feedback, methods=["POST"]),
        Route("/sessions/{session_id:int}/pulse", feedback.pulse_page, methods=["GET"]),
        Route("/sessions/{session_id:int}/pulse/tap", feedback.pulse_tap, methods=["POST"]),
        Route("/sessions/{session_id:int}/pulse/questions", feedback.pulse_ask, methods=["POST"]),
        Route(
            "/sessions/{session_id:int}/pulse/questions/{question_id}/vote",
            feedback.pulse_vote,
            methods=["POST"],
        ),
        Route("/sessions/{session_id:int}/pulse/screen", feedback.pulse_screen),
        Route("/feedback", feedback.history_page),
        Route("/iterations/{iteration_id:int}/comments", feedback.comments_page),
        Route(
            "/iterations/{iteration_id:int}/comments/{answer_id}",
            feedback.review_comment,
            methods=["POST"],
        ),
        Route("/notifications", feedback.notifications_page),
        Route("/reports", reports.index),
        Route("/reports/compare", reports.compare),
        Route("/reports/evidence", reports.evidence),
        Route("/reports/threshold", reports.set_threshold, methods=["POST"]),
        Route("/reports/iterations/{iteration_id:int}", reports.iteration_report),
        Route("/reports/iterations/{iteration_id:int}/export.csv", reports.export),
        Route(
            "/reports/iterations/{iteration_id:int}/actions",
            reports.record_action,
            methods=["POST"],
        ),
        Route("/reports/iterations/{iteration_id:int}/publish", reports.publish, methods=["POST"]),
        Route("/help", tutoring.help_page, methods=["GET"]),
        Route("/help", tutoring.ask, methods=["POST"]),
        Route("/help/{request_id:int}", tutoring.request_page),
        Route("/help/{request_id:int}/offers", tutoring.offer, methods=["POST"]),
        Route("/help/{request_id:int}/accept", tutoring.accept, methods=["POST"]),
        Route("/help/{request_id:int}/schedule", tutoring.schedule, methods=["POST"]),
        Route("/help/{request_id:int}/confirm", tutoring.confirm, methods=["POST"]),
        Route("/help/{request_id:int}/cancel", tutoring.cancel, methods=["POST"]),
        Route("/help/{request_id:int}/thanks", tutoring.thank, methods=["POST"]),
        Route("/skills", tutoring.skills_page, methods=["GET"]),
        Route("/skills", tutoring.mark_skill, methods=["POST"]),
        Route("/skills/suggest", tutoring.suggest_skill, methods=["POST"]),
        Route("/skills/{mark_id:int}/remove", tutoring.unmark_skill, methods=["POST"]),
        Route("/skills/catalogue", tutoring.catalogue_page, methods=["GET"]),
        Route("/skills/catalogue", tutoring.add_to_catalogue, methods=["POST"]),
        Route("/skills/catalogue/{skill_id:int}", tutoring.curate, methods=["POST"]),
        Route("/iterations/{iteration_id:int}/help", tutoring.group_needs),
        Route("/projects", projects.list_page, methods=["GET"]),
        Route("/projects", projects.propose, methods=["POST"]),
        Route("/projects/{project_id:int}", projects.project_page),
        Route("/projects/{project_id:int}/audit", projects.audit_page),
        *project_actions(),
        Route("/iterations/{iteration_id:int}/review", projects.review_page),
        Mount("/static", VersionedStaticFiles(directory=STATIC), name="static"),
    ]


def project_actions() -> list[Route]:
    """Every action in a project space is a POST under /projects/<id>/."""
    act = projects.action
    area = project_area
    paths = {
        "edit": act(area.edit_draft, data=True),
        "publish": act(area.publish),
        "support": act(area.support),
        "launch": act(area.launch),
        "decide": act(area.decide, data=True),
        "join": projects.join,
        "leave": act(area.leave),
        "members/{member_id:int}/decide": projects.decide_join,
        "members/{member_id:int}/remove": act(area.remove_member, "member_id", data=True),
        "tasks": act(area.add_task, data=True),
        "tasks/{task_id:int}/move": projects.move_task,
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


class LiveSockets:
    """The websocket of every live page goes straight to the live endpoint.

    It skips the rest of the middleware chain and the router: their frames would stay on the
    stack of every open socket for as long as it is open. What applies to a socket has been
    checked by then (the host, the visitor's session); the endpoint checks the Origin.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and scope["path"] == "/live":
            return await scope["app"].state.live.endpoint(scope, receive, send)
        await self.app(scope, receive, send)


def keep_parameters_out_of_logs() -> None:
    """Database drivers log query parameters (what people wrote) below INFO: never let them.

    Feedback must stay anonymous and free text private, whatever logging is configured.
    """
    for name in ("aiosqlite", "asyncpg", "sqlalchemy.engine", "sqlalchemy.pool"):
        logging.getLogger(name).setLevel(logging.WARNING)


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    keep_parameters_out_of_logs()
    db = Database(settings.database_url)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with AsyncExitStack() as cleanup:
            cleanup.push_async_callback(db.dispose)
            await migrate.check_is_migrated(db.engine)
            redis = Redis.from_url(settings.redis_url) if settings.redis_url else None
            if redis is not None:
                cleanup.push_async_callback(redis.aclose)
            live = Live(settings, db, redis)
            await live.hub.start()
            cleanup.push_async_callback(live.hub.stop)
            app.state.live = live
            app.state.throttle = Throttle(redis)
            # What start-up built lives as long as the process: keep it out of the collector's
            # full passes, which stall every socket of the process for as long as they take
            # (under a microsecond per object, but 180 ms with 1,000 sockets; 100 ms once frozen).
            gc.collect()
            gc.freeze()
            yield

    app = Starlette(
        routes=routes(),
        middleware=[
            Middleware(SecurityHeadersMiddleware),
            Middleware(TrustedHostMiddleware, allowed_hosts=list(settings.allowed_hosts)),
            Middleware(VisitorMiddleware, settings=settings, db=db),
            Middleware(LiveSockets),
            Middleware(BodyLimitMiddleware, max_body=settings.max_body_bytes, refuse=errors.refuse),
            Middleware(CSRFMiddleware, refuse=errors.refuse),
        ],
        exception_handlers={HTTPException: errors.http_exception, Exception: errors.server_error},
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.db = db
    app.state.passwords = Passwords(settings.hashing_profile)
    return app


def __getattr__(name: str) -> Starlette:
    # `uvicorn community.app:app` builds the app from the environment on first use,
    # so importing this module (tests, tools) reads no environment.
    if name == "app":
        return create_app()
    raise AttributeError(name)

"""The composition root: routes, middleware, lifespan."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from redis.asyncio import Redis
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.routing import BaseRoute, Mount
from starlette.types import ASGIApp, Receive, Scope, Send

from community import areas, digests, feedback, migrate, retention
from community.accounts import Passwords
from community.assets import VersionedStaticFiles
from community.database import Database
from community.exports import job as export_job
from community.live import Live
from community.mail.sender import Mailer
from community.security import BodyLimitMiddleware, CSRFMiddleware, SecurityHeadersMiddleware
from community.session_cache import LocalStamps, RedisStamps, SessionCache, track_changes
from community.settings import Settings
from community.storage import DiskStorage
from community.templating import STATIC, environment
from community.throttle import Throttle
from community.views import errors
from community.views import journal as journal_views
from community.views import projects as projects_views
from community.views import vr as vr_views
from community.visitors import VisitorMiddleware

log = logging.getLogger(__name__)


def routes() -> list[BaseRoute]:
    return [
        *areas.routes(),
        Mount("/static", VersionedStaticFiles(directory=STATIC), name="static"),
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


class Ruche(Starlette):
    """The app, which logs an unhandled error once, without what people wrote in it.

    Starlette re-raises an error after its 500 page so that the server logs it, and uvicorn
    would print the exception's text: log it here without messages, and stop it here.
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        except Exception as exc:
            if scope["type"] != "http":
                raise
            where = f"{scope.get('method')} {scope.get('path')}"
            log.error("unhandled error on %s\n%s", where, errors.without_messages(exc))


async def _stop(task: asyncio.Task[None]) -> None:
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


def keep_parameters_out_of_logs() -> None:
    """Database drivers log query parameters (what people wrote) below INFO: never let them.

    Feedback must stay anonymous and free text private, whatever logging is configured.
    """
    for name in ("aiosqlite", "asyncpg", "sqlalchemy.engine", "sqlalchemy.pool"):
        logging.getLogger(name).setLevel(logging.WARNING)


def create_app(settings: Settings | None = None) -> Ruche:
    settings = settings or Settings.from_env()
    keep_parameters_out_of_logs()
    db = Database(settings.database_url)
    sessions = SessionCache(LocalStamps())
    track_changes(db.sync_session_class)
    db.on_close = sessions.closed
    areas.install(environment)
    # In production templates change only with a deploy: no file check on every render.
    environment.auto_reload = not settings.production

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with AsyncExitStack() as cleanup:
            cleanup.push_async_callback(db.dispose)
            await migrate.check_is_migrated(db.engine)
            redis = Redis.from_url(settings.redis_url) if settings.redis_url else None
            if redis is not None:
                cleanup.push_async_callback(redis.aclose)
                # Several processes: a change to a person must reach every process's cache.
                sessions.stamps = RedisStamps(redis)
            live = Live(settings, db, redis)
            await live.hub.start()
            cleanup.push_async_callback(live.hub.stop)
            app.state.live = live
            app.state.throttle = Throttle(redis)
            # Answers a stopped process left pending are mixed now; closed windows each round.
            await feedback.mix_all(db)
            mixing = asyncio.create_task(feedback.keep_mixing(db))
            cleanup.push_async_callback(_stop, mixing)
            # What is kept past its time goes, every RUCHE_RETENTION_EVERY seconds.
            app.state.retention = retention.Schedule(db, settings)
            enforcing = asyncio.create_task(app.state.retention.keep_running())
            cleanup.push_async_callback(_stop, enforcing)
            if settings.export_every > 0:  # archives people asked for, prepared here
                building = asyncio.create_task(
                    export_job.keep_building(db, areas.AREAS, settings.export_every)
                )
                cleanup.push_async_callback(_stop, building)
            if settings.mail_every > 0:  # mails left waiting by a stopped process go first
                sending = asyncio.create_task(app.state.mailer.keep_sending(settings.mail_every))
                cleanup.push_async_callback(_stop, sending)
            if settings.digest_every > 0:  # e-mail digests due, queued in the outbox
                digesting = asyncio.create_task(
                    digests.keep_sending(db, settings, app.state.mailer.wake)
                )
                cleanup.push_async_callback(_stop, digesting)
            # What start-up built lives as long as the process: keep it out of the collector's
            # full passes, which stall every socket of the process for as long as they take
            # (under a microsecond per object, but 180 ms with 1,000 sockets; 100 ms once frozen).
            gc.collect()
            gc.freeze()
            yield

    app = Ruche(
        routes=routes(),
        middleware=[
            Middleware(SecurityHeadersMiddleware),
            Middleware(TrustedHostMiddleware, allowed_hosts=list(settings.allowed_hosts)),
            Middleware(VisitorMiddleware, settings=settings, db=db, sessions=sessions),
            Middleware(LiveSockets),
            Middleware(
                BodyLimitMiddleware,
                max_body=settings.max_body_bytes,
                refuse=errors.refuse,
                larger=projects_views.UPLOADS + vr_views.UPLOADS + journal_views.UPLOADS,
            ),
            Middleware(CSRFMiddleware, refuse=errors.refuse),
        ],
        exception_handlers=errors.HANDLERS,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.db = db
    app.state.passwords = Passwords(settings.hashing_profile)
    app.state.mailer = Mailer.from_settings(db, settings)
    app.state.media = DiskStorage(settings.media_dir)
    return app


def __getattr__(name: str) -> Ruche:
    # `uvicorn community.app:app` builds the app from the environment on first use,
    # so importing this module (tests, tools) reads no environment.
    if name == "app":
        return create_app()
    raise AttributeError(name)

"""The home page, which tells each person what to do next, and the health check."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from community import feedback, trainings
from community import home as home_now
from community.area import Area
from community.i18n import _
from community.models import HomeVisit, utcnow
from community.notifications import HOME_REGION
from community.personal_data import (
    Basis,
    Holding,
    OnErase,
    Retention,
    as_long_as_the_account,
    nobody_else,
)
from community.settings import Settings
from community.templating import render
from community.views import current_user, transaction
from realtime import log as event_log


async def home(request: Request) -> Response:
    user = current_user(request)
    if user is None:
        return render(request, "home.html")
    # An open home fetching its region again (a nudge, static/js/live.js) is the same visit.
    refetch = request.headers.get("HX-Request") == "true"
    # The page reminds learners of the feedback they owe, once: a write only when one is due,
    # and two views at once settle it on the person's row (feedback.remind).
    async with transaction(request) as session:
        waiting = await feedback.pending(session, user)
        if waiting:
            await feedback.remind(session, user, waiting=waiting)
        since = await home_now.last_visit(session, user)
        now = await home_now.gather(session, user, since, waiting)
        if not refetch:
            await home_now.visited(session, user, utcnow())
        mine = await trainings.home_of(session, user)
    return render(request, "home.html", {"home": mine, "now": now, "region": HOME_REGION})


async def healthz(request: Request) -> Response:
    state = request.app.state
    checks = {"db": state.db.ping(), "broker": state.live.hub.broker.ping()}
    report: dict[str, str] = {}
    for name, check in checks.items():
        try:
            await asyncio.wait_for(check, timeout=2)
            report[name] = "ok"
        except Exception as exc:  # any failure means "down", whatever raised it
            report[name] = f"down: {type(exc).__name__}"
    healthy = all(value == "ok" for value in report.values())
    return JSONResponse(report, status_code=200 if healthy else 503)


async def _prune_live_events(session: AsyncSession, now: datetime, settings: Settings) -> int:
    """The live log keeps what a page that lost its connection may still ask for."""
    keep = timedelta(days=settings.live_keep_days)
    return await event_log.prune(session, keep, settings.live_keep_events, now)


AREA = Area(
    "pages",
    routes=[Route("/", home), Route("/healthz", healthz)],
    personal_data=(
        Holding(
            event_log.events,
            person=(),
            what=lambda: _("Recent changes pushed to open pages, as they were shown."),
            purpose=lambda: _("Bringing back a page that lost its connection up to date."),
            basis=Basis.LEGITIMATE_INTEREST,
            retention=Retention(
                lambda: _("A few days at most (7 by default)."), removes=_prune_live_events
            ),
            on_erase=OnErase.NOT_LINKED,
            recipients=lambda: _("The people who could see each change."),
        ),
        Holding(
            HomeVisit,
            person=("user_id",),
            what=lambda: _("When you last opened your home page."),
            purpose=lambda: _("Showing first what came after your last visit."),
            basis=Basis.LEGITIMATE_INTEREST,
            retention=Retention(as_long_as_the_account),
            on_erase=OnErase.DELETE,
            recipients=nobody_else,
            exported=("seen_at",),
        ),
    ),
)

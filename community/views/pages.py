"""The home page, which tells each person what to do next, and the health check."""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from community import feedback, trainings
from community.area import Area
from community.templating import render
from community.views import current_user, transaction


async def home(request: Request) -> Response:
    user = current_user(request)
    if user is None:
        return render(request, "home.html")
    # A write while reading: the page reminds learners of the feedback they owe, once.
    async with transaction(request) as session:
        waiting = await feedback.pending(session, user)
        if waiting:
            await feedback.remind(session, user)
        mine = await trainings.home_of(session, user)
    return render(request, "home.html", {"home": mine, "waiting": waiting})


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


AREA = Area("pages", routes=[Route("/", home), Route("/healthz", healthz)])

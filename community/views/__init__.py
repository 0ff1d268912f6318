"""Thin Starlette endpoints: parse, call the area, render."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from community import throttle
from community.database import Database
from community.models import User
from community.views.errors import error_page
from community.visitors import Visitor


async def form_data(request: Request) -> dict[str, str]:
    """The submitted fields as text; uploads are not accepted anywhere yet."""
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


def visitor(request: Request) -> Visitor:
    return request.state.visitor


def current_user(request: Request) -> User | None:
    return visitor(request).user


def db(request: Request) -> Database:
    return request.app.state.db


def redirect(url: str) -> RedirectResponse:
    # 303: the browser (and htmx's fetch) follows with a GET, so a reload never re-posts.
    return RedirectResponse(url, status_code=303)


def safe_next(target: Any) -> str:
    """Only same-site paths: an open redirect would make a phishing link look like ours."""
    if isinstance(target, str) and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"


async def throttled(request: Request, *checks: tuple[throttle.Limit, str]) -> Response | None:
    """A 429 page with Retry-After once any of these limits is reached, else None."""
    for limit, key in checks:
        wait = await request.app.state.throttle.hit(limit, key)
        if wait is not None:
            response = error_page(request, 429)
            response.headers["Retry-After"] = str(wait)
            return response
    return None


def client_ip(request: Request) -> str:
    # Behind a proxy, uvicorn's --forwarded-allow-ips makes this the real client.
    return request.client.host if request.client else "unknown"

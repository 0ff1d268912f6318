"""Thin Starlette endpoints: parse, call the area, render."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

# `parsing` registers the `id` and `token` route convertors before any area declares a route.
from community import parsing, throttle  # noqa: F401
from community.database import Database
from community.errors import SignInRequired
from community.forms import FormError
from community.models import User
from community.views.errors import error_page
from community.visitors import Visitor


async def form_data(request: Request) -> dict[str, str]:
    """The submitted fields as text; files are read apart (`uploaded`)."""
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


async def uploaded(request: Request, name: str, at_most: int) -> bytes | None:
    """The file sent as `name`: None when none was chosen; past `at_most` bytes, only
    `at_most + 1` of them (enough to say it is too large)."""
    upload = (await request.form()).get(name)
    if isinstance(upload, str) or upload is None:
        return None
    try:
        content = await upload.read(at_most + 1)
    finally:
        await upload.close()
    return content or None


def visitor(request: Request) -> Visitor:
    return request.state.visitor


def current_user(request: Request) -> User | None:
    return visitor(request).user


def signed_in(request: Request) -> User:
    """The signed-in user; anyone else is sent to sign in (views/errors.py)."""
    user = current_user(request)
    if user is None:
        raise SignInRequired
    return user


def db(request: Request) -> Database:
    return request.app.state.db


@asynccontextmanager
async def transaction(request: Request) -> AsyncIterator[AsyncSession]:
    """The request's one unit of work: the actions it calls write in it and never commit;
    it commits once at the end (live events are published after that), and an error
    anywhere rolls every write back."""
    async with db(request).session() as session:
        yield session
        await session.commit()


Endpoint = Callable[[Request], Awaitable[Response]]
Page = Callable[..., Awaitable[Response]]


def shows_errors_on(page: Page) -> Callable[[Endpoint], Endpoint]:
    """A write whose form is refused shows `page` again, with the messages and what was
    typed (the page answers 422 when given them); nothing was written."""

    def decorate(endpoint: Endpoint) -> Endpoint:
        @functools.wraps(endpoint)
        async def run(request: Request) -> Response:
            try:
                return await endpoint(request)
            except FormError as exc:
                return await page(request, errors=exc.errors, values=exc.values)

        return run

    return decorate


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


async def forgiven(request: Request, *checks: tuple[throttle.Limit, str]) -> None:
    """Give back the attempts `throttled` counted, once they turned out to be good."""
    for limit, key in checks:
        await request.app.state.throttle.forgive(limit, key)


def client_ip(request: Request) -> str:
    # Behind a proxy, uvicorn's --forwarded-allow-ips makes this the real client.
    return request.client.host if request.client else "unknown"

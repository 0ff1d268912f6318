"""Error pages in the visitor's language; never a stack trace."""

from __future__ import annotations

import logging
import traceback

from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.types import Receive, Scope, Send

from community.errors import Forbidden, NotFound, SignInRequired
from community.i18n import _
from community.security import add_security_headers
from community.templating import render

log = logging.getLogger(__name__)


def _titles() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Bad request"), _("The request could not be understood.")),
        403: (
            _("Not allowed"),
            _("This action was refused. Reload the page and try again."),
        ),
        404: (_("Page not found"), _("This page does not exist, or you cannot see it.")),
        405: (_("Not allowed"), _("This address does not accept this kind of request.")),
        413: (_("Too large"), _("What you sent is too large.")),
        429: (
            _("Too many attempts"),
            _("Too many attempts in a short time. Wait a few minutes and try again."),
        ),
        500: (_("Something went wrong"), _("An error occurred on our side. Try again shortly.")),
    }


def error_page(request: Request, status_code: int) -> HTMLResponse:
    titles = _titles()
    title, message = titles.get(status_code, titles[500 if status_code >= 500 else 400])
    return render(
        request, "error.html", {"title": title, "message": message}, status_code=status_code
    )


async def http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    response = error_page(request, exc.status_code)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def not_found(request: Request, exc: Exception) -> Response:
    return error_page(request, 404)


async def forbidden(request: Request, exc: Exception) -> Response:
    return error_page(request, 403)


async def sign_in_required(request: Request, exc: Exception) -> Response:
    """A page opened while signed out leads to sign-in and back; anything else is not there."""
    if request.method == "GET" and "hx-request" not in request.headers:
        return RedirectResponse(f"/signin?next={request.url.path}", status_code=303)
    return error_page(request, 404)


async def client_gone(request: Request, exc: Exception) -> Response:
    """The browser left while sending its form (a closed tab, a phone gone to sleep): the view
    stopped at reading it, before writing anything; nobody reads this answer."""
    return PlainTextResponse("", status_code=400)


async def server_error(request: Request, exc: Exception) -> Response:
    # This handler runs outside the other middleware, so it adds the headers itself.
    # The error is logged once, by the app (app.py), without its messages.
    try:
        response: Response = error_page(request, 500)
    except Exception:
        response = HTMLResponse("<h1>Erreur / Error</h1>", status_code=500)
    add_security_headers(response.headers, request.url.scheme == "https")
    return response


def without_messages(exc: BaseException) -> str:
    """An error's traceback, each exception in its chain by type and frames only.

    Messages are left out: a database error quotes the row it refused, a conversion error
    the text it could not read, and either can be what a learner wrote (an anonymous comment).
    """
    parts = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        frames = "".join(traceback.format_tb(current.__traceback__))
        kind = f"{type(current).__module__}.{type(current).__qualname__}"
        parts.append(f"{frames}{kind} (message withheld)")
        current = current.__cause__ or current.__context__
    return "\n-- caused by or during:\n".join(reversed(parts))


async def refuse(scope: Scope, receive: Receive, send: Send, status_code: int) -> None:
    """For middleware that stops a request before it reaches a view."""
    await error_page(Request(scope, receive), status_code)(scope, receive, send)


# The app's exception handlers: each refusal becomes one response, wherever it was raised.
HANDLERS = {
    HTTPException: http_exception,
    NotFound: not_found,
    Forbidden: forbidden,
    SignInRequired: sign_in_required,
    ClientDisconnect: client_gone,
    Exception: server_error,
}

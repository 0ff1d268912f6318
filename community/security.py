"""Security headers on every response, and CSRF + Origin checks on every unsafe request."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Awaitable, Callable, Sequence
from urllib.parse import parse_qs, urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Writes authorised by a signed token in the address, not by a session: a mail client's
# one-click unsubscribe (RFC 8058) comes without cookie, Origin or CSRF token.
SIGNED_LINKS = ("/digests/unsubscribe/",)
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"

SECURITY_HEADERS = {
    # Only this origin's scripts, styles, sockets, service worker and manifest; no inline
    # script, no framing.
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; font-src 'self'; worker-src 'self'; manifest-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}


def letting_in(policy: str, directive: str, *sources: str) -> str:
    """`policy` with `sources` added to one directive and to no other. A directive the policy
    leaves to `default-src 'self'` (media-src: a page's <video>) is written out as 'self'
    plus them, so that a page playing a video linked from the provider's https host lets that
    one origin in for media, while scripts, styles, frames and the rest stay as strict."""
    parts = [part.strip() for part in policy.split(";")]
    for index, part in enumerate(parts):
        if part.split(" ", 1)[0] == directive:
            parts[index] = " ".join((part, *sources))
            return "; ".join(parts)
    return "; ".join((*parts, " ".join((directive, "'self'", *sources))))


Responder = Callable[[Scope, Receive, Send, int], Awaitable[None]]


def signature(secret: str, message: str, purpose: str = "") -> str:
    """The app's keyed hash of `message`: a CSRF token, a signed cookie. `purpose` keeps a
    value signed for one use from being valid for another."""
    return hmac.new(secret.encode(), (purpose + message).encode(), hashlib.sha256).hexdigest()


def add_security_headers(headers: MutableHeaders, https: bool, status: int = 200) -> None:
    for name, value in SECURITY_HEADERS.items():
        headers.setdefault(name, value)
    # Training centres share computers: no page may outlive its reader's session in the
    # browser's cache or history. Only what says otherwise (versioned assets) is cached.
    # A redirect holds nothing to keep; marked no-store, it made Chromium's boosted form
    # posts miss the live update that followed (tests/e2e/test_tutoring_pages.py).
    if not 300 <= status < 400:
        headers.setdefault("cache-control", "no-store")
    if https:
        headers.setdefault("strict-transport-security", "max-age=63072000; includeSubDomains")


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                add_security_headers(headers, scope["scheme"] == "https", message["status"])
            await send(message)

        await self.app(scope, receive, send_with_headers)


def same_origin(headers: Headers) -> bool:
    """Browsers say where an unsafe request comes from; refuse any other site."""
    if headers.get("sec-fetch-site") == "cross-site":
        return False
    origin = headers.get("origin")
    if origin is None:
        return True
    return urlsplit(origin).netloc == headers.get("host", "") and origin != "null"


class BodyLimitMiddleware:
    """Refuse request bodies over the limit, with the app's own error page. `larger` lets
    the few routes that take uploads have more: (path pattern, limit) for POSTs."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body: int,
        refuse: Responder,
        larger: Sequence[tuple[re.Pattern[str], int]] = (),
    ) -> None:
        self.app = app
        self.max_body = max_body
        self.refuse = refuse
        self.larger = larger

    def _limit(self, scope: Scope) -> int:
        if scope["method"] == "POST":
            for path, limit in self.larger:
                if path.fullmatch(scope["path"]):
                    return limit
        return self.max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = self._limit(scope)
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            return await self.refuse(scope, receive, send, 413)
        received = 0

        async def limited() -> Message:
            # A body sent without a length (chunked) is counted as it arrives.
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise HTTPException(413)
            return message

        await self.app(scope, limited, send)


class CSRFMiddleware:
    """A token bound to the visitor's session, from the X-CSRF-Token header or a form field."""

    def __init__(self, app: ASGIApp, *, refuse: Responder) -> None:
        self.app = app
        self.refuse = refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            return await self.app(scope, receive, send)
        if scope["path"].startswith(SIGNED_LINKS):
            return await self.app(scope, receive, send)
        headers = Headers(scope=scope)
        if not same_origin(headers):
            return await self.refuse(scope, receive, send, 403)
        submitted = headers.get(CSRF_HEADER)
        if submitted is None and headers.get("content-type", "").startswith(
            "application/x-www-form-urlencoded"
        ):
            try:
                body = await _read_body(receive)
            except HTTPException as exc:
                return await self.refuse(scope, receive, send, exc.status_code)
            except ClientDisconnect:
                return  # nobody left to answer, and half a form is never handed on
            submitted = parse_qs(body.decode("latin-1")).get(CSRF_FIELD, [None])[0]
            receive = _replay(body, receive)
        expected = scope["state"]["visitor"].csrf_token
        if not submitted or not secrets.compare_digest(submitted.encode(), expected.encode()):
            return await self.refuse(scope, receive, send, 403)
        await self.app(scope, receive, send)


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnect
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """Hand the buffered body to the app, then the real stream (which waits for disconnect)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay

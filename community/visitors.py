"""Who is on the other end: the session cookie, read for every request and websocket."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from community import accounts, i18n, notifications
from community.database import Database
from community.models import User
from community.security import signature
from community.session_cache import SessionCache
from community.settings import Settings

LOCALE_COOKIE = "ruche_lang"


@dataclass
class Visitor:
    """The browser's session token, its user if signed in, and whether the cookie must change.

    Every visitor has a token, signed in or not, so that the sign-in form itself carries
    a CSRF token bound to this browser.
    """

    token: str
    user: User | None
    secret: str
    cookie_changed: bool = False
    unread: int = 0  # for the notification counter in the page header
    badge_seq: int = 0
    locale: str = i18n.DEFAULT_LOCALE  # for live events rendered once per language

    @property
    def csrf_token(self) -> str:
        return signature(self.secret, self.token)

    def switch(self, token: str, user: User | None) -> None:
        """A new session id at sign-in and sign-out: the old one is worth nothing after."""
        self.token, self.user, self.cookie_changed = token, user, True


def cookie_name(scope: Scope) -> str:
    # The __Host- prefix pins the cookie to this host and path, but browsers only take
    # it over https.
    return "__Host-ruche" if scope.get("scheme") in ("https", "wss") else "ruche"


def _personal_cookies(scope: Scope) -> list[str]:
    """What the browser holds for the person before a new session (sign-in, sign-out):
    shared computers are normal, so none of it may pass to the next person. The language
    is the browser's, not the person's."""
    kept = {cookie_name(scope), LOCALE_COOKIE}
    return [name for name in HTTPConnection(scope).cookies if name not in kept]


class VisitorMiddleware:
    def __init__(
        self, app: ASGIApp, *, settings: Settings, db: Database, sessions: SessionCache
    ) -> None:
        self.app = app
        self.settings = settings
        self.db = db
        self.sessions = sessions

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        visitor = await self._visitor(scope)
        scope.setdefault("state", {})["visitor"] = visitor
        if scope["type"] == "websocket":
            return await self.app(scope, receive, send)

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and visitor.cookie_changed:
                headers = MutableHeaders(scope=message)
                headers.append("set-cookie", self._cookie(scope, visitor.token))
                for name in _personal_cookies(scope):
                    headers.append("set-cookie", f"{name}=; Path=/; Max-Age=0; HttpOnly")
            await send(message)

        await self.app(scope, receive, send_with_cookie)

    async def _visitor(self, scope: Scope) -> Visitor:
        """Who is there, and in which language they read (set for the rest of the request)."""
        conn = HTTPConnection(scope)
        token = conn.cookies.get(cookie_name(scope))
        user = None
        unread = badge_seq = 0
        # Static files are the same for everyone: no session lookup for them.
        if token and not scope["path"].startswith("/static/"):
            async with self.db.session() as db:
                user = await self.sessions.user(db, token)
                if user is not None and user.id is not None and scope["type"] == "http":
                    unread, badge_seq = await notifications.header(db, user.id)
        locale = i18n.negotiate(
            user.locale if user else None,
            conn.cookies.get(LOCALE_COOKIE),
            conn.headers.get("accept-language"),
        )
        i18n.set_locale(locale)
        return Visitor(
            token=token or accounts.new_token(),
            user=user,
            secret=self.settings.secret_key,
            cookie_changed=not token,
            unread=unread,
            badge_seq=badge_seq,
            locale=locale,
        )

    def _cookie(self, scope: Scope, token: str) -> str:
        secure = "; Secure" if scope.get("scheme") == "https" else ""
        max_age = self.settings.session_days * 86400
        return (
            f"{cookie_name(scope)}={token}; Path=/; Max-Age={max_age}; "
            f"HttpOnly; SameSite=Lax{secure}"
        )

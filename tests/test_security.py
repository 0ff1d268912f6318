"""CSRF, Origin, cookies, throttling, security headers, body limits: as an attacker would try."""

from __future__ import annotations

import asyncio
import re

import pytest
from sqlmodel import col, func, select

from community import throttle
from community.models import JournalEntry, User
from community.security import SECURITY_HEADERS
from tests.conftest import make_client
from tests.helpers import csrf_token, post_form, sign_in

SIGNUP = {"email": "x@example.fr", "display_name": "X", "password": "une phrase secrète"}


async def entries(db) -> int:
    async with db.session() as session:
        return (await session.exec(select(func.count()).select_from(JournalEntry))).one()


async def users(db) -> int:
    async with db.session() as session:
        return (await session.exec(select(func.count(col(User.id))))).one()


@pytest.mark.parametrize("token", [None, "", "0" * 64, "not-hex"])
async def test_unsafe_requests_without_the_right_token_are_refused(client, db, token):
    await client.get("/signup")
    data = SIGNUP if token is None else {**SIGNUP, "csrf_token": token}
    response = await client.post("/signup", data=data)
    assert response.status_code == 403
    assert "Action refusée" in response.text
    assert await users(db) == 0


async def test_a_token_from_another_session_is_refused(app, client, db):
    async with make_client(app) as other:
        foreign = await csrf_token(other, "/signup")
    await client.get("/signup")
    response = await client.post("/signup", data={**SIGNUP, "csrf_token": foreign})
    assert response.status_code == 403
    header = await client.post("/signup", data=SIGNUP, headers={"X-CSRF-Token": foreign})
    assert header.status_code == 403
    assert await users(db) == 0


async def test_the_form_field_and_the_header_are_both_accepted(client, db):
    token = await csrf_token(client, "/signup")
    by_field = await client.post("/signup", data={**SIGNUP, "csrf_token": token})
    assert by_field.status_code == 303
    token = await csrf_token(client, "/")  # signing up rotated the session, and the token
    by_header = await client.post(
        "/profile",
        data={"display_name": "Par l'en-tête", "locale": "fr"},
        headers={"X-CSRF-Token": token, "HX-Request": "true"},
    )
    assert by_header.status_code == 303
    assert "Par l&#39;en-tête" in (await client.get("/profile")).text


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Origin": "http://testserver.evil.example"},
        {"Sec-Fetch-Site": "cross-site"},
    ],
)
async def test_cross_origin_unsafe_requests_are_refused_even_with_a_token(client, db, headers):
    token = await csrf_token(client, "/signup")
    response = await client.post("/signup", data={**SIGNUP, "csrf_token": token}, headers=headers)
    assert response.status_code == 403
    assert await users(db) == 0


async def test_same_origin_requests_pass(client, db):
    token = await csrf_token(client, "/signup")
    response = await client.post(
        "/signup",
        data={**SIGNUP, "csrf_token": token},
        headers={"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"},
    )
    assert response.status_code == 303


async def test_session_cookie_flags(client):
    response = await client.get("/")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("ruche=")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Path=/" in cookie
    assert "Secure" not in cookie  # plain http in development


async def test_session_cookie_is_secure_and_host_locked_under_https(app):
    async with make_client(app) as http:
        http.base_url = "https://testserver"
        response = await http.get("/")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("__Host-ruche=")
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Domain" not in cookie
    assert response.headers["strict-transport-security"].startswith("max-age=")


async def test_repeated_failed_sign_ins_are_throttled_per_account(app, demo_data):
    statuses = []
    for attempt in range(12):
        # A new client (and IP) each time: the per-account limit must hold on its own.
        async with make_client(app, ip=f"10.0.0.{attempt + 1}") as http:
            response = await post_form(
                http,
                "/signin",
                {"email": "apprenant1@demo.test", "password": "devine devine"},
                page="/signin",
            )
            statuses.append(response.status_code)
    assert statuses[:10] == [422] * 10
    assert statuses[10:] == [429, 429]
    assert int(response.headers["retry-after"]) > 0
    assert "Trop de tentatives" in response.text
    async with make_client(app, ip="10.0.1.1") as http:  # the right password waits too
        late = await post_form(
            http,
            "/signin",
            {"email": "apprenant1@demo.test", "password": "demo-ruche-2026"},
            page="/signin",
        )
    assert late.status_code == 429


async def test_sign_ins_from_one_address_are_throttled(app, demo_data):
    async with make_client(app, ip="10.9.9.9") as http:
        token = await csrf_token(http, "/signin")
        statuses = [
            (
                await http.post(
                    "/signin",
                    data={"email": f"u{n}@x.fr", "password": "x" * 10, "csrf_token": token},
                )
            ).status_code
            for n in range(51)
        ]
    assert statuses[:50] == [422] * 50
    assert statuses[50] == 429


async def test_good_sign_ins_from_one_address_leave_its_limit_to_the_failures(app, demo_data):
    # A training centre: every learner signs in from the same address, more than the limit.
    statuses = []
    for attempt in range(throttle.SIGN_IN_PER_IP.attempts + 5):
        async with make_client(app, ip="10.7.7.7") as http:
            response = await post_form(
                http,
                "/signin",
                {"email": f"apprenant{attempt % 12 + 1}@demo.test", "password": "demo-ruche-2026"},
                page="/signin",
            )
            statuses.append(response.status_code)
    assert statuses == [303] * (throttle.SIGN_IN_PER_IP.attempts + 5)
    async with make_client(app, ip="10.7.7.7") as http:  # and failures are still counted
        token = await csrf_token(http, "/signin")
        failures = [
            (
                await http.post(
                    "/signin",
                    data={"email": f"v{n}@x.fr", "password": "x" * 10, "csrf_token": token},
                )
            ).status_code
            for n in range(throttle.SIGN_IN_PER_IP.attempts + 1)
        ]
    assert failures[-2:] == [422, 429]


async def test_guesses_sent_at_the_same_moment_are_held_to_the_accounts_limit(app, demo_data):
    async def guess(n: int) -> int:
        async with make_client(app, ip=f"10.6.0.{n + 1}") as http:
            response = await post_form(
                http,
                "/signin",
                {"email": "apprenant2@demo.test", "password": f"devine {n}"},
                page="/signin",
            )
            return response.status_code

    statuses = await asyncio.gather(*(guess(n) for n in range(15)))
    assert sorted(statuses) == [422] * throttle.SIGN_IN_PER_ACCOUNT.attempts + [429] * 5


@pytest.mark.parametrize("path", ["/", "/signin", "/no-such-page", "/static/css/ruche.css"])
async def test_security_headers_everywhere(client, path):
    response = await client.get(path)
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value, (path, name)
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]


async def test_security_headers_on_refusals_and_fragments(client):
    refused = await client.post("/signup", data=SIGNUP)
    fragment = await client.get("/", headers={"HX-Request": "true", "HX-Request-Type": "partial"})
    for response in (refused, fragment):
        assert (
            response.headers["content-security-policy"]
            == SECURITY_HEADERS["content-security-policy"]
        )
        assert response.headers["x-content-type-options"] == "nosniff"


async def test_pages_have_no_inline_script(client, demo_data):
    await sign_in(client, "organisme@demo.test")
    for path in ("/", "/iterations/2", "/trainings", "/trainings/1", "/profile"):
        html = (await client.get(path)).text
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
        assert not re.search(r"<[^>]+\son\w+=", html), path  # no inline event handlers


async def test_oversized_bodies_are_refused(client, db):
    token = await csrf_token(client, "/signup")
    big = {**SIGNUP, "csrf_token": token, "padding": "x" * 300_000}
    response = await client.post("/signup", data=big)
    assert response.status_code == 413
    assert "trop volumineux" in response.text
    with_header = await client.post(
        "/signup", data={**SIGNUP, "padding": "x" * 300_000}, headers={"X-CSRF-Token": token}
    )
    assert with_header.status_code == 413
    assert await users(db) == 0


async def test_unknown_hosts_are_refused(client):
    response = await client.get("/", headers={"Host": "evil.example"})
    assert response.status_code == 400


async def test_user_text_is_escaped(client, db):
    token = await csrf_token(client, "/signup")
    await client.post(
        "/signup",
        data={
            **SIGNUP,
            "display_name": '<script>alert(1)</script><b hx-get="/x">',
            "csrf_token": token,
        },
    )
    html = (await client.get("/")).text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;b hx-get=" in html


async def test_errors_never_show_a_stack_trace(settings):
    from starlette.routing import Route

    from community.app import create_app

    async def boom(request):
        raise RuntimeError("secret internals")

    app = create_app(settings)
    app.router.routes.insert(0, Route("/boom", boom))
    async with (
        app.router.lifespan_context(app),
        make_client(app, raise_app_exceptions=False) as http,
    ):
        response = await http.get("/boom")
    assert response.status_code == 500
    assert "secret internals" not in response.text
    assert "Traceback" not in response.text
    assert "Un problème est survenu" in response.text
    assert response.headers["content-security-policy"]


async def _post_then_leave(app, client, path: str, headers: dict[str, str], part: bytes) -> list:
    """A POST whose browser sends part of its form, then goes away: what the app sent back."""
    messages = [{"type": "http.request", "body": part, "more_body": True}]
    sent: list = []

    async def receive():
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    cookie = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
        "root_path": "", "client": ("127.0.0.1", 50000), "server": ("testserver", 80),
        "headers": [(k.encode(), v.encode()) for k, v in {
            "host": "testserver", "origin": "http://testserver", "cookie": cookie,
            "content-type": "application/x-www-form-urlencoded", **headers,
        }.items()],
    }  # fmt: skip
    await app(scope, receive, send)
    return sent


@pytest.mark.parametrize("token_in", ["form", "header"])
async def test_a_form_cut_off_by_a_browser_leaving_writes_nothing_and_is_no_server_error(
    app, client, db, demo_data, caplog, token_in
):
    await sign_in(client, "apprenant8@demo.test")
    token = await csrf_token(client, "/journal")
    before = await entries(db)
    part = b"title=Une+situation+coup%C3%A9e&happened=La+moiti%C3%A9+d"
    headers = {"x-csrf-token": token} if token_in == "header" else {}
    if token_in == "form":
        part = f"csrf_token={token}&".encode() + part
    sent = await _post_then_leave(app, client, "/journal/entries", headers, part)
    assert [m["status"] for m in sent if m["type"] == "http.response.start"] in ([], [400])
    assert await entries(db) == before
    assert "unhandled error" not in caplog.text

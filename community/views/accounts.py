"""Sign-up, sign-in, sign-out, profile, language."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from community import accounts, throttle
from community.area import Area
from community.forms import FormError
from community.i18n import LOCALES, current_locale
from community.models import User
from community.templating import render
from community.views import (
    client_ip,
    current_user,
    db,
    form_data,
    redirect,
    safe_next,
    throttled,
    visitor,
)
from community.visitors import LOCALE_COOKIE


async def signup_form(request: Request) -> Response:
    return render(request, "signup.html")


async def signup(request: Request) -> Response:
    data = await form_data(request)
    refused = await throttled(request, (throttle.SIGN_UP_PER_IP, client_ip(request)))
    if refused:
        return refused
    try:
        async with db(request).session() as session:
            user = await accounts.sign_up(
                session, request.app.state.passwords, data, locale=current_locale()
            )
    except FormError as exc:
        return render(
            request, "signup.html", {"errors": exc.errors, "values": exc.values}, status_code=422
        )
    await _start_session(request, user)
    return redirect("/")


async def signin_form(request: Request) -> Response:
    return render(request, "signin.html", {"next": safe_next(request.query_params.get("next"))})


async def signin(request: Request) -> Response:
    data = await form_data(request)
    target = safe_next(data.get("next"))
    refused = await throttled(
        request,
        (throttle.SIGN_IN_PER_IP, client_ip(request)),
        (throttle.SIGN_IN_PER_ACCOUNT, data.get("email", "").strip().lower()),
    )
    if refused:
        return refused
    try:
        async with db(request).session() as session:
            user = await accounts.authenticate(session, request.app.state.passwords, data)
    except FormError as exc:
        context = {"errors": exc.errors, "values": exc.values, "next": target}
        return render(request, "signin.html", context, status_code=422)
    await _start_session(request, user)
    return redirect(target)


async def _start_session(request: Request, user: User) -> None:
    async with db(request).session() as session:
        token = await accounts.start_session(session, user, request.app.state.settings.session_days)
    visitor(request).switch(token, user)


async def signout(request: Request) -> Response:
    token = visitor(request).token
    async with db(request).session() as session:
        await accounts.end_session(session, token)
    # Every process closes this session's open sockets: nothing more reaches a signed-out tab.
    await request.app.state.live.hub.control(
        type="close-session", session=accounts.session_id(token)
    )
    visitor(request).switch(accounts.new_token(), None)
    return redirect("/")


async def profile_form(request: Request) -> Response:
    user = current_user(request)
    if user is None:
        return redirect("/signin?next=/profile")
    values = {"display_name": user.display_name, "locale": user.locale or ""}
    return render(request, "profile.html", {"values": values})


async def profile(request: Request) -> Response:
    user = current_user(request)
    if user is None:
        return redirect("/signin?next=/profile")
    data = await form_data(request)
    try:
        async with db(request).session() as session:
            mine = await session.get(User, user.id)
            assert mine is not None
            await accounts.update_profile(session, mine, data)
    except FormError as exc:
        context = {"errors": exc.errors, "values": exc.values}
        return render(request, "profile.html", context, status_code=422)
    return redirect("/profile?saved=1")


async def set_language(request: Request) -> Response:
    """For visitors who are not signed in: remembered in a cookie."""
    data = await form_data(request)
    response = redirect(safe_next(data.get("next")))
    if data.get("locale") in LOCALES:
        response.set_cookie(
            LOCALE_COOKIE, data["locale"], max_age=365 * 86400, httponly=True, samesite="lax"
        )
    return response


AREA = Area(
    "accounts",
    routes=[
        Route("/signup", signup_form, methods=["GET"]),
        Route("/signup", signup, methods=["POST"]),
        Route("/signin", signin_form, methods=["GET"]),
        Route("/signin", signin, methods=["POST"]),
        Route("/signout", signout, methods=["POST"]),
        Route("/profile", profile_form, methods=["GET"]),
        Route("/profile", profile, methods=["POST"]),
        Route("/language", set_language, methods=["POST"]),
    ],
)

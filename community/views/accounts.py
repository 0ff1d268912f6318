"""Sign-up, sign-in, sign-out, profile, language."""

from __future__ import annotations

from datetime import timedelta

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from community import accounts, permissions, throttle
from community.area import Area
from community.i18n import LOCALES, _, current_locale
from community.mail import confirm, reset
from community.models import User, WebSession
from community.personal_data import (
    Basis,
    Holding,
    OnErase,
    Retention,
    as_long_as_the_account,
    nobody_else,
)
from community.templating import render
from community.views import (
    client_ip,
    forgiven,
    form_data,
    redirect,
    safe_next,
    shows_errors_on,
    signed_in,
    throttled,
    transaction,
    visitor,
)
from community.views import mail as mail_view
from community.visitors import LOCALE_COOKIE

# A page that shows a form takes `shown`: a refused form's `errors` and `values`, as
# `shows_errors_on` hands them over; given them, it answers 422.


async def signup_form(request: Request, **shown: dict[str, str]) -> Response:
    return render(request, "signup.html", shown, status_code=422 if shown else 200)


@shows_errors_on(signup_form)
async def signup(request: Request) -> Response:
    """A new address gets an account, signed in at once, and a link to confirm the address;
    a taken one gets the same answer (a new session cookie, "check your e-mail"), no
    account, and its owner a mail: sign-up does not tell who has an account here."""
    data = await form_data(request)
    refused = await throttled(request, (throttle.SIGN_UP_PER_IP, client_ip(request)))
    if refused:
        return refused
    base, mail_from = mail_view.links_base(request), request.app.state.settings.mail_from
    user: User | None = None
    token = accounts.new_token()
    async with transaction(request) as session:
        try:
            user = await accounts.sign_up(
                session, request.app.state.passwords, data, locale=current_locale()
            )
        except accounts.AddressTaken as taken:
            if await mail_view.may_tell_owner(request, taken.email):
                await reset.tell_owner(session, taken.email, base, mail_from)
        else:
            token = await accounts.start_session(session, user, _session_days(request))
            confirm.send_link(session, user, base, mail_from)
    request.app.state.mailer.wake()
    visitor(request).switch(token, user)
    return redirect("/signup/sent")


async def signin_form(request: Request, **shown: dict[str, str]) -> Response:
    # Where to go once signed in: asked in the address, then carried by the form.
    asked = await form_data(request) if request.method == "POST" else request.query_params
    context = {"next": safe_next(asked.get("next")), **shown}
    return render(request, "signin.html", context, status_code=422 if shown else 200)


@shows_errors_on(signin_form)
async def signin(request: Request) -> Response:
    data = await form_data(request)
    checks = (
        (throttle.SIGN_IN_PER_IP, client_ip(request)),
        (throttle.SIGN_IN_PER_ACCOUNT, data.get("email", "").strip().lower()),
    )
    # Every attempt is counted before the password is checked, so that guesses sent at the same
    # moment are held too; a good one is given back: the learners of a training centre all sign
    # in from one address, only the failures count against it.
    refused = await throttled(request, *checks)
    if refused:
        return refused
    async with transaction(request) as session:
        user = await accounts.authenticate(session, request.app.state.passwords, data)
        token = await accounts.start_session(session, user, _session_days(request))
    await forgiven(request, *checks)
    visitor(request).switch(token, user)
    return redirect(safe_next(data.get("next")))


def _session_days(request: Request) -> int:
    return request.app.state.settings.session_days


async def signout(request: Request) -> Response:
    token = visitor(request).token
    async with transaction(request) as session:
        await accounts.end_session(session, token)
    # Every process closes this session's open sockets: nothing more reaches a signed-out tab.
    await request.app.state.live.hub.control(
        type="close-session", session=accounts.session_id(token)
    )
    visitor(request).switch(accounts.new_token(), None)
    return redirect("/")


async def profile_form(request: Request, **shown: dict[str, str]) -> Response:
    user = signed_in(request)
    values = {"display_name": user.display_name, "locale": user.locale or ""}
    context = {"values": values, **shown}
    return render(request, "profile.html", context, status_code=422 if shown else 200)


@shows_errors_on(profile_form)
async def profile(request: Request) -> Response:
    user = signed_in(request)
    data = await form_data(request)
    async with transaction(request) as session:
        await accounts.update_profile(session, user, data)
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
    rules=[permissions.can_edit_profile],
    template_globals={"languages": accounts.LANGUAGES},
    personal_data=(
        Holding(
            User,
            person=("id",),
            what=lambda: _("Your account: name, e-mail address, language, role."),
            purpose=lambda: _("Signing in, and showing your name to the people you work with."),
            basis=Basis.CONTRACT,
            retention=Retention(as_long_as_the_account),
            on_erase=OnErase.KEEP_AS_FORMER,
            recipients=lambda: _("Your name: the people of your groups and projects."),
            exported=("display_name", "email", "role", "locale", "created_at"),
        ),
        Holding(
            WebSession,
            person=("user_id",),
            what=lambda: _("The browsers where you are signed in."),
            purpose=lambda: _("Keeping you signed in, and signing you out everywhere."),
            basis=Basis.CONTRACT,
            retention=Retention(lambda: _("Until it expires."), timedelta(0), "expires_at"),
            on_erase=OnErase.DELETE,
            recipients=nobody_else,
            exported=("created_at", "expires_at", "revoked_at"),
        ),
    ),
)

"""Mail: a forgotten password, the address check, and the outbox for administrators."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from community import accounts, forms, permissions, throttle
from community.area import Area
from community.errors import Forbidden, NotFound
from community.i18n import _
from community.mail import confirm, reset, tokens
from community.models import MailToken, OutboxMail
from community.personal_data import Basis, Holding, OnErase, Retention, nobody_else
from community.templating import render
from community.views import (
    client_ip,
    db,
    form_data,
    redirect,
    shows_errors_on,
    signed_in,
    throttled,
    transaction,
    visitor,
)

OUTBOX_PAGE = 200  # the latest mails; older ones are in the database


def links_base(request: Request) -> str:
    """The start of the links mails carry: this site, as the person reached it."""
    return str(request.base_url).rstrip("/")


def _mail_from(request: Request) -> str:
    return request.app.state.settings.mail_from


async def may_tell_owner(request: Request, email: str) -> bool:
    """A few notices an hour per address: sign-up cannot be used to flood someone's inbox.
    Counted for every address typed, silently: a refusal would tell the address is taken."""
    return await request.app.state.throttle.hit(throttle.SIGN_UP_NOTICE_PER_ADDRESS, email) is None


# --- a forgotten password ---


async def forgot_form(request: Request, **shown: dict[str, str]) -> Response:
    return render(request, "mail/forgot.html", shown, status_code=422 if shown else 200)


@shows_errors_on(forgot_form)
async def forgot(request: Request) -> Response:
    """The same answer whether the address has an account or not: the account is looked
    up, and its mail written, after the answer has left (so that it takes no longer)."""
    data = await form_data(request)
    email = forms.parse(data, *reset.FORGOT_FIELDS)["email"]
    refused = await throttled(
        request,
        (throttle.RESET_PER_IP, client_ip(request)),
        (throttle.RESET_PER_ADDRESS, email),
    )
    if refused:
        return refused
    response = redirect("/password/sent")
    response.background = BackgroundTask(_send_reset_link, request, email)
    return response


async def _send_reset_link(request: Request, email: str) -> None:
    async with db(request).session() as session:
        await reset.send_link(session, email, links_base(request), _mail_from(request))
        await session.commit()
    request.app.state.mailer.wake()


async def forgot_sent(request: Request) -> Response:
    return render(request, "mail/forgot_sent.html")


async def reset_form(request: Request, **shown: dict[str, str]) -> Response:
    token = request.path_params["token"]
    async with db(request).session() as session:
        usable = await tokens.valid(session, token, tokens.RESET)
    if not usable:
        return render(request, "mail/link_expired.html", {"purpose": tokens.RESET})
    context = {"token": token, **shown}
    return render(request, "mail/reset.html", context, status_code=422 if shown else 200)


@shows_errors_on(reset_form)
async def reset_password(request: Request) -> Response:
    """The new password; every session of the person ends, and this browser is signed in."""
    data = await form_data(request)
    async with transaction(request) as session:
        done = await reset.reset(
            session, request.app.state.passwords, request.path_params["token"], data
        )
        if done is None:
            return render(request, "mail/link_expired.html", {"purpose": tokens.RESET})
        user, ended = done
        token = await accounts.start_session(session, user, request.app.state.settings.session_days)
    # Their open pages, here and on every process, stop hearing anything.
    for ended_id in ended:
        await request.app.state.live.hub.control(type="close-session", session=ended_id)
    visitor(request).switch(token, user)
    return redirect("/profile?password=1")


# --- the address check ---


async def signup_sent(request: Request) -> Response:
    return render(request, "mail/signup_sent.html")


async def confirm_form(request: Request) -> Response:
    token = request.path_params["token"]
    async with db(request).session() as session:
        usable = await tokens.valid(session, token, tokens.CONFIRM)
    if not usable:
        return render(request, "mail/link_expired.html", {"purpose": tokens.CONFIRM})
    return render(request, "mail/confirm.html", {"token": token})


async def confirm_address(request: Request) -> Response:
    async with transaction(request) as session:
        user = await confirm.confirm(session, request.path_params["token"])
        if user is None:
            return render(request, "mail/link_expired.html", {"purpose": tokens.CONFIRM})
    return render(request, "mail/confirmed.html")


async def send_confirmation_again(request: Request) -> Response:
    user = signed_in(request)
    refused = await throttled(request, (throttle.ADDRESS_CHECK_PER_USER, str(user.id)))
    if refused:
        return refused
    async with transaction(request) as session:
        await confirm.send_again(session, user, links_base(request), _mail_from(request))
    request.app.state.mailer.wake()
    return redirect("/profile?link=sent")


# --- the outbox ---


def _outbox_reader(request: Request) -> None:
    if not permissions.can_read_outbox(signed_in(request)):
        raise Forbidden


async def outbox(request: Request) -> Response:
    _outbox_reader(request)
    latest = select(OutboxMail).order_by(col(OutboxMail.id).desc()).limit(OUTBOX_PAGE)
    async with db(request).session() as session:
        mails = (await session.exec(latest)).all()
    return render(request, "mail/outbox.html", {"mails": mails})


async def outbox_mail(request: Request) -> Response:
    _outbox_reader(request)
    async with db(request).session() as session:
        mail = await session.get(OutboxMail, request.path_params["id"])
    if mail is None:
        raise NotFound
    return render(request, "mail/outbox_mail.html", {"mail": mail})


AREA = Area(
    "mail",
    routes=[
        Route("/password/forgot", forgot_form, methods=["GET"]),
        Route("/password/forgot", forgot, methods=["POST"]),
        Route("/password/sent", forgot_sent, methods=["GET"]),
        Route("/password/reset/{token:token}", reset_form, methods=["GET"]),
        Route("/password/reset/{token:token}", reset_password, methods=["POST"]),
        Route("/signup/sent", signup_sent, methods=["GET"]),
        Route("/confirm/{token:token}", confirm_form, methods=["GET"]),
        Route("/confirm/{token:token}", confirm_address, methods=["POST"]),
        Route("/profile/confirmation", send_confirmation_again, methods=["POST"]),
        Route("/admin/outbox", outbox, methods=["GET"]),
        Route("/admin/outbox/{id:id}", outbox_mail, methods=["GET"]),
    ],
    rules=[permissions.can_ask_address_check, permissions.can_read_outbox],
    personal_data=(
        Holding(
            OutboxMail,
            person=("user_id",),
            what=lambda: _("The mails Ruche sent you: address, subject, when."),
            purpose=lambda: _("Sending you password links and address checks, once."),
            basis=Basis.CONTRACT,
            retention=Retention(lambda: _("30 days after sending."), timedelta(days=30), "sent_at"),
            on_erase=OnErase.DELETE,
            recipients=lambda: _("The person, and the administrators while a mail waits."),
            exported=("to_address", "subject", "created_at", "sent_at"),
        ),
        Holding(
            MailToken,
            person=("user_id",),
            what=lambda: _("The links sent to you by mail (only a fingerprint of each)."),
            purpose=lambda: _("Choosing a new password, confirming your address."),
            basis=Basis.CONTRACT,
            retention=Retention(lambda: _("Until the link expires."), timedelta(0), "expires_at"),
            on_erase=OnErase.DELETE,
            recipients=nobody_else,
            exported=("purpose", "address", "created_at", "expires_at", "used_at"),
        ),
    ),
)

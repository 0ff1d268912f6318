"""E-mail digests: the choice in the profile, and unsubscribing from a mail's link."""

from __future__ import annotations

from datetime import timedelta

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from community import digests, permissions
from community.area import Area
from community.i18n import _
from community.models import DigestSent
from community.personal_data import Basis, Holding, OnErase, Retention, nobody_else
from community.templating import render
from community.views import form_data, redirect, shows_errors_on, signed_in, transaction
from community.views.accounts import profile_form

UNSUBSCRIBE = "/digests/unsubscribe/"  # the token is the authority: no session, no CSRF token


@shows_errors_on(profile_form)
async def choose(request: Request) -> Response:
    user = signed_in(request)
    data = await form_data(request)
    async with transaction(request) as session:
        await digests.choose(session, user, data)
    return redirect("/profile?digests=1#digests")


def _owner(request: Request) -> int | None:
    secret = request.app.state.settings.secret_key
    owner = digests.token_owner(secret, request.path_params["token"])
    return owner if permissions.can_unsubscribe_from_digests(owner is not None) else None


def _refused(request: Request) -> Response:
    return render(request, "digests/unsubscribe.html", {"state": "refused"}, status_code=400)


async def unsubscribe_page(request: Request) -> Response:
    """The link in a mail: a button to confirm, so that a link checker opening it changes
    nothing."""
    if _owner(request) is None:
        return _refused(request)
    return render(request, "digests/unsubscribe.html", {"state": "ask", "path": request.url.path})


async def unsubscribe(request: Request) -> Response:
    """The button, or the mail client's one-click POST (RFC 8058): no session needed."""
    owner = _owner(request)
    if owner is None:
        return _refused(request)
    async with transaction(request) as session:
        await digests.unsubscribe(session, owner)
    return render(request, "digests/unsubscribe.html", {"state": "done"})


AREA = Area(
    "digests",
    routes=[
        Route("/profile/digests", choose, methods=["POST"]),
        Route(UNSUBSCRIBE + "{token}", unsubscribe_page, methods=["GET"]),
        Route(UNSUBSCRIBE + "{token}", unsubscribe, methods=["POST"]),
    ],
    rules=[permissions.can_choose_digests, permissions.can_unsubscribe_from_digests],
    template_globals={
        "digest_choices": digests.choices,
        "digest_every": lambda: [(e.value, e.label) for e in digests.Every],
        "digest_kinds": digests.kinds,
        "can_choose_digests": permissions.can_choose_digests,
    },
    personal_data=(
        Holding(
            DigestSent,
            person=("user_id",),
            what=lambda: _("Which e-mail digests were prepared for you, and when."),
            purpose=lambda: _("Sending each digest once, and never twice."),
            basis=Basis.LEGITIMATE_INTEREST,
            retention=Retention(lambda: _("60 days."), timedelta(days=60)),
            on_erase=OnErase.DELETE,
            recipients=nobody_else,
            exported=("period", "mailed", "created_at"),
        ),
    ),
)

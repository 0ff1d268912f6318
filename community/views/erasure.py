"""Delete my account: by the person, or by provider staff on their request."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from community import accounts, erasure, forms, permissions, throttle
from community.area import Area
from community.errors import Forbidden
from community.i18n import _
from community.journal import photos as journal_photos
from community.models import AccountErasure, User
from community.personal_data import Basis, Holding, OnErase, Retention
from community.templating import render
from community.views import (
    client_ip,
    form_data,
    redirect,
    shows_errors_on,
    signed_in,
    throttled,
    transaction,
    visitor,
)

PASSWORD = forms.Text("password", max_length=128)


async def delete_form(request: Request, **shown: dict[str, str]) -> Response:
    signed_in(request)
    context = {"consequences": erasure.consequences(), **shown}
    return render(request, "erasure/delete.html", context, status_code=422 if shown else 200)


@shows_errors_on(delete_form)
async def delete_account(request: Request) -> Response:
    user = signed_in(request)
    if not permissions.can_delete_own_account(user):
        raise Forbidden
    data = await form_data(request)
    # The password is asked again: guesses here count with those made at sign-in.
    refused = await throttled(
        request,
        (throttle.SIGN_IN_PER_IP, client_ip(request)),
        (throttle.SIGN_IN_PER_ACCOUNT, user.email),
    )
    if refused:
        return refused
    errors: dict[str, str] = {}
    password = forms.collect(data, errors, PASSWORD).get("password", "")
    if password and not await request.app.state.passwords.verify(user.password_hash, password):
        errors["password"] = _("This is not your password.")
    erasure.check_confirmed(data, errors)
    async with transaction(request) as session:
        await _forget_files(request, session, user.id or 0)
        done = await erasure.erase(session, user.id or 0)
    await _after(request, user.id or 0, done)
    visitor(request).switch(accounts.new_token(), None)
    return redirect("/goodbye")


async def goodbye(request: Request) -> Response:
    return render(request, "erasure/goodbye.html")


async def _after(request: Request, person_id: int, done: erasure.Erased | None) -> None:
    """Once committed: every process closes the person's sockets, and re-checks how those
    who moved up a waitlist hear their projects."""
    hub = request.app.state.live.hub
    await hub.control(type="close-user", user=str(person_id))
    for other in sorted(done.reseated if done else ()):
        await hub.control(type="reauthorize", user=str(other))


# --- staff, on the person's request ---


def _staff(request: Request) -> User:
    user = signed_in(request)
    if not permissions.can_take_erasure_requests(user):
        raise Forbidden
    return user


async def requests_form(request: Request, **shown: dict[str, str]) -> Response:
    _staff(request)
    done = request.query_params.get("done") == "1" and not shown
    context = {"done": done, **shown}
    return render(request, "erasure/find.html", context, status_code=422 if shown else 200)


@shows_errors_on(requests_form)
async def find_person(request: Request) -> Response:
    staff = _staff(request)
    data = await form_data(request)
    async with transaction(request) as session:
        person = await erasure.find_for_staff(session, staff, data)
    return redirect(f"/people/{person.id}/erase")


async def erase_form(request: Request, **shown: dict[str, str]) -> Response:
    staff = _staff(request)
    async with transaction(request) as session:
        person = await erasure.person_for_staff(session, staff, request.path_params["user_id"])
    context = {"person": person, "consequences": erasure.consequences(), **shown}
    return render(request, "erasure/erase.html", context, status_code=422 if shown else 200)


async def _forget_files(request: Request, session: AsyncSession, person_id: int) -> None:
    """The files the erased rows point to: removed once the erasure is committed."""
    await journal_photos.forget(session, request.app.state.media, author_id=person_id)


@shows_errors_on(erase_form)
async def erase_account(request: Request) -> Response:
    staff = _staff(request)
    data = await form_data(request)
    async with transaction(request) as session:
        person = await erasure.person_for_staff(session, staff, request.path_params["user_id"])
        errors: dict[str, str] = {}
        reason = forms.collect(data, errors, erasure.REASON).get("reason", "")
        erasure.check_confirmed(data, errors)
        await _forget_files(request, session, person.id or 0)
        done = await erasure.erase(session, person.id or 0, actor=staff, reason=reason)
    await _after(request, person.id or 0, done)
    return redirect("/people/erase?done=1")


AREA = Area(
    "erasure",
    routes=[
        Route("/profile/delete", delete_form, methods=["GET"]),
        Route("/profile/delete", delete_account, methods=["POST"]),
        Route("/goodbye", goodbye, methods=["GET"]),
        Route("/people/erase", requests_form, methods=["GET"]),
        Route("/people/erase", find_person, methods=["POST"]),
        Route("/people/{user_id:id}/erase", erase_form, methods=["GET"]),
        Route("/people/{user_id:id}/erase", erase_account, methods=["POST"]),
    ],
    rules=[
        permissions.can_delete_own_account,
        permissions.can_take_erasure_requests,
        permissions.can_erase_account_of,
    ],
    template_globals={"can_take_erasure_requests": permissions.can_take_erasure_requests},
    personal_data=(
        Holding(
            AccountErasure,
            person=("user_id", "actor_id"),
            what=lambda: _("The record that an account was deleted, when, and by whom."),
            purpose=lambda: _("Proving that a deletion asked for was carried out."),
            basis=Basis.LEGAL_OBLIGATION,
            retention=Retention(lambda: _("Three years."), timedelta(days=3 * 365)),
            on_erase=OnErase.KEEP_AS_FORMER,
            recipients=lambda: _("The provider's staff and the administrators."),
            exported=("reason", "created_at"),
        ),
    ),
)

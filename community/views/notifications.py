"""The notification centre, and each person's own live channel (their unread counter)."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from community import feedback, notifications
from community.area import Area, Channel
from community.i18n import _
from community.models import Notification, User
from community.personal_data import (
    Basis,
    Holding,
    OnErase,
    Retention,
    nobody_else,
)
from community.templating import render
from community.views import signed_in, transaction


async def notifications_page(request: Request) -> Response:
    """What happened for me; opening it reads it all (and sends any reminder due first)."""
    user = signed_in(request)
    assert user.id is not None
    async with transaction(request) as session:
        await feedback.remind(session, user)
        shown = await notifications.latest(session, user.id)
        unread_ids = {n.id for n in shown if n.read_at is None}
        await notifications.mark_all_read(session, user.id)
    return render(request, "notifications.html", {"shown": shown, "unread_ids": unread_ids})


async def _hears_own(_session: AsyncSession, user: User, user_id: int) -> bool:
    return user_id == user.id


AREA = Area(
    "notifications",
    routes=[Route("/notifications", notifications_page)],
    channels={"user": Channel(_hears_own, tracks_presence=True)},
    personal_data=(
        Holding(
            Notification,
            person=("user_id",),
            what=lambda: _("Your notifications."),
            purpose=lambda: _("Telling you what happened for you."),
            basis=Basis.CONTRACT,
            retention=Retention(lambda: _("One year after it was sent."), timedelta(days=365)),
            on_erase=OnErase.DELETE,
            recipients=nobody_else,
            # Not the subject: for several kinds it is another person's name ("… joined").
            exported=("kind", "link", "created_at", "read_at"),
        ),
    ),
)

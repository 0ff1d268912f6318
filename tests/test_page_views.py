"""Page views at the same moment: whatever a view writes (a reminder due, a help request
expired), views side by side all answer, and write it once."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlmodel import col, select

from community.models import HelpRequest, Notification, User, utcnow
from tests.conftest import make_client
from tests.helpers import sign_in
from tests.test_feedback import count
from tests.test_tutoring import ask

VIEWS = 6


async def views_at_once(app, cookie: str, path: str) -> list[int]:
    async def view() -> int:
        async with make_client(app) as browser:
            browser.cookies.set("ruche", cookie)
            return (await browser.get(path)).status_code

    return list(await asyncio.gather(*(view() for _ in range(VIEWS))))


async def test_help_page_views_at_once_expire_an_old_request_once(app, client, db, demo_data):
    await sign_in(client, "apprenant1@demo.test")
    asked = await ask(client, db)
    assert asked.status_code == 303
    async with db.session() as session:
        mine = select(HelpRequest).join(User, col(User.id) == HelpRequest.requester_id)
        request = (await session.exec(mine.where(User.email == "apprenant1@demo.test"))).one()
        request.expires_at = utcnow() - timedelta(minutes=1)
        session.add(request)
        await session.commit()
    assert await views_at_once(app, client.cookies["ruche"], "/help") == [200] * VIEWS
    async with db.session() as session:
        assert (await session.get(HelpRequest, request.id)).status == "expired"


async def test_home_views_at_once_remind_of_a_session_once(app, client, db, demo_data):
    await sign_in(client, "apprenant2@demo.test")  # one session of theirs awaits feedback
    async with db.session() as session:
        user = (await session.exec(select(User).where(User.email == "apprenant2@demo.test"))).one()
    assert await views_at_once(app, client.cookies["ruche"], "/") == [200] * VIEWS
    assert await count(db, col(Notification.id), Notification.user_id == user.id) == 1

"""The session cache: every process remembers who a cookie is, and none of them serves a
session or a person one request after a change to them (sign-out, a new name, a new role).

Two app instances on one database and one Redis stand for two processes: each has its own
cache, and only Redis and the database between them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlmodel import select
from starlette.applications import Starlette

from community.app import create_app
from community.models import Role, User
from community.settings import Settings
from tests.conftest import make_client, need
from tests.helpers import own_statements, post_form, sign_in

LEARNER = "apprenant1@demo.test"


@pytest.fixture
async def other_process(settings: Settings, demo_data: None) -> AsyncIterator[Starlette]:
    """A second instance of the app: its own session cache, the same database and Redis."""
    need(settings.redis_url, "two processes share their session stamps through Redis")
    other = create_app(settings)
    async with other.router.lifespan_context(other):
        yield other


async def test_a_signed_out_session_is_refused_by_another_process_at_once(client, other_process):
    await sign_in(client, LEARNER)
    cookie = client.cookies["ruche"]
    async with make_client(other_process) as elsewhere:
        elsewhere.cookies.set("ruche", cookie)
        assert (await elsewhere.get("/help")).status_code == 200  # now in its cache
        assert (await post_form(client, "/signout", {})).status_code == 303
        refused = await elsewhere.get("/help")
    assert refused.status_code == 303
    assert refused.headers["location"].startswith("/signin")


async def test_a_new_name_shows_in_another_process_at_once(client, other_process):
    await sign_in(client, LEARNER)
    async with make_client(other_process) as elsewhere:
        elsewhere.cookies.set("ruche", client.cookies["ruche"])
        assert "Amina" in (await elsewhere.get("/")).text
        saved = await post_form(
            client, "/profile", {"display_name": "Zoé Renommée", "locale": "fr"}, page="/profile"
        )
        assert saved.status_code == 303
        assert "Zoé Renommée" in (await elsewhere.get("/")).text


async def test_a_changed_role_applies_in_another_process_at_once(app, client, other_process):
    await sign_in(client, LEARNER)
    async with make_client(other_process) as elsewhere:
        elsewhere.cookies.set("ruche", client.cookies["ruche"])
        assert (await elsewhere.get("/help")).status_code == 200  # peer help is for learners
        async with app.state.db.session() as session:
            user = (await session.exec(select(User).where(User.email == LEARNER))).one()
            user.role = Role.TRAINER
            session.add(user)
            await session.commit()
        assert (await elsewhere.get("/help")).status_code == 404


async def test_a_known_session_costs_no_session_query(app, client, demo_data):
    await sign_in(client, LEARNER)
    await client.get("/")
    with own_statements(app) as statements:
        page = await client.get("/")
    assert "Amina" in page.text
    # Neither the session's row nor the person's (the only rows with a password hash).
    assert not [s for s in statements if "web_session" in s or "password_hash" in s]

"""What the tests do as a user would: read a page's CSRF token, post a form, sign in."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from contextlib import contextmanager

import httpx2
from sqlalchemy import event
from starlette.applications import Starlette

from community import accounts, trainings
from community.accounts import Passwords
from community.demo import PASSWORD
from community.models import Role, User

TOKEN = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


@contextmanager
def own_statements(app: Starlette) -> Iterator[list[str]]:
    """The statements this task runs while the block runs (a request served in-process runs in
    the caller's task): not those of the app's jobs that share the engine, such as the mailer
    or retention, whose ticks would otherwise land in the count at random."""
    seen: list[str] = []
    mine = asyncio.current_task()

    def executed(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        if asyncio.current_task() is mine:
            seen.append(statement)

    engine = app.state.db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", executed)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", executed)


async def csrf_token(client: httpx2.AsyncClient, path: str = "/") -> str:
    page = await client.get(path)
    match = TOKEN.search(page.text)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


async def post_form(
    client: httpx2.AsyncClient, path: str, data: dict[str, str], *, page: str = "/"
) -> httpx2.Response:
    token = await csrf_token(client, page)
    return await client.post(path, data={**data, "csrf_token": token})


async def sign_in(client: httpx2.AsyncClient, email: str, password: str = PASSWORD) -> None:
    response = await post_form(
        client, "/signin", {"email": email, "password": password}, page="/signin"
    )
    assert response.status_code == 303, response.text


async def sign_up(
    client: httpx2.AsyncClient, email: str, name: str = "Nouvelle Personne"
) -> httpx2.Response:
    return await post_form(
        client,
        "/signup",
        {"email": email, "display_name": name, "password": "une phrase secrète"},
        page="/signup",
    )


async def staff_of_another_provider(db) -> User:  # type: ignore[no-untyped-def]
    """Provider B, other than the demo's, and its staff account (staff-b@b.test)."""
    async with db.session() as session:
        provider = await trainings.create_provider(session, "Organisme B")
        staff = await accounts.sign_up(
            session,
            Passwords("fast"),
            {"email": "staff-b@b.test", "display_name": "Staff B", "password": "mot de passe b"},
            locale="fr",
            role=Role.STAFF,
            provider_id=provider.id,
        )
        await session.commit()
        return staff


async def learner_of_another_provider(session, email: str, name: str) -> tuple[User, User]:  # type: ignore[no-untyped-def]
    """Provider B with a current group, its staff (staff@b.test) and a learner of that group."""
    provider = await trainings.create_provider(session, "Organisme B")
    staff = await accounts.sign_up(
        session, Passwords("fast"),
        {"email": "staff@b.test", "display_name": "Staff B", "password": "mot de passe b"},
        locale="fr", role=Role.STAFF, provider_id=provider.id,
    )  # fmt: skip
    training = await trainings.create_training(
        session, staff, provider.id or 0, {"title": "Soudure", "format": "classic"}
    )
    iteration = await trainings.create_iteration(
        session, staff, training,
        {"name": "B1", "starts_on": "2026-01-01", "ends_on": "2027-12-31"}, code_days=30,
    )  # fmt: skip
    learner = await accounts.sign_up(
        session, Passwords("fast"),
        {"email": email, "display_name": name, "password": "mot de passe b"}, locale="fr",
    )  # fmt: skip
    code = await trainings.current_code(session, iteration)
    assert code is not None
    await trainings.join_with_code(session, learner, {"code": code.code})
    return staff, learner

"""What could leak what people wrote or saw: the browser's cache on a shared computer, a
failed database statement, a server log."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text
from starlette.routing import Route

from community import areas
from community.app import create_app
from community.templating import static_url
from tests.conftest import make_client
from tests.helpers import sign_in

PARAM = re.compile(r"\{[a-z_]+(:[a-z]+)?\}")


def get_paths() -> list[str]:
    """Every page of every area, its path ids set to 1."""
    paths = {
        PARAM.sub("1", route.path)
        for area in areas.AREAS
        for route in area.routes
        if isinstance(route, Route) and "GET" in (route.methods or ())
    }
    # The installed app's worker and manifest are the same for everyone in a language, and a
    # browser must check them again (no-cache), not forget them: nothing personal in them.
    return sorted(paths - {"/healthz", "/sw.js", "/manifest.webmanifest"})


@pytest.mark.parametrize("email", ["apprenant1@demo.test", "organisme@demo.test"])
async def test_no_page_of_a_signed_in_person_is_stored_by_the_browser(client, demo_data, email):
    await sign_in(client, email)
    stored = {}
    for path in get_paths():
        response = await client.get(path)
        if response.headers.get("cache-control") != "no-store":
            stored[path] = (response.status_code, response.headers.get("cache-control"))
    assert not stored, f"pages a browser may keep: {stored}"


async def test_versioned_assets_are_still_cached_for_good(client):
    response = await client.get(static_url("css/ruche.css"))
    assert response.status_code == 200
    assert "immutable" in response.headers["cache-control"]


async def test_a_refused_statement_is_logged_without_the_row_it_refused(settings, caplog):
    secret = "mon avis très personnel 7f3a"

    async def duplicate(request):
        # PostgreSQL quotes the refused row in its error ("Key (word)=(...) already exists").
        async with request.app.state.db.engine.begin() as conn:
            await conn.execute(text("CREATE TABLE probe (word TEXT PRIMARY KEY)"))
            await conn.execute(text("INSERT INTO probe VALUES (:w)"), {"w": secret})
            await conn.execute(text("INSERT INTO probe VALUES (:w)"), {"w": secret})

    app = create_app(settings)
    app.router.routes.insert(0, Route("/duplicate", duplicate))
    async with app.router.lifespan_context(app), make_client(app) as http:
        response = await http.get("/duplicate")
    assert response.status_code == 500
    assert "IntegrityError" in caplog.text
    assert secret not in caplog.text and secret not in response.text


async def test_an_unhandled_error_is_logged_without_what_was_written(settings, caplog):
    secret = "ce que pense vraiment un apprenant 91c2"

    async def boom(request):
        int(secret)  # a conversion error quotes the text it could not read

    app = create_app(settings)
    app.router.routes.insert(0, Route("/boom", boom))
    async with app.router.lifespan_context(app), make_client(app) as http:
        response = await http.get("/boom")
    assert response.status_code == 500
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "unhandled error on GET /boom" in logged and "ValueError" in logged
    assert secret not in logged and secret not in caplog.text

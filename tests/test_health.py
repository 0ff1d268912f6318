"""GET /healthz says whether the database and the broker answer."""

from __future__ import annotations

from dataclasses import replace

from community.app import create_app
from tests.conftest import make_client


async def test_healthy(client):
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"db": "ok", "broker": "ok"}


async def test_a_broker_that_is_down_is_named(settings):
    app = create_app(replace(settings, redis_url="redis://127.0.0.1:1/0"))
    async with app.router.lifespan_context(app), make_client(app) as http:
        response = await http.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["db"] == "ok"
    assert body["broker"].startswith("down")

"""Database queries per page view and per live region re-fetch, on the demo data.

    python -m bench.queries

Each page is fetched as the person who reads it (a learner, a trainer, provider staff), once to
warm caches, then once counted; a region is fetched the way a live nudge fetches it (htmx
headers). Writes bench/results/queries.json and prints a table.
"""

from __future__ import annotations

import asyncio
import json
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx2
from sqlalchemy import event
from sqlmodel import select
from starlette.applications import Starlette

from community import demo, migrate
from community.accounts import Passwords
from community.app import create_app
from community.models import HelpRequest, Project
from community.settings import Settings

RESULTS = Path(__file__).resolve().parent / "results" / "queries.json"
TOKEN = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')
REGION = {"HX-Request": "true", "HX-Request-Type": "partial"}
SETTLE_S = 4


@contextmanager
def counting(app: Starlette) -> Iterator[list[str]]:
    """Every statement the app's engine runs while the block runs."""
    statements: list[str] = []
    engine = app.state.db.engine.sync_engine

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", seen)


async def signed_in(app: Starlette, email: str) -> httpx2.AsyncClient:
    http = httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://127.0.0.1")
    page = await http.get("/signin")
    token = TOKEN.search(page.text)
    assert token, "no CSRF token on /signin"
    data = {"email": email, "password": demo.PASSWORD, "csrf_token": token.group(1)}
    assert (await http.post("/signin", data=data)).status_code == 303
    return http


async def count(app: Starlette, http: httpx2.AsyncClient, path: str, region: bool) -> int:
    headers = REGION if region else {}
    await http.get(path, headers=headers)  # warm: first-use caches are not what we measure
    with counting(app) as statements:
        response = await http.get(path, headers=headers)
    assert response.status_code == 200, (path, response.status_code)
    return len(statements)


async def targets(app: Starlette) -> dict[str, int]:
    async with app.state.db.session() as session:
        project = (await session.exec(select(Project).where(Project.status == "active"))).first()
        request = (await session.exec(select(HelpRequest))).first()
    assert project, "the demo has no running project"
    return {
        "project": project.id or 0,
        "help": request.id if request and request.id else 0,
        "iteration": project.iteration_id,
    }


def plan(ids: dict[str, int]) -> list[tuple[str, str, str, bool]]:
    """(reader, label, path, as a region re-fetch?)"""
    project = f"/projects/{ids['project']}"
    rows = [
        ("apprenant1@demo.test", "home (learner)", "/", False),
        ("apprenant1@demo.test", "projects list", "/projects", False),
        ("apprenant1@demo.test", "project page", project, False),
        ("apprenant1@demo.test", "help page", "/help", False),
        ("apprenant1@demo.test", "group page", f"/iterations/{ids['iteration']}", False),
        ("apprenant1@demo.test", "notifications", "/notifications", False),
        ("formateur1@demo.test", "home (trainer)", "/", False),
        ("organisme@demo.test", "reports (staff)", "/reports", False),
    ]
    rows += [
        ("apprenant1@demo.test", f"project region {name}", f"{project}?region={name}", True)
        for name in ("head", "members", "board", "messages")
    ]
    rows.append(("apprenant1@demo.test", "help page re-fetch (nudge)", "/help", True))
    if ids["help"]:
        rows.append(("apprenant1@demo.test", "help request page", f"/help/{ids['help']}", False))
    return rows


async def measure() -> dict[str, int]:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{folder}/bench.db"
        migrate.upgrade(url)
        settings = Settings(
            database_url=url, redis_url=None, secret_key="bench-" + "x" * 32,
            hashing_profile="fast", allowed_hosts=("127.0.0.1",),
        )  # fmt: skip
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            await demo.load(app.state.db, Passwords("fast"))
            # The demo's live events are marked published in the background: let that end,
            # so that only the pages' own statements are counted.
            await asyncio.sleep(SETTLE_S)
            ids = await targets(app)
            clients: dict[str, httpx2.AsyncClient] = {}
            results: dict[str, int] = {}
            for reader, label, path, region in plan(ids):
                if reader not in clients:
                    clients[reader] = await signed_in(app, reader)
                results[label] = await count(app, clients[reader], path, region)
            for http in clients.values():
                await http.aclose()
    return results


def main() -> None:
    results = asyncio.run(measure())
    width = max(map(len, results))
    print(f"{'page or region':<{width}}  queries")
    for label, queries in results.items():
        print(f"{label:<{width}}  {queries:>7}")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()

"""Fixtures: a fresh database per test (SQLite, or PostgreSQL when TEST_DATABASE_URL is set),
the app with its lifespan, an HTTP client, and browsers.

CI sets RUCHE_REQUIRE_SERVICES=1: there, a test that cannot reach PostgreSQL, Redis or
Chromium fails instead of skipping, and any skip at all fails the run.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import shutil
import uuid
from collections.abc import AsyncIterator, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import httpx2
import pytest
from redis.asyncio import Redis
from starlette.applications import Starlette

from community import demo, migrate
from community.accounts import Passwords
from community.app import create_app
from community.database import Database
from community.settings import Settings

STRICT = os.environ.get("RUCHE_REQUIRE_SERVICES") == "1"
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
REDIS_URL = os.environ.get("TEST_REDIS_URL")
BASE = "http://testserver"
T = TypeVar("T")


def need(available: object, reason: str) -> None:
    """Skip a test whose service is missing; in CI, fail it."""
    if available:
        return
    if STRICT:
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if STRICT and skipped and exitstatus == 0:
        reporter.write_line(f"FAILED: {len(skipped)} test(s) skipped; CI runs every test.")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


# --- databases -----------------------------------------------------------------------------


def _pg_dsn(url: str, database: str | None = None) -> str:
    dsn = re.sub(r"^postgres(ql)?(\+asyncpg)?://", "postgresql://", url)
    return dsn if database is None else dsn.rsplit("/", 1)[0] + "/" + database


def _pg_async_url(url: str, database: str) -> str:
    return _pg_dsn(url, database).replace("postgresql://", "postgresql+asyncpg://", 1)


async def _pg_admin(sql: str) -> None:
    assert POSTGRES_URL
    conn = await asyncpg.connect(_pg_dsn(POSTGRES_URL))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def run_sync(coroutine: Coroutine[Any, Any, T]) -> T:
    """For sync fixtures; in a thread, since Playwright's sync API keeps a loop running here."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def pg_admin_sync(sql: str) -> None:
    run_sync(_pg_admin(sql))


@contextmanager
def empty_database(folder: Path) -> Iterator[str]:
    """A new, empty database for server processes: PostgreSQL when configured, else SQLite."""
    if not POSTGRES_URL:
        yield f"sqlite+aiosqlite:///{folder / 'ruche.db'}"
        return
    name = f"ruche_srv_{uuid.uuid4().hex[:10]}"
    pg_admin_sync(f'CREATE DATABASE "{name}"')
    try:
        yield _pg_async_url(POSTGRES_URL, name)
    finally:
        pg_admin_sync(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One migrated database per test session; each test gets a copy."""
    if POSTGRES_URL:
        name = f"ruche_tpl_{uuid.uuid4().hex[:10]}"
        pg_admin_sync(f'CREATE DATABASE "{name}"')
        migrate.upgrade(_pg_async_url(POSTGRES_URL, name))
        yield name
        pg_admin_sync(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        path = tmp_path_factory.mktemp("template") / "template.db"
        migrate.upgrade(f"sqlite+aiosqlite:///{path}")
        yield str(path)


DEMO_COPIED = pytest.StashKey[bool]()


async def _load_demo(database: Database) -> None:
    # Without the demo's projects: the projects tests count theirs from none.
    await demo.load(database, Passwords("fast"), with_projects=False)


async def _load_demo_into(url: str) -> None:
    database = Database(url)
    try:
        await _load_demo(database)
    finally:
        await database.dispose()


@pytest.fixture(scope="session")
def demo_template(
    migrated_template: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The migrated database with the demo data, loaded once per test session: loading it
    through the app's actions takes seconds, copying it a fraction of one."""
    if POSTGRES_URL:
        name = f"ruche_demo_{uuid.uuid4().hex[:10]}"
        pg_admin_sync(f'CREATE DATABASE "{name}" TEMPLATE "{migrated_template}"')
        run_sync(_load_demo_into(_pg_async_url(POSTGRES_URL, name)))
        yield name
        pg_admin_sync(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        path = tmp_path_factory.mktemp("demo") / "demo.db"
        shutil.copy(migrated_template, path)
        run_sync(_load_demo_into(f"sqlite+aiosqlite:///{path}"))
        yield str(path)


@pytest.fixture
async def database_url(
    request: pytest.FixtureRequest, migrated_template: str, tmp_path: Path
) -> AsyncIterator[str]:
    """A copy of the migrated database, or of the demo template for a test that asks for
    `demo_data`."""
    wants_demo = "demo_data" in request.fixturenames
    template = request.getfixturevalue("demo_template") if wants_demo else migrated_template
    request.node.stash[DEMO_COPIED] = wants_demo
    if POSTGRES_URL:
        name = f"ruche_t_{uuid.uuid4().hex[:12]}"
        await _pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        yield _pg_async_url(POSTGRES_URL, name)
        await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        path = tmp_path / "ruche.db"
        shutil.copy(template, path)
        yield f"sqlite+aiosqlite:///{path}"


@pytest.fixture
async def redis_url() -> AsyncIterator[str | None]:
    """The test Redis, emptied, or None when the suite runs without one."""
    if not REDIS_URL:
        yield None
        return
    client = Redis.from_url(REDIS_URL)
    await client.flushdb()
    await client.aclose()
    yield REDIS_URL


@pytest.fixture
def settings(database_url: str, redis_url: str | None) -> Settings:
    return Settings(
        database_url=database_url,
        redis_url=redis_url,
        secret_key="test-secret-" + "x" * 32,
        hashing_profile="fast",
        allowed_hosts=("testserver", "127.0.0.1", "localhost"),
    )


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[Database]:
    database = Database(settings.database_url)
    yield database
    await database.dispose()


@pytest.fixture
async def demo_data(request: pytest.FixtureRequest, db: Database) -> None:
    """The demo data in the test's database: copied with it from `demo_template`, or loaded
    here for a module that brings a database of its own."""
    if not request.node.stash.get(DEMO_COPIED, False):
        await _load_demo(db)


# --- the app -------------------------------------------------------------------------------


class ServerErrors(logging.Handler):
    """Collects the app's unhandled errors, which the app answers with a 500 page."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.seen: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.seen.append(record.getMessage())


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[Starlette]:
    application = create_app(settings)
    errors = ServerErrors()
    logging.getLogger("community.app").addHandler(errors)
    lifespan = application.router.lifespan_context(application)
    await lifespan.__aenter__()
    yield application
    logging.getLogger("community.app").removeHandler(errors)
    if errors.seen:  # a 5xx is a bug whatever the test asserted
        pytest.fail("the app answered 500:\n" + "\n".join(errors.seen))
    # A shutdown that hangs would stall the whole run: fail it, saying what still runs.
    try:
        await asyncio.wait_for(lifespan.__aexit__(None, None, None), timeout=30)
    except TimeoutError:
        pending = "\n".join(repr(task) for task in asyncio.all_tasks())
        pytest.fail(f"the app did not stop within 30 s; still running:\n{pending}")


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx2.AsyncClient]:
    async with make_client(app) as http:
        yield http


def make_client(
    app: Starlette, ip: str = "127.0.0.1", raise_app_exceptions: bool = True
) -> httpx2.AsyncClient:
    transport = httpx2.ASGITransport(
        app=app, client=(ip, 40000), raise_app_exceptions=raise_app_exceptions
    )
    return httpx2.AsyncClient(transport=transport, base_url=BASE)

"""Every route of the app, as every kind of person, with malformed addresses, query parameters
and form fields (Hypothesis): no answer is a 5xx, and a refused request writes nothing.

The routes come from the app's own route table, and the field names from the templates and the
form declarations: a new route or field is walked without touching this file.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import logging
import re
import shutil
import sys
import threading
import uuid
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

import httpx2
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import inspect, literal_column, table
from sqlmodel import select
from starlette.routing import BaseRoute, Mount, Route

from community import accounts, demo, forms
from community.accounts import Passwords
from community.app import create_app, routes
from community.database import Database
from community.models import User
from community.settings import Settings
from community.templating import TEMPLATES
from realtime import log as event_log
from tests.conftest import POSTGRES_URL, ServerErrors, _pg_async_url, make_client, pg_admin_sync
from tests.helpers import csrf_token

T = TypeVar("T")

ROLES = {
    "signed out": None,
    "learner": "apprenant1@demo.test",
    "trainer": "formateur1@demo.test",
    "provider staff": "organisme@demo.test",
    "admin": "admin@demo.test",
}

# Values that have broken pages: out of the INTEGER range, signed, other scripts' digits,
# control characters, very long, empty, dates at the ends of the calendar.
MALFORMED = [
    "", "0", "-1", "+1", " 1", "1.5", "1e3", "2147483648", "9999999999",
    "99999999999999999999", "²", "٣", "１２", "a\x00b", "\x00", "x\x1by", "\x85", "\u202e1",
    "ĳ" * 3000, "9999-12-31", "0001-01-01", "9999-12-31T23:59", "0001-01-01T00:00",
    "2026-02-30", "null", "[]", "<script>",
]  # fmt: skip
# Values that a page would send, so that requests also get past the first check.
PLAUSIBLE = [
    "1", "2", "3", "5", "on", "1", "fr", "en", "approve", "reject", "support", "lost",
    "2026-03-02", "2026-03-02T10:00", "Bonjour", "it:1", "it:2", "format:classic",
    "format:flipped", "todo", "done", "30", "60",
]  # fmt: skip
BAD = st.sampled_from(MALFORMED) | st.text(max_size=40)
PATH_VALUES = st.sampled_from([*MALFORMED, "1", "2", "3", "0" * 40, "f" * 32, "%2F", ".."])


def _walk(routes: list[BaseRoute], prefix: str = "") -> Iterator[tuple[str, str]]:
    """Every (method, path template) the router answers, mounts included."""
    for route in routes:
        if isinstance(route, Route):
            for method in sorted(route.methods or {"GET"}):
                if method != "HEAD":
                    yield method, prefix + route.path
        elif isinstance(route, Mount):
            if route.routes:
                yield from _walk(list(route.routes), prefix + route.path)
            else:  # an app mounted whole (static files): anything below it
                yield "GET", prefix + route.path + "/{path}"


def _declared_fields() -> dict[str, forms.Text]:
    """Every field a form declares, by name."""
    declared: dict[str, forms.Text] = {}
    for module in [m for name, m in sys.modules.items() if name.startswith("community.")]:
        for value in vars(module).values():
            fields = value if isinstance(value, tuple) else (value,)
            declared.update((f.name, f) for f in fields if isinstance(f, forms.Text))
    return declared


def _plausible(field: forms.Text | None) -> str:
    """What a person would type in this field: a request that gets past the first check."""
    match field:
        case forms.Day(name=name):
            return "2026-06-30" if name.startswith("end") else "2026-03-02"
        case forms.Moment(name=name):
            return "2026-03-02T12:00" if name.startswith("end") else "2026-03-02T10:00"
        case forms.Choice(choices=(first, *_)):
            return str(first)
        case forms.Email():
            return "apprenant1@demo.test"
        case forms.Password():
            return "demo-ruche-2026"
        case forms.Text():
            return "Bonjour à tous"
    return "1"  # the ids and numbers pages send


def _plausible_form() -> dict[str, str]:
    """Every form field a page shows or a form declares, filled in as a person would."""
    names: set[str] = set()
    for template in Path(TEMPLATES).rglob("*.html"):
        for name, numbered in re.findall(r'name="([a-z_]+)(\{\{)?', template.read_text()):
            names.update(f"{name}{n}" for n in range(3)) if numbered else names.add(name)
    declared = _declared_fields()
    names = (names | declared.keys()) - {"csrf_token"}
    return {name: _plausible(declared.get(name)) for name in sorted(names)}


ROUTES = sorted(set(_walk(routes())))
PLAUSIBLE = _plausible_form()
FIELDS = sorted(PLAUSIBLE)


class Loop:
    """An event loop in a thread: the app lives there for the whole module, and Hypothesis's
    synchronous examples hand it their requests."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=60)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()


@dataclass
class Walk:
    loop: Loop
    app: Any
    db: Database
    errors: ServerErrors

    async def snapshot(self) -> dict[str, str]:
        """A digest of every table's content."""
        digests = {}
        async with self.db.engine.connect() as conn:
            names = await conn.run_sync(lambda sync: inspect(sync).get_table_names())
            # The event log's rows are marked published in the background, after the requests
            # that wrote them; an event a request appends still moves its channel's number.
            for name in set(names) - {event_log.events.name}:
                query = select(literal_column("*")).select_from(table(name))
                rows = (await conn.execute(query)).all()
                content = repr(sorted(repr(tuple(row)) for row in rows))
                digests[name] = hashlib.sha256(content.encode()).hexdigest()
        return digests

    async def client_as(self, email: str | None, ip: str) -> tuple[httpx2.AsyncClient, str]:
        """A browser of this person, signed in through a session of its own."""
        client = make_client(self.app, ip=ip, raise_app_exceptions=False)
        if email is not None:
            async with self.db.session() as session:
                user = (await session.exec(select(User).where(User.email == email))).one()
                token = await accounts.start_session(session, user, days=1)
                await session.commit()
            client.cookies.set("ruche", token)
        return client, await csrf_token(client, "/signin" if email is None else "/")


@pytest.fixture(scope="module")
def walk(migrated_template: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Walk]:
    """The app over one database with the demo data, reused by every route's examples."""
    if POSTGRES_URL:
        name = f"ruche_walk_{uuid.uuid4().hex[:10]}"
        pg_admin_sync(f'CREATE DATABASE "{name}" TEMPLATE "{migrated_template}"')
        url = _pg_async_url(POSTGRES_URL, name)
    else:
        path = tmp_path_factory.mktemp("walk") / "ruche.db"
        shutil.copy(migrated_template, path)
        url = f"sqlite+aiosqlite:///{path}"
    config = Settings(
        database_url=url,
        redis_url=None,
        secret_key="test-secret-" + "x" * 32,
        hashing_profile="fast",
        allowed_hosts=("testserver",),
        # No archive is prepared, no mail sent, behind the walk's back: a refused request must
        # change nothing.
        export_every=0,
        mail_every=0,
        digest_every=0,
    )
    loop = Loop()
    db = Database(url)
    loop.run(demo.load(db, Passwords("fast")))
    app = create_app(config)
    lifespan = app.router.lifespan_context(app)
    loop.run(lifespan.__aenter__())
    errors = ServerErrors()
    logging.getLogger("community.app").addHandler(errors)
    try:
        yield Walk(loop, app, db, errors)
    finally:
        logging.getLogger("community.app").removeHandler(errors)
        loop.run(lifespan.__aexit__(None, None, None))
        loop.run(db.dispose())
        loop.close()
        if POSTGRES_URL:
            pg_admin_sync(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _fill(template: str, values: dict[str, str]) -> str:
    path = template
    for name, value in values.items():
        path = re.sub(r"\{" + name + r"(:[a-z]+)?\}", quote(value, safe=""), path)
    return path


_ips = (f"10.{a}.{b}.1" for a, b in itertools.product(range(256), range(256)))


@pytest.mark.parametrize(("method", "template"), ROUTES, ids=[" ".join(r) for r in ROUTES])
@pytest.mark.parametrize("role", ROLES)
def test_no_malformed_request_breaks_a_page_or_writes(
    walk: Walk, method: str, template: str, role: str
) -> None:
    walk.errors.seen.clear()  # each route answers for its own errors
    client, token = walk.loop.run(walk.client_as(ROLES[role], next(_ips)))
    params = re.findall(r"\{([a-z_]+)(?::[a-z]+)?\}", template)

    @settings(
        max_examples=5,
        deadline=None,
        database=None,
        # A failure is reported as found: shrinking it would replay hundreds of requests.
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(
        path=st.fixed_dictionaries({name: PATH_VALUES for name in params}),
        query=st.dictionaries(st.sampled_from(FIELDS), BAD, max_size=3),
        # A form as a page fills it, with one to three fields replaced by something malformed.
        bad=st.dictionaries(st.sampled_from(FIELDS), BAD, min_size=1, max_size=3),
    )
    def example(path: dict[str, str], query: dict[str, str], bad: dict[str, str]) -> None:
        url, form = _fill(template, path), {**PLAUSIBLE, **bad}
        before = walk.loop.run(walk.snapshot())
        if method == "GET":
            response = walk.loop.run(client.get(url, params=query))
        else:
            data = {**form, "csrf_token": token}
            response = walk.loop.run(client.request(method, url, params=query, data=data))
        assert response.status_code < 500, (method, url, query, form, walk.errors.seen)
        assert not walk.errors.seen
        if 400 <= response.status_code < 500:
            changed = {
                table
                for table, digest in walk.loop.run(walk.snapshot()).items()
                if before[table] != digest
            }
            assert not changed, (method, url, response.status_code, changed)

    try:
        example()
    finally:
        walk.loop.run(client.aclose())

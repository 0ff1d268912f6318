"""The live path as users feel it, on PostgreSQL and Redis with two app processes.

    python -m bench.live            # quick mode, under 5 minutes on 2 cores
    python -m bench.live --full     # longer: more messages, bigger groups

1. A project with 200 open pages (bench/livepage.py): the project's lead posts a message
   every second through the boosted form; each page shows it after applying the push or
   fetching the region a nudge names. Reported: the time from the POST being sent until each
   page shows the message (p50, p99), and the SQL statements per message, everything counted
   (the POST and its redirect, and every fetch the pages make), net of the app's idle
   background (the event dispatcher's poll).
2. Class rush (bench/rush.py): 30 learners answering one session at once, then 500 sessions
   that ended within the hour, their learners all answering; answers/s, the submit's p99,
   and whether the feedback mixer kept up.

Statements are counted inside the app's processes: they serve bench/counted.py, which is
`community.app:app` with a SQLAlchemy event appending one byte per statement to a file.
The figures are merged into bench/results/live.json (bench/results_file.py).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable
from dataclasses import asdict, dataclass
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path

import asyncpg
import httpx2
import psutil
import websockets
from redis.asyncio import Redis
from sqlalchemy import text

from bench import population, results_file, rush, systems
from bench.livepage import LivePage, message_text
from bench.realtime import Database as BenchDatabase
from bench.reports import PG_ADMIN
from community.database import Database
from community.settings import normalise_database_url

RESULTS = Path(__file__).resolve().parent / "results" / "live.json"
IDLE_WINDOW_S = 5  # how long the idle app's own statements are counted, to take them off
NO_COOKIES = DefaultCookiePolicy(allowed_domains=[])
BOOSTED = {"HX-Request": "true"}  # the compose form is boosted: htmx sends it by fetch


@dataclass(frozen=True)
class Config:
    mode: str
    pages: int
    messages: int  # posted one every `interval_s`
    interval_s: float
    catch_up_s: float  # how long after the last post the pages may take to show it
    solo_posts: int  # posted with no page open: what the write alone costs
    class_learners: int
    region_sessions: int
    region_learners: int  # per session
    in_flight: int  # submits at once during the region's rush


# Quick mode posts fewer messages and has fewer sessions end at once than full mode: on the
# 2-core machine the nudged pages fall behind at one message a second (bench/README.md).
QUICK = Config("quick", 200, 10, 1.0, 60, 3, 30, 100, 6, 32)
FULL = Config("full", 200, 30, 1.0, 180, 10, 30, 500, 12, 64)


class Statements:
    """What the app's processes ran, read from the file bench/counted.py appends to."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def mark(self) -> int:
        return self.path.stat().st_size if self.path.exists() else 0

    def since(self, mark: int) -> Counter[str]:
        with open(self.path, "rb") as log:
            log.seek(mark)
            return Counter(log.read().decode("ascii", "replace"))


def percentile_ms(seconds: list[float], q: float) -> float | None:
    return rush.percentile_ms(seconds, q)


# --- a project with its pages open ------------------------------------------------------------


class Poster:
    """The project's lead, posting through the page's boosted form."""

    def __init__(self, http: httpx2.AsyncClient, path: str, cookie: str) -> None:
        self.http = http
        self.path = path
        self.headers = {"Cookie": cookie, **BOOSTED}
        self.token = ""
        self.took: list[float] = []
        self.failed: Counter[str] = Counter()

    async def open(self) -> None:
        page = await self.http.get(self.path, headers=self.headers)
        found = systems.TOKEN.search(page.text)
        assert found, f"no CSRF token on the project page (HTTP {page.status_code})"
        self.token = found.group(1)

    async def post(self, n: int) -> bool:
        """The POST, then the GET its 303 leads to, as fetch follows it for the boosted form
        (done here: httpx drops a Cookie header it did not set when it follows one). Whether
        the message was written."""
        started = time.monotonic()
        try:
            response = await self.http.post(
                f"{self.path}/messages",
                data={"body": message_text(n), "csrf_token": self.token},
                headers={**self.headers, "X-CSRF-Token": self.token},
            )
            written = response.status_code == 303
            if written:
                response = await self.http.get(response.headers["location"], headers=self.headers)
        except httpx2.HTTPError as exc:  # the server dropped it: unknown, so not waited for
            self.failed[type(exc).__name__] += 1
            return False
        finally:
            self.took.append(time.monotonic() - started)
        if response.status_code != 200:
            self.failed[f"{'page' if written else 'post'}_{response.status_code}"] += 1
        return written


async def idle_rate(statements: Statements) -> float:
    """Statements per second of the app with nothing to do (each process's dispatcher polls)."""
    mark = statements.mark()
    await asyncio.sleep(IDLE_WINDOW_S)
    return sum(statements.since(mark).values()) / IDLE_WINDOW_S


async def open_pages(pages: list[LivePage]) -> tuple[list[LivePage], Counter[str]]:
    """Open them, 20 at a time; those that fail are left out of the measure, and counted."""
    gate, failed = asyncio.Semaphore(20), Counter[str]()

    async def one(page: LivePage) -> LivePage | None:
        async with gate:
            try:
                await page.open()
                return page
            except (httpx2.HTTPError, OSError, websockets.InvalidHandshake) as exc:
                failed[type(exc).__name__] += 1
                return None

    opened = await asyncio.gather(*(one(page) for page in pages))
    return [page for page in opened if page is not None], failed


async def post_all(poster: Poster, pages: list[LivePage], config: Config) -> set[int]:
    """One message every interval, open loop: a slow POST does not delay the next one.
    Returns the messages written; the pages stop waiting for the others."""
    started, posts = time.monotonic(), []
    for n in range(config.messages):
        await asyncio.sleep(max(0.0, started + n * config.interval_s - time.monotonic()))
        sent_at = time.monotonic()
        for page in pages:
            page.expect(n, sent_at)
        posts.append(asyncio.create_task(poster.post(n)))
    written = {n for n, ok in enumerate(await asyncio.gather(*posts)) if ok}
    for page in pages:
        page.forget(set(range(config.messages)) - written)
    return written


async def caught_up(pages: list[LivePage], within: float) -> None:
    """Until every page shows every message, or `within` seconds."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(asyncio.gather(*(page.shows_all.wait() for page in pages)), within)


async def project_pages(
    system: systems.System, http: httpx2.AsyncClient, statements: Statements,
    setup: population.Project, config: Config, db: Database,
) -> dict:  # fmt: skip
    path = f"/projects/{setup.project_id}"
    pages = [LivePage(http, system.ws_url, path, cookie) for cookie in setup.page_cookies]
    poster = Poster(http, path, setup.author_cookie)
    opened = time.monotonic()
    pages, failed_to_open = await open_pages(pages)
    opening_s = time.monotonic() - opened
    opening = sum((page.stats for page in pages), Counter())
    await poster.open()
    await system.settle()
    background = await idle_rate(statements)
    mark, started = statements.mark(), time.monotonic()
    cpu = (system.cpu_seconds(), _own_cpu_seconds())
    written = await post_all(poster, pages, config)
    await caught_up(pages, config.catch_up_s)
    await system.settle()
    seconds = time.monotonic() - started
    server_cpu, client_cpu = system.cpu_seconds() - cpu[0], _own_cpu_seconds() - cpu[1]
    counted = statements.since(mark)
    stats = sum((page.stats for page in pages), Counter())
    stats.subtract(opening)
    await asyncio.gather(*(page.close() for page in pages))
    await system.settle()
    # A POST answered with an error may still have written its message (the pages then
    # fetch it too): the statements are shared among the messages the database holds.
    stored = await messages_in(db, setup.project_id)
    solo = await solo_posts(poster, statements, config, background)
    latencies = [s for page in pages for n, s in page.latencies.items() if n in written]
    expected = len(pages) * len(written)
    net = sum(counted.values()) - background * seconds
    return {
        "pages": len(pages),
        "failed_to_open": dict(failed_to_open),
        "seated_members": setup.members,
        "opening_s": round(opening_s, 1),
        "while_opening": dict(opening),
        "messages": config.messages,
        "messages_written": len(written),
        "interval_s": config.interval_s,
        "shown": len(latencies),
        "not_shown": expected - len(latencies),
        "p50_ms": percentile_ms(latencies, 0.50),
        "p99_ms": percentile_ms(latencies, 0.99),
        "max_ms": percentile_ms(latencies, 1.0),
        "post_p50_ms": percentile_ms(poster.took, 0.50),
        "post_p99_ms": percentile_ms(poster.took, 0.99),
        "post_failed": dict(poster.failed),
        "statements": dict(counted),
        "background_statements_per_s": round(background, 1),
        "messages_in_database": stored,
        "queries_per_message": round(net / max(1, stored), 1),
        "region_fetches_per_message": round(stats["region_fetches"] / max(1, stored), 1),
        "queries_per_message_without_pages": solo,
        "queries_per_region_fetch": round(
            (net - solo * stored) / max(1, stats["region_fetches"]), 1
        ),
        "pages_seen": dict(+stats),
        "seconds": round(seconds, 1),
        "cpu_percent": {
            "server": round(100 * server_cpu / seconds),
            "pages_and_poster": round(100 * client_cpu / seconds),
        },
    }


async def messages_in(db: Database, project_id: int) -> int:
    async with db.session() as session:
        connection = await session.connection()
        query = text("SELECT count(*) FROM message WHERE project_id = :p")
        return (await connection.execute(query, {"p": project_id})).scalar_one()


async def solo_posts(
    poster: Poster, statements: Statements, config: Config, background: float
) -> float:
    """Statements per message when no page is open: the POST and its redirect alone."""
    mark, started, written = statements.mark(), time.monotonic(), 0
    for n in range(config.messages, config.messages + config.solo_posts):
        written += await poster.post(n)
    net = sum(statements.since(mark).values()) - background * (time.monotonic() - started)
    return round(net / max(1, written), 1)


class Postgres:
    """PostgreSQL is shared: it refuses connections past max_connections, and its backends
    wait for the CPU like everyone. Sampled twice a second while the app runs, per phase:
    the most connections held (all databases, ours), and what our backends were doing:
    `running`, waiting (`Lock:transactionid`…), or the state of an idle one (`idle in
    transaction`: the app holds it without using it)."""

    QUERY = (
        "SELECT datname = $1 AS ours, CASE WHEN state <> 'active' THEN state ELSE"
        " coalesce(wait_event_type || ':' || wait_event, 'running') END AS doing"
        " FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"
    )

    def __init__(self, database: str) -> None:
        self.database = database
        self.phase = "start"
        self.phases: dict[str, dict] = {}

    async def __aenter__(self) -> Postgres:
        self.admin = await asyncpg.connect(PG_ADMIN)
        self.limit = int(await self.admin.fetchval("SHOW max_connections"))
        self.task = asyncio.create_task(self._sample())
        return self

    async def _sample(self) -> None:
        while True:
            rows = await self.admin.fetch(self.QUERY, self.database)
            seen = self.phases.setdefault(
                self.phase, {"most_all": 0, "most_ours": 0, "ours_doing": Counter()}
            )
            seen["most_all"] = max(seen["most_all"], len(rows))
            seen["most_ours"] = max(seen["most_ours"], sum(row["ours"] for row in rows))
            seen["ours_doing"].update(r["doing"] for r in rows if r["ours"])
            await asyncio.sleep(0.5)

    async def __aexit__(self, *_exc: object) -> None:
        self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)
        await self.admin.close()

    def report(self) -> dict:
        return {"max_connections": self.limit, **self.phases}


async def with_server_cpu(system: systems.System, work: Awaitable[dict]) -> dict:
    before, started = system.cpu_seconds(), time.monotonic()
    result = await work
    spent = system.cpu_seconds() - before
    return {**result, "server_cpu_percent": round(100 * spent / (time.monotonic() - started))}


def _own_cpu_seconds() -> float:
    times = psutil.Process().cpu_times()
    return times.user + times.system


# --- the run ----------------------------------------------------------------------------------


async def run_all(config: Config, redis_url: str) -> dict:
    redis = Redis.from_url(redis_url)
    await redis.flushdb()
    logs = Path(tempfile.mkdtemp(prefix="ruche-bench-live-"))
    database = BenchDatabase(sqlite=False, folder=logs)
    statements = Statements(logs / "statements")
    env = {**systems.ruche_env(database.url, redis_url), "BENCH_STATEMENTS": str(statements.path)}
    db, system = None, None
    started = time.monotonic()
    try:
        database.create()
        systems.prepare_database(systems.ROOT, env)
        db = Database(normalise_database_url(database.url))
        print("  creating the project, the groups and their learners", flush=True)
        project = await population.project(db, config.pages)
        class_group = await population.answering(db, 1, config.class_learners, "classe")
        region = await population.answering(
            db, config.region_sessions, config.region_learners, "region"
        )
        setup_s = round(time.monotonic() - started, 1)
        print(f"    ready in {setup_s} s", flush=True)
        await db.dispose()  # its connections back to PostgreSQL until the mixer check
        system = await systems.start_ours(systems.ROOT, env, redis_url, logs, "bench.counted:app")
        limits = httpx2.Limits(max_connections=1000, max_keepalive_connections=1000)
        async with (
            Postgres(database.name) as postgres,
            httpx2.AsyncClient(base_url=system.base, timeout=120, limits=limits) as http,
        ):
            http.cookies.jar.set_policy(NO_COOKIES)  # each request carries its person's cookie
            print(f"  {config.pages} pages, a message every {config.interval_s} s", flush=True)
            postgres.phase = "pages"
            pages = await project_pages(system, http, statements, project, config, db)
            print(f"    {_short(pages)}", flush=True)
            print(f"  class of {config.class_learners}", flush=True)
            postgres.phase = "class"
            one_class = await with_server_cpu(
                system, rush.run(http, class_group, config.class_learners)
            )
            print(f"    {one_class}", flush=True)
            print(f"  {config.region_sessions} sessions ending in the same hour", flush=True)
            postgres.phase = "region"
            in_region = await with_server_cpu(system, rush.run(http, region, config.in_flight))
            print(f"    {in_region}", flush=True)
        await system.settle()
        mixer = await rush.mixer_check(db, class_group + region)
        print(f"    mixer: {mixer}", flush=True)
        return {
            "pages": pages,
            "class": one_class,
            "region": in_region,
            "mixer": mixer,
            "postgres": postgres.report(),
            "setup_s": setup_s,
            "seconds": round(time.monotonic() - started, 1),
            "logs": str(logs),
        }
    finally:
        if system is not None:
            system.stop()
        if db is not None:
            await db.dispose()
        database.drop()
        await redis.flushdb()
        await redis.aclose()


def _short(pages: dict) -> dict:
    keys = ("shown", "not_shown", "p50_ms", "p99_ms", "queries_per_message", "post_p99_ms")
    return {k: pages[k] for k in keys}


def figures(config: Config, run: dict, load_before: tuple[float, ...]) -> dict:
    pages, region = run["pages"], run["region"]
    return {
        "message_to_200_pages_p50_ms": pages["p50_ms"],
        "message_to_200_pages_p99_ms": pages["p99_ms"],
        "queries_per_message": pages["queries_per_message"],
        "class_rush_answers_per_s": region["answers_per_s"],
        "class_rush_submit_p50_ms": region["submit_p50_ms"],
        "class_rush_submit_p99_ms": region["submit_p99_ms"],
        "class_rush_mixer_kept_up": run["mixer"]["kept_up"],
        "live_details": {
            **run,
            "mode": config.mode,
            "settings": asdict(config),
            "uvicorn": " ".join(systems.UVICORN_FLAGS),
            "database": "postgresql",
            "queries_counted": "SQLAlchemy before_cursor_execute in the app's processes"
            " (bench/counted.py), minus the idle rate",
            "source": systems.export_source(None, Path())[1],
            "machine": {
                "cpus": psutil.cpu_count(),
                "python": platform.python_version(),
                "load_average_before": load_before,
                "load_average_after": os.getloadavg(),
            },
        },
    }


def table(found: dict, config: Config) -> str:
    details = found["live_details"]
    rows = [
        (f"message to {config.pages} pages, p50 / p99 ms",
         f"{found['message_to_200_pages_p50_ms']} / {found['message_to_200_pages_p99_ms']}"),
        ("pages that never showed a message", str(details["pages"]["not_shown"])),
        ("SQL statements per message (all pages)", str(found["queries_per_message"])),
        ("  the POST and its redirect alone",
         str(details["pages"]["queries_per_message_without_pages"])),
        (f"class of {config.class_learners}: answers/s, submit p99 ms",
         f"{details['class']['answers_per_s']}, {details['class']['submit_p99_ms']}"),
        (f"{config.region_sessions} sessions: answers/s, submit p99 ms",
         f"{found['class_rush_answers_per_s']}, {found['class_rush_submit_p99_ms']}"),
        ("mixer kept up / all mixed once closed",
         f"{details['mixer']['kept_up']} / {details['mixer']['all_mixed_in_the_end']}"),
    ]  # fmt: skip
    width = max(len(label) for label, _ in rows)
    return "\n".join(f"{label:<{width}}  {value}" for label, value in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--full", action="store_true", help="more messages, bigger groups")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14", help="a DB of our own")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    config = FULL if args.full else QUICK
    load_before = os.getloadavg()  # other work on the machine skews every figure: say so
    run = asyncio.run(run_all(config, args.redis))
    found = figures(config, run, load_before)
    results_file.merge(args.out, found)
    print(table(found, config))
    print(f"\n{config.mode} mode, {run['seconds']} s; merged into {args.out}")


if __name__ == "__main__":
    main()

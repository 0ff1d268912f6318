"""The reports benchmark: a report's cost with 10,000 and with 1,000,000 answers, and how many
feedback answers per second the app records on SQLite and on PostgreSQL.

    python -m bench.reports            # both sizes, both databases (a few minutes)
    python -m bench.reports --sqlite   # without PostgreSQL

Reports read the running totals kept with each answer, so their cost should not grow with
the number of answers: the ratio of the two latencies is the figure to watch (target 1.5).
Writes bench/results/reports.json and prints a table.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import httpx2
from sqlalchemy import text

from community import accounts, demo, feedback, migrate, trainings
from community.accounts import Passwords
from community.app import create_app
from community.database import Database
from community.models import CourseSession, Iteration, Role, Training, User
from community.settings import Settings

RESULTS = Path(__file__).resolve().parent / "results" / "reports.json"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
SESSIONS = 100  # sessions the answers are spread over
REQUESTS = 40  # report requests timed per size
SUBMITS = 400  # feedback answers timed per database


async def bulk_answers(db: Database, iteration_id: int, answers: int) -> None:
    """Answers spread over the group's sessions, then their running totals, as the app keeps
    them (the tests prove the incremental totals equal this recomputation)."""
    async with db.session() as session:
        ids = [
            row[0]
            for row in (
                await (await session.connection()).execute(
                    text("SELECT id FROM course_session WHERE iteration_id = :i"),
                    {"i": iteration_id},
                )
            ).all()
        ]
        dimensions = [d.id for d in await feedback.dimensions_of(session, 1)]
    rng = secrets.SystemRandom()
    batch = 20_000
    for start in range(0, answers, batch):
        rows, ratings = [], []
        for n in range(start, min(start + batch, answers)):
            answer = secrets.token_hex(16)
            rows.append({"id": answer, "s": ids[n % len(ids)]})
            ratings += [{"a": answer, "k": k, "v": rng.randint(1, 5)} for k in dimensions]
        async with db.session() as session:
            connection = await session.connection()
            await connection.execute(
                text(
                    "INSERT INTO feedback_answer (id, session_id, comment, comment_status) "
                    "VALUES (:id, :s, '', 'none')"
                ),
                rows,
            )
            await connection.execute(
                text(
                    "INSERT INTO feedback_rating (answer_id, dimension_id, value)"
                    " VALUES (:a, :k, :v)"
                ),
                ratings,
            )
            await session.commit()
    async with db.session() as session:
        connection = await session.connection()
        await connection.execute(
            text(
                "INSERT INTO feedback_aggregate (session_id, dimension_id, count, total, total_sq,"
                " h1, h2, h3, h4, h5) SELECT a.session_id, r.dimension_id, count(*), sum(r.value),"
                " sum(r.value * r.value), sum(CASE WHEN r.value = 1 THEN 1 ELSE 0 END),"
                " sum(CASE WHEN r.value = 2 THEN 1 ELSE 0 END),"
                " sum(CASE WHEN r.value = 3 THEN 1 ELSE 0 END),"
                " sum(CASE WHEN r.value = 4 THEN 1 ELSE 0 END),"
                " sum(CASE WHEN r.value = 5 THEN 1 ELSE 0 END)"
                " FROM feedback_rating r JOIN feedback_answer a ON a.id = r.answer_id"
                " JOIN course_session c ON c.id = a.session_id WHERE c.iteration_id = :i"
                " GROUP BY a.session_id, r.dimension_id"
            ),
            {"i": iteration_id},
        )
        await session.commit()


async def group_with_sessions(  # type: ignore[no-untyped-def]
    db: Database, staff, name: str, start: datetime, sessions: int = SESSIONS
) -> int:
    """A group of the demo's first training with `sessions` sessions of 3 hours, one a day
    from `start`."""
    async with db.session() as session:
        training = await session.get(Training, 1)
        iteration = await trainings.create_iteration(
            session,
            staff,
            training,
            {"name": name, "starts_on": start.date().isoformat(),
             "ends_on": (start + timedelta(days=sessions)).date().isoformat()},
            code_days=30,
        )  # fmt: skip
        for n in range(sessions):
            begin = start + timedelta(days=n)
            session.add(
                CourseSession(
                    iteration_id=iteration.id,
                    title=f"Séance {n}",
                    starts_at=begin,
                    ends_at=begin + timedelta(hours=3),
                )
            )
        await session.commit()
        return iteration.id or 0


async def report_latency(app, iteration_id: int) -> float:  # type: ignore[no-untyped-def]
    """Median milliseconds to serve the report page, signed in as provider staff."""
    transport = httpx2.ASGITransport(app=app)
    async with httpx2.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
        page = await http.get("/signin")
        token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        await http.post(
            "/signin",
            data={"email": "organisme@demo.test", "password": demo.PASSWORD, "csrf_token": token},
        )
        timings = []
        for _ in range(REQUESTS):
            started = time.perf_counter()
            response = await http.get(f"/reports/iterations/{iteration_id}")
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
    return statistics.median(timings)


async def enrolled_learners(
    db: Database, iteration_id: int, count: int, prefix: str, joined: datetime | None = None
) -> list[User]:
    """`count` new learners (prefix0@bench.test…) who joined the group with its code, at
    `joined` (now if None): the sessions after that are theirs to rate."""
    passwords = Passwords("fast")
    async with db.session() as session:
        iteration = await session.get(Iteration, iteration_id)
        code = (await trainings.current_code(session, iteration)).code
        learners = []
        for n in range(count):
            learner = await accounts.sign_up(
                session, passwords,
                {"email": f"{prefix}{n}@bench.test", "display_name": f"{prefix.upper()}{n}",
                 "password": "x" * 12},
                locale="fr",
            )  # fmt: skip
            await trainings.join_with_code(session, learner, {"code": code}, now=joined)
            learners.append(learner)
        await session.commit()
    return learners


async def submit_rate(db: Database) -> float:
    """Feedback answers recorded per second through the domain action, 8 at a time."""
    passwords = Passwords("fast")
    now = datetime.now(UTC)
    async with db.session() as session:
        staff = await accounts.sign_up(
            session, passwords,
            {"email": "bench-staff@bench.test", "display_name": "Bench", "password": "x" * 12},
            locale="fr", role=Role.STAFF, provider_id=1,
        )  # fmt: skip
        await session.commit()
    iteration_id = await group_with_sessions(db, staff, "Débit", now - timedelta(hours=1))
    learners = await enrolled_learners(db, iteration_id, SUBMITS, "l")
    async with db.session() as session:
        first = (
            await (await session.connection()).execute(
                text("SELECT min(id) FROM course_session WHERE iteration_id = :i"),
                {"i": iteration_id},
            )
        ).scalar_one()
    gate = asyncio.Semaphore(8)

    async def answer(learner) -> None:  # type: ignore[no-untyped-def]
        async with gate, db.session() as session:
            view = await feedback.session_view(session, learner, first)
            await feedback.submit(session, learner, view, {"overall": "4"})
            await session.commit()

    started = time.perf_counter()
    await asyncio.gather(*(answer(learner) for learner in learners))
    return SUBMITS / (time.perf_counter() - started)


async def prepared_database(url: str) -> Database:
    migrate.upgrade(url)
    db = Database(url)
    await demo.load(db, Passwords("fast"))
    return db


async def on_database(url: str, *, with_reports: bool) -> dict:
    db = await prepared_database(url)
    figures: dict = {}
    try:
        if with_reports:
            async with db.session() as session:
                staff = await accounts.authenticate(
                    session, Passwords("fast"),
                    {"email": "organisme@demo.test", "password": demo.PASSWORD},
                )  # fmt: skip
            long_ago = datetime(2025, 1, 6, 9, tzinfo=UTC)
            sizes = {"10k": 10_000, "1m": 1_000_000}
            groups = {}
            for label, answers in sizes.items():
                groups[label] = await group_with_sessions(db, staff, f"Banc {label}", long_ago)
                started = time.perf_counter()
                await bulk_answers(db, groups[label], answers)
                figures[f"load_seconds_{label}"] = round(time.perf_counter() - started, 1)
            app = create_app(Settings(database_url=url, hashing_profile="fast"))
            async with app.router.lifespan_context(app):
                for label, iteration_id in groups.items():
                    figures[f"report_latency_ms_{label}"] = round(
                        await report_latency(app, iteration_id), 2
                    )
            figures["report_latency_ratio_1m_vs_10k"] = round(
                figures["report_latency_ms_1m"] / figures["report_latency_ms_10k"], 3
            )
        figures["submit_per_s"] = round(await submit_rate(db), 1)
    finally:
        await db.dispose()
    return figures


async def main(use_postgres: bool) -> dict:
    results: dict = {"sessions_per_group": SESSIONS, "report_requests": REQUESTS,
                     "submits": SUBMITS, "measured_at": datetime.now(UTC).isoformat()}  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        sqlite = await on_database(f"sqlite+aiosqlite:///{folder}/bench.db", with_reports=True)
    results.update(sqlite)
    results["submit_per_s_sqlite"] = results.pop("submit_per_s")
    if use_postgres:
        name = f"ruche_bench_reports_{int(time.time())}"
        admin = await asyncpg.connect(PG_ADMIN)
        await admin.execute(f'CREATE DATABASE "{name}"')
        try:
            url = PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
            postgres = await on_database(f"{url}/{name}", with_reports=False)
            results["submit_per_s_postgresql"] = postgres["submit_per_s"]
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await admin.close()
    results["target_ratio_met"] = results["report_latency_ratio_1m_vs_10k"] <= 1.5
    return results


def table(results: dict) -> str:
    lines = [
        f"{'measure':<36}{'value':>14}",
        f"{'report latency, 10k answers (ms)':<36}{results['report_latency_ms_10k']:>14}",
        f"{'report latency, 1M answers (ms)':<36}{results['report_latency_ms_1m']:>14}",
        f"{'ratio 1M / 10k (target <= 1.5)':<36}{results['report_latency_ratio_1m_vs_10k']:>14}",
        f"{'feedback answers/s, SQLite':<36}{results['submit_per_s_sqlite']:>14}",
    ]
    if "submit_per_s_postgresql" in results:
        lines.append(
            f"{'feedback answers/s, PostgreSQL':<36}{results['submit_per_s_postgresql']:>14}"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sqlite", action="store_true", help="skip PostgreSQL")
    args = parser.parse_args()
    measured = asyncio.run(main(use_postgres=not args.sqlite))
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(measured, indent=2) + "\n")
    print(table(measured))
    print(f"written to {RESULTS}")

"""The compass benchmark: time to compute one learner's cards with 10,000 learners and 1,000
skills in the database (target: a median under 50 ms).

    python -m bench.pathways_cards                  # a SQLite file
    BENCH_DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/ruche_bench \\
        python -m bench.pathways_cards              # an empty PostgreSQL database

The demo is loaded, then synthetic rows are bulk-inserted: learners in the demo's current
groups, each offering three skills and wanting two, sessions given that took place, and open
projects whose roles name skills. Each timed run computes the cards of a learner and rolls
back (the first-shown log it writes), so every run does the same work. Writes
`cards_ms` (and the run's details under `cards`) into bench/results/pathways.json, next to
the suggestion's figures, and prints a table.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text
from sqlmodel import col, select

from bench.results_file import merge
from community import demo, migrate
from community.accounts import Passwords
from community.database import Database
from community.models import (
    Enrolment,
    HelpOffer,
    HelpRequest,
    Iteration,
    LearnerSkill,
    Project,
    ProjectRole,
    Skill,
    User,
)
from community.pathways.cards import cards_for
from community.pathways.group import pinned_cards

RESULTS = Path(__file__).resolve().parent / "results" / "pathways.json"  # with bench.pathways
LEARNERS = 10_000
SKILLS = 1_000
SESSIONS = 20_000  # help sessions that took place
PROJECTS = 300
TIMED = 30  # learners whose cards are timed
BATCH = 1_000  # rows per INSERT: PostgreSQL takes at most 32,767 parameters
NOW = datetime(2026, 11, 2, 9, tzinfo=UTC)


async def _insert(db: Database, model: type, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), BATCH):
        async with db.session() as session:
            await session.exec(insert(model).values(rows[start : start + BATCH]))  # type: ignore[call-overload]
            await session.commit()


async def _max_id(db: Database, table: str) -> int:
    async with db.session() as session:
        connection = await session.connection()
        return (await connection.execute(text(f'SELECT max(id) FROM "{table}"'))).scalar() or 0  # noqa: S608


async def populate(db: Database, rng: random.Random) -> list[int]:
    """The synthetic rows; the ids of the new learners."""
    async with db.session() as session:
        current = select(Iteration.id).where(col(Iteration.ends_on) > NOW.date())
        groups = [group or 0 for group in await session.exec(current)]
    first_skill = await _max_id(db, "skill") + 1
    await _insert(db, Skill, [
        {"id": first_skill + n, "provider_id": 1, "name": f"Compétence {n}", "approved": True}
        for n in range(SKILLS)
    ])  # fmt: skip
    skills = list(range(first_skill, first_skill + SKILLS))
    first_user = await _max_id(db, "user") + 1
    learners = list(range(first_user, first_user + LEARNERS))
    await _insert(db, User, [
        {"id": u, "email": f"banc{u}@bench.test", "display_name": f"Apprenant {u}",
         "password_hash": "-", "role": "learner", "locale": "fr", "created_at": NOW,
         "digest_every": "weekly", "digest_skips": ""}
        for u in learners
    ])  # fmt: skip
    await _insert(db, Enrolment, [
        {"iteration_id": groups[n % len(groups)], "user_id": u, "role": "learner",
         "created_at": NOW}
        for n, u in enumerate(learners)
    ])  # fmt: skip
    marks = []
    for u in learners:
        chosen = rng.sample(skills, 5)
        marks += [{"user_id": u, "skill_id": s, "kind": "offer", "level": rng.randint(1, 3)}
                  for s in chosen[:3]]  # fmt: skip
        marks += [{"user_id": u, "skill_id": s, "kind": "want", "level": 1} for s in chosen[3:]]
    await _insert(db, LearnerSkill, marks)
    await _sessions(db, rng, groups, learners, skills)
    await _projects(db, rng, groups, learners, skills)
    return learners


async def _sessions(db: Database, rng: random.Random, groups, learners, skills) -> None:  # type: ignore[no-untyped-def]
    first = await _max_id(db, "help_request") + 1
    first_offer = await _max_id(db, "help_offer") + 1
    requests, offers = [], []
    for n in range(SESSIONS):
        when = NOW - timedelta(days=rng.randint(1, 200))
        requests.append({
            "id": first + n, "requester_id": rng.choice(learners),
            "iteration_id": groups[n % len(groups)],
            "skill_id": rng.choice(skills), "description": "Aide", "urgency": "week",
            "format": "in_person", "status": "done", "accepted_offer_id": first_offer + n,
            "scheduled_at": when, "duration_minutes": 60, "place": "", "cancel_reason": "",
            "requester_confirmed": True, "tutor_confirmed": True, "created_at": when,
            "expires_at": when + timedelta(days=7),
        })  # fmt: skip
        offers.append({"id": first_offer + n, "request_id": first + n, "message": "",
                       "tutor_id": rng.choice(learners), "created_at": when})  # fmt: skip
    await _insert(db, HelpRequest, requests)
    await _insert(db, HelpOffer, offers)


async def _projects(db: Database, rng: random.Random, groups, learners, skills) -> None:  # type: ignore[no-untyped-def]
    first = await _max_id(db, "project") + 1
    projects, roles = [], []
    for n in range(PROJECTS):
        named = ", ".join(f"Compétence {s - skills[0]}" for s in rng.sample(skills, 3))
        projects.append({
            "id": first + n, "iteration_id": groups[n % len(groups)],
            "author_id": rng.choice(learners),
            "title": f"Projet {n}", "pitch": "Un projet.", "goals": "", "skills": named, "weeks": 4,
            "status": "active", "decline_reason": "", "join_needs_approval": False,
            "community": False, "locked": False, "locked_reason": "", "slow_mode_seconds": 0,
            "created_at": NOW,
        })  # fmt: skip
        roles += [{"project_id": first + n, "name": f"Rôle {r}", "slots": 2} for r in range(3)]
    await _insert(db, Project, projects)
    await _insert(db, ProjectRole, roles)


async def _nobody_online(_user_id: int) -> bool:
    return False


async def time_cards(db: Database, learners: list[int]) -> list[float]:
    timings = []
    for learner_id in learners:
        async with db.session() as session:
            user = await session.get(User, learner_id)
            assert user is not None
            started = time.perf_counter()
            cards = await cards_for(
                session, user, _nobody_online, await pinned_cards(session, user)
            )
            timings.append((time.perf_counter() - started) * 1000)
            assert cards, "every synthetic learner wants skills that peers offer"
            await session.rollback()
    return timings


async def main() -> dict[str, Any]:
    rng = random.Random(20261202)  # noqa: S311 - synthetic data, the same on every run
    with tempfile.TemporaryDirectory() as folder:
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite+aiosqlite:///{folder}/bench.db"
        migrate.upgrade(url)
        db = Database(url)
        try:
            await demo.load(db, Passwords("fast"))
            started = time.perf_counter()
            learners = await populate(db, rng)
            loaded = time.perf_counter() - started
            await time_cards(db, learners[:5])  # warm the caches and the statements
            timings = await time_cards(db, rng.sample(learners, TIMED))
        finally:
            await db.dispose()
    return {
        "database": url.split(":", 1)[0],
        "learners": LEARNERS,
        "skills": SKILLS,
        "sessions": SESSIONS,
        "projects": PROJECTS,
        "timed_learners": TIMED,
        "load_seconds": round(loaded, 1),
        "cards_ms": round(statistics.median(timings), 2),
        "cards_ms_p95": round(sorted(timings)[int(len(timings) * 0.95) - 1], 2),
        "target_met": statistics.median(timings) < 50,
        "measured_at": datetime.now(UTC).isoformat(),
    }


def table(results: dict[str, Any]) -> str:
    rows = [
        ("database", results["database"]),
        ("learners / skills", f"{results['learners']} / {results['skills']}"),
        ("cards of one learner, median (ms)", results["cards_ms"]),
        ("cards of one learner, p95 (ms)", results["cards_ms_p95"]),
        ("target: median < 50 ms", "met" if results["target_met"] else "NOT met"),
    ]
    return "\n".join(f"{name:<36}{value!s:>16}" for name, value in rows)


if __name__ == "__main__":
    measured = asyncio.run(main())
    merge(RESULTS, {"cards_ms": measured["cards_ms"], "cards": measured})
    print(table(measured))
    print(f"written to {RESULTS}")

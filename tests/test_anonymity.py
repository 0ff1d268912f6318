"""Anonymity against a copy of the database: thirty learners of one session answer through
the app, then the test runs the joins someone holding the database would run (transaction
ids, physical and insertion order, ids, dates) and finds no link better than chance.

The test knows who wrote what (each comment is marked); the joins do not use that, it only
says how far each join's guess is from the truth.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from scipy import stats
from sqlalchemy import inspect, text
from sqlmodel import select

from community import accounts, migrate, reports, trainings
from community.accounts import Passwords
from community.demo import PASSWORD
from community.models import CourseSession, Iteration, User
from tests.conftest import POSTGRES_URL, _pg_async_url, make_client, need, pg_admin_sync
from tests.helpers import post_form, sign_in

ANSWERS = 30  # k is set to this: the last answer completes one batch of all of them
LATEST = "Situations d'urgence"  # group 2's last session, feedback still open


# The answers of the session, and their ratings, in the order they are stored.
IN_STORED_ORDER = {
    "sqlite": (
        "SELECT id FROM feedback_answer WHERE session_id = :s ORDER BY rowid",
        "SELECT r.answer_id FROM feedback_rating r JOIN feedback_answer a ON a.id = r.answer_id"
        " WHERE a.session_id = :s ORDER BY r.rowid",
    ),
    "postgresql": (
        "SELECT id FROM feedback_answer WHERE session_id = :s ORDER BY ctid",
        "SELECT r.answer_id FROM feedback_rating r JOIN feedback_answer a ON a.id = r.answer_id"
        " WHERE a.session_id = :s ORDER BY r.ctid",
    ),
}


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Both databases, whichever the rest of the suite runs on."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'ruche.db'}"
        migrate.upgrade(url)
        yield url
        return
    need(POSTGRES_URL, "TEST_DATABASE_URL is not set")
    template = request.getfixturevalue("migrated_template")
    name = f"ruche_anon_{uuid.uuid4().hex[:10]}"
    pg_admin_sync(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    assert POSTGRES_URL
    yield _pg_async_url(POSTGRES_URL, name)
    pg_admin_sync(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _thirty_learners_in_group_two(db: Any) -> int:
    """The demo's six learners of group 2 and 24 more; k raised to 30. The session's id."""
    async with db.session() as session:
        staff = (await session.exec(select(User).where(User.email == "organisme@demo.test"))).one()
        await reports.set_threshold(session, staff, {"k": str(ANSWERS)})
        group = await session.get(Iteration, 2)
        assert group is not None
        code = await trainings.current_code(session, group)
        assert code is not None
        query = select(CourseSession).where(
            CourseSession.title == LATEST, CourseSession.iteration_id == 2
        )
        answered = (await session.exec(query)).one()
        for n in range(7, ANSWERS + 1):
            data = {
                "email": f"apprenant{n}@anonymat.test",
                "display_name": f"Apprenant {n}",
                "password": "une phrase secrète",
            }
            learner = await accounts.sign_up(session, Passwords("fast"), data, locale="fr")
            # They joined before the session: it is theirs to rate.
            joined = answered.starts_at
            await trainings.join_with_code(session, learner, {"code": code.code}, now=joined)
        await session.commit()
        assert answered.id is not None
        return answered.id


def _email(n: int) -> str:
    return f"apprenant{n}@demo.test" if n <= 6 else f"apprenant{n}@anonymat.test"


async def _answer_one_by_one(app: Any, sid: int) -> None:
    for n in range(1, ANSWERS + 1):
        async with make_client(app) as browser:
            await sign_in(browser, _email(n), PASSWORD if n <= 6 else "une phrase secrète")
            page = f"/sessions/{sid}/feedback"
            fields = {"overall": str(1 + n % 5), "comment": f"avis {n:02d}"}
            answered = await post_form(browser, page, fields, page=page)
            assert answered.status_code == 303


async def _rows(db: Any, sql: str, **params: Any) -> list[Any]:
    async with db.engine.connect() as connection:
        return list((await connection.execute(text(sql), params)).all())


def _chance_only(guess: list[int]) -> None:
    """`guess[i]` is where a join puts the author of the i-th answer in the order people
    answered. Chance puts about one in place and no trend: in a random order of thirty, ten
    or more in place has a probability of about 1e-7, and |Spearman rho| >= 0.9 of about
    1e-6 (4.8 standard deviations), so the test does not fail by chance."""
    assert sorted(guess) == list(range(len(guess)))
    in_place = sum(1 for position, author in enumerate(guess) if position == author)
    rho = stats.spearmanr(range(len(guess)), guess).statistic
    assert in_place < 10, f"{in_place} answers of {len(guess)} in their authors' order"
    assert abs(rho) < 0.9, f"rank correlation {rho:.2f} with the authors' order"


async def test_no_join_on_a_copy_of_the_database_links_an_answer_to_its_author(app, db, demo_data):
    sid = await _thirty_learners_in_group_two(db)
    await _answer_one_by_one(app, sid)
    answers = await _rows(
        db, "SELECT id, comment FROM feedback_answer WHERE session_id = :s", s=sid
    )
    assert len(answers) == ANSWERS  # one batch, mixed when the last one arrived
    # The truth, which only this test knows: the comment says who wrote it, and receipts
    # are in the order people answered.
    receipts = await _rows(
        db,
        'SELECT r.id, u.email FROM feedback_receipt r JOIN "user" u ON u.id = r.user_id'
        " WHERE r.session_id = :s ORDER BY r.id",
        s=sid,
    )
    rank_of_email = {email: rank for rank, (_id, email) in enumerate(receipts)}
    author_rank = {
        answer_id: rank_of_email[_email(int(comment.split()[1]))] for answer_id, comment in answers
    }
    assert sorted(author_rank.values()) == list(range(ANSWERS))

    # Answer ids, sorted: random, they say nothing of the order.
    _chance_only([author_rank[a] for a in sorted(author_rank)])
    # Physical and insertion order: rowid on SQLite, ctid on PostgreSQL.
    in_answers, in_ratings = IN_STORED_ORDER[db.engine.dialect.name]
    _chance_only([author_rank[a] for (a,) in await _rows(db, in_answers, s=sid)])
    rated = dict.fromkeys(a for (a,) in await _rows(db, in_ratings, s=sid))
    _chance_only([author_rank[a] for a in rated])
    if db.engine.dialect.name == "postgresql":
        await _postgresql_joins(db, sid)
    else:
        await _sqlite_files(db)
    # No time or date kept with what was answered, and nothing left waiting.
    await _no_time_columns(db)
    assert await _rows(db, "SELECT * FROM feedback_pending") == []


async def _no_time_columns(db: Any) -> None:
    def columns(sync: Any, table: str) -> dict[str, str]:
        return {c["name"]: str(c["type"]).upper() for c in inspect(sync).get_columns(table)}

    async with db.engine.connect() as connection:
        for table in (
            "feedback_answer",
            "feedback_rating",
            "feedback_aggregate",
            "feedback_pending",
        ):
            found = await connection.run_sync(columns, table)
            timed = {name for name, kind in found.items() if "TIME" in kind or "DATE" in kind}
            assert not timed, f"{table} keeps {timed}"


async def _sqlite_files(db: Any) -> None:
    # The pending rows (their ratings as JSON), written with the receipts, are gone from the
    # file and from its write-ahead log, not only from the table.
    path = Path(db.engine.url.database)
    for part in (path, path.with_name(path.name + "-wal")):
        content = part.read_bytes() if part.exists() else b""
        assert not re.search(rb'\{"\d+": [1-5]', content), f"a pending answer is left in {part}"


async def _postgresql_joins(db: Any, sid: int) -> None:
    def xids(rows: list[Any]) -> set[int]:
        return {int(x) for (x,) in rows}

    receipts = await _rows(
        db, "SELECT xmin::text FROM feedback_receipt WHERE session_id = :s", s=sid
    )
    receipt_xids = xids(receipts)
    assert len(receipt_xids) == ANSWERS  # each receipt in its author's own transaction
    written = {
        "answers": await _rows(
            db, "SELECT xmin::text FROM feedback_answer WHERE session_id = :s", s=sid
        ),
        "totals": await _rows(
            db, "SELECT xmin::text FROM feedback_aggregate WHERE session_id = :s", s=sid
        ),
        "ratings": await _rows(
            db,
            "SELECT r.xmin::text FROM feedback_rating r"
            " JOIN feedback_answer a ON a.id = r.answer_id WHERE a.session_id = :s",
            s=sid,
        ),
    }
    written_xids = {name: xids(rows) for name, rows in written.items()}
    # Transaction ids: no answer, rating or total was written with a receipt; one
    # transaction wrote every answer, rating and total of the batch.
    assert not set().union(*written_xids.values()) & receipt_xids
    assert written_xids["answers"] == written_xids["ratings"] == written_xids["totals"]
    assert len(written_xids["answers"]) == 1
    # The pending rows, written with the receipts, were deleted and vacuumed: no tuple is
    # left in the table's pages, dead or alive.
    async with db.engine.begin() as connection:
        await connection.execute(text("CREATE EXTENSION IF NOT EXISTS pageinspect"))
    left = await _rows(
        db,
        "SELECT count(*) FROM generate_series(0,"
        " pg_relation_size('feedback_pending') / current_setting('block_size')::int - 1) AS b,"
        " heap_page_items(get_raw_page('feedback_pending', b::int)) AS item"
        " WHERE item.lp_flags <> 0",
    )
    assert left == [(0,)]

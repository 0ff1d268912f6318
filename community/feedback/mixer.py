"""The mixer: pending answers reach the answer table in shuffled batches of at least k.

A submission writes its author's receipt and a pending row in one transaction. The answer
itself is written here, later, in a transaction of its own that reads and writes nothing
about people: it takes a session's pending rows once there are at least k of them (the
provider's anonymity threshold), or all of them once the feedback window has closed,
shuffles them, inserts the answers with fresh random ids in that order, adds one summed
change per criterion to the running totals, and deletes the pending rows. So the answers of
a batch share one transaction id that is no receipt's, and neither their physical order nor
their ids follow the order in which people answered.

Nothing is lost when the process stops: pending rows stay in the database and are mixed at
start-up or at the next round. Several processes may mix at once: on PostgreSQL each claims
rows with FOR UPDATE SKIP LOCKED, on SQLite writes are serialised, and a round that claims
fewer than k rows of an open session writes nothing.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, text, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community.database import Database, insert_for
from community.feedback.answers import WINDOW, refresh_reports
from community.models import (
    CommentStatus,
    CourseSession,
    FeedbackAggregate,
    FeedbackAnswer,
    FeedbackPending,
    FeedbackRating,
    Iteration,
    Provider,
    Training,
    utcnow,
)

log = logging.getLogger(__name__)

EVERY = 60  # seconds between two rounds: how late a closed window's last answers are mixed
_shuffle = secrets.SystemRandom().shuffle

Claimed = Sequence[Any]  # rows of (edit_hash, ratings as JSON, comment)


async def mix(database: Database, session_id: int, now: datetime | None = None) -> int:
    """Mix the session's pending answers if there are enough, or if its window has closed;
    how many were mixed."""
    async with database.session() as db:
        mixed = await _mix(db, session_id, now or utcnow())
        if mixed:  # otherwise the session closes unwritten: what was claimed stays pending
            await db.commit()
    if mixed:
        await _erase_deleted(database)
    return mixed


async def mix_all(database: Database, now: datetime | None = None) -> int:
    """One round over every session with pending answers."""
    async with database.session() as db:
        waiting = (await db.exec(select(FeedbackPending.session_id).distinct())).all()
    return sum([await mix(database, session_id, now) for session_id in waiting])


async def keep_mixing(database: Database, every: float = EVERY) -> None:
    """For the life of the process, after the start-up round (app.py): a round every
    `every` seconds, for the windows that closed meanwhile."""
    while True:
        await asyncio.sleep(every)
        try:
            await mix_all(database)
        except Exception as exc:  # the rows stay pending: the next round takes them
            # The type only: a database error can quote the row, that is, what someone wrote.
            log.error("feedback mixer: a round failed (%s), retried later", type(exc).__name__)


async def _mix(db: AsyncSession, session_id: int, now: datetime) -> int:
    course, k = await _session_and_threshold(db, session_id)
    closed = now > course.ends_at + WINDOW
    claim = (
        select(FeedbackPending.edit_hash)
        .where(FeedbackPending.session_id == session_id)
        .with_for_update(skip_locked=True)
    )
    keys = (await db.exec(claim)).all()
    if not keys or (len(keys) < k and not closed):
        return 0
    # Deleted as they are read: on SQLite the delete is the first write, which takes the
    # lock, so the values are those of the latest edit and no other process mixes them.
    taken = (
        delete(FeedbackPending)
        .where(col(FeedbackPending.edit_hash).in_(keys))
        .returning(
            col(FeedbackPending.edit_hash),
            col(FeedbackPending.ratings),
            col(FeedbackPending.comment),
        )
    )
    connection = await db.connection()
    claimed = list((await connection.execute(taken)).all())
    if len(claimed) < k and not closed:  # another process took some first
        return 0
    _shuffle(claimed)
    changes = await _write_answers(db, session_id, claimed)
    await _add_to_totals(db, session_id, changes)
    await refresh_reports(db, course.iteration_id)
    return len(claimed)


async def _session_and_threshold(db: AsyncSession, session_id: int) -> tuple[CourseSession, int]:
    query = (
        select(CourseSession, Provider.anonymity_threshold)
        .join(Iteration, col(Iteration.id) == CourseSession.iteration_id)
        .join(Training, col(Training.id) == Iteration.training_id)
        .join(Provider, col(Provider.id) == Training.provider_id)
        .where(CourseSession.id == session_id)
    )
    course, k = (await db.exec(query)).one()
    return course, k


async def _write_answers(
    db: AsyncSession, session_id: int, claimed: Claimed
) -> dict[int, Counter[str]]:
    """New answers and edits of mixed ones, in the shuffled order; the change each makes
    to the totals of each criterion, summed."""
    keys = [row[0] for row in claimed]
    mixed = await db.exec(select(FeedbackAnswer).where(col(FeedbackAnswer.edit_hash).in_(keys)))
    existing = {answer.edit_hash: answer for answer in mixed}
    before = await _ratings_of([answer.id for answer in existing.values()], db)
    answers: list[dict[str, Any]] = []
    ratings: list[dict[str, Any]] = []
    changes: dict[int, Counter[str]] = defaultdict(Counter)
    connection = await db.connection()
    for key, values, comment in claimed:
        answer = existing.get(key)
        answer_id = answer.id if answer else secrets.token_hex(16)
        old = before.get(answer_id, {})
        if answer is None:
            answers.append(
                {"id": answer_id, "session_id": session_id, "edit_hash": key} | _comment(comment)
            )
        elif comment != answer.comment:
            await connection.execute(
                update(FeedbackAnswer)
                .where(col(FeedbackAnswer.id) == answer_id)
                .values(**_comment(comment))
            )
        for dimension, value in json.loads(values).items():
            dimension_id = int(dimension)
            _count(changes[dimension_id], old.get(dimension_id), value)
            if dimension_id in old:
                await connection.execute(
                    update(FeedbackRating)
                    .where(
                        col(FeedbackRating.answer_id) == answer_id,
                        col(FeedbackRating.dimension_id) == dimension_id,
                    )
                    .values(value=value)
                )
            else:
                rating = {"answer_id": answer_id, "dimension_id": dimension_id, "value": value}
                ratings.append(rating)
    if answers:
        await connection.execute(insert(FeedbackAnswer), answers)
    if ratings:
        await connection.execute(insert(FeedbackRating), ratings)
    return changes


async def _ratings_of(answer_ids: list[str], db: AsyncSession) -> dict[str, dict[int, int]]:
    found: dict[str, dict[int, int]] = defaultdict(dict)
    if answer_ids:
        rows = await db.exec(
            select(FeedbackRating).where(col(FeedbackRating.answer_id).in_(answer_ids))
        )
        for rating in rows:
            found[rating.answer_id][rating.dimension_id] = rating.value
    return found


def _comment(comment: str) -> dict[str, str]:
    # A changed comment waits for review again.
    status = CommentStatus.PENDING if comment else CommentStatus.NONE
    return {"comment": comment, "comment_status": status}


def _count(change: Counter[str], old: int | None, new: int) -> None:
    change["count"] += 0 if old else 1
    change["total"] += new - (old or 0)
    change["total_sq"] += new * new - (old or 0) ** 2
    change[f"h{new}"] += 1
    if old:
        change[f"h{old}"] -= 1


async def _add_to_totals(
    db: AsyncSession, session_id: int, changes: dict[int, Counter[str]]
) -> None:
    """One summed update per criterion: the totals never move by one answer at a time."""
    connection = await db.connection()
    for dimension_id, change in sorted(changes.items()):
        statement = (
            insert_for(db, FeedbackAggregate)
            .values(session_id=session_id, dimension_id=dimension_id, **change)
            .on_conflict_do_update(
                index_elements=["session_id", "dimension_id"],
                set_={
                    name: getattr(FeedbackAggregate, name) + delta for name, delta in change.items()
                },
            )
        )
        await connection.execute(statement)


async def _erase_deleted(database: Database) -> None:
    """The mixed pending rows were written with their authors' receipts: deleted, they
    still sit in the files until overwritten. PostgreSQL keeps them in the table until it
    is vacuumed (which no transaction may do); SQLite zeroes them in the file
    (secure_delete, database.py) but its write-ahead log still holds the pages that had
    them until it is checkpointed and emptied."""
    if database.engine.dialect.name == "postgresql":
        statement = "VACUUM feedback_pending"
    else:
        statement = "PRAGMA wal_checkpoint(TRUNCATE)"
    async with database.engine.connect() as connection:
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        await autocommit.execute(text(statement))

"""The retention job: what each area declared it keeps for a time (`Holding.retention`, in
`community.areas.HOLDINGS`) is removed once that time is over, and each run is recorded.

A holding is enforced when its retention has a delay (`after`: rows whose `since` column is
older are removed) or a rule of its own (`removes`: the feedback receipts and reminders of
closed sessions, the live event log). Counters of sign-in attempts are not tables: Redis
forgets them by itself (community/throttle.py).

A run is one transaction: what it removed and the record of how much commit together, or
neither does. Two processes may run it at once (every process of the app schedules it): the
second waits for the first (`database.one_at_a_time`), then finds nothing left to remove.
"""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import areas  # the module: it imports the views, which import this
from community.database import Database, one_at_a_time
from community.models import RetentionRun, utcnow
from community.personal_data import Holding
from community.settings import Settings

log = logging.getLogger(__name__)

JOB = "ruche-retention"


def enforced() -> list[Holding]:
    return [holding for holding in areas.HOLDINGS if holding.retention.enforced]


async def run(database: Database, now: datetime, settings: Settings | None = None) -> RetentionRun:
    """Remove what is due at `now`; the run as recorded. A failed run removes nothing, is
    recorded with the type of its error, and raises it."""
    settings = settings or Settings()
    started = utcnow()
    try:
        async with database.session() as db:
            await one_at_a_time(db, JOB)
            removed = {h.name: await _remove_due(db, h, now, settings) for h in enforced()}
            record = RetentionRun(started_at=started, removed=json.dumps(removed))
            return await _recorded(db, record)
    except Exception as exc:
        async with database.session() as db:
            # The type only: a database error can quote a row, that is, someone's data.
            await _recorded(db, RetentionRun(started_at=started, failure=type(exc).__name__))
        raise


async def _remove_due(db: AsyncSession, holding: Holding, now: datetime, settings: Settings) -> int:
    retention = holding.retention
    if retention.removes is not None:
        return await retention.removes(db, now, settings)
    assert retention.after is not None
    table = holding.sql_table
    statement = delete(table).where(table.c[retention.since] < now - retention.after)
    result = await (await db.connection()).execute(statement)
    return result.rowcount or 0


async def _recorded(db: AsyncSession, record: RetentionRun) -> RetentionRun:
    record.finished_at = utcnow()
    db.add(record)
    await db.commit()
    return record


async def last_runs(db: AsyncSession, limit: int = 10) -> list[RetentionRun]:
    rows = await db.exec(
        select(RetentionRun).order_by(col(RetentionRun.started_at).desc()).limit(limit)
    )
    return list(rows)


class Schedule:
    """The job in this process: a run every `retention_every` seconds, the first one that
    long after start-up (a restart does not run it again at once)."""

    def __init__(self, database: Database, settings: Settings) -> None:
        self.database = database
        self.settings = settings
        self.every = timedelta(seconds=settings.retention_every)
        self.next_at = utcnow() + self.every

    async def keep_running(self) -> None:
        while True:
            await asyncio.sleep(max(0.0, (self.next_at - utcnow()).total_seconds()))
            self.next_at = utcnow() + self.every
            try:
                await run(self.database, utcnow(), self.settings)
            except Exception as exc:  # recorded by `run`; the next run tries again
                log.error("retention: a run failed (%s), retried at the next", type(exc).__name__)

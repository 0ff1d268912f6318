"""The worker that prepares the archives people ask for, in every process (app.py).

A worker claims the oldest waiting archive: on PostgreSQL with FOR UPDATE SKIP LOCKED, so
that two processes never take the same one; on SQLite under the single write lock. It marks
it running, with the time it took it, and builds it area by area, storing the progress after
each. An archive still running long after it was taken was left by a process that died: it
is taken again. Every write after the claim is made only while the claim is still this
worker's (same `started_at`), so an archive taken again is finished once. A failure marks it
failed and tells the person; nothing is dropped silently.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import i18n, notifications
from community.area import Area
from community.database import Database, hold_writes
from community.exports import OFFERED_FOR, Status, archive
from community.models import DataExport, User, utcnow

log = logging.getLogger(__name__)

# An archive of one person takes seconds; one running for this long lost its process.
STALLED = timedelta(minutes=5)
PAGE = "/profile/data"


@dataclass(frozen=True)
class Claim:
    export_id: str
    user_id: int
    locale: str
    started_at: datetime


async def build_next(database: Database, areas: Sequence[Area]) -> str | None:
    """Claim one archive waiting (or stalled) and build it; its id, or None if none waits."""
    claim = await _claim(database, utcnow())
    if claim is None:
        return None
    try:
        await _build(database, claim, areas)
    except Exception as exc:
        # The type only: a database error can quote a row, that is, what someone wrote.
        log.error("exports: archive %s failed (%s)", claim.export_id, type(exc).__name__)
        await _finish(database, claim, "export_failed", status=Status.FAILED, progress=0)
    return claim.export_id


async def build_all(database: Database, areas: Sequence[Area]) -> int:
    """Every archive waiting, one after the other; how many were taken."""
    built = 0
    while await build_next(database, areas):
        built += 1
    return built


async def keep_building(database: Database, areas: Sequence[Area], every: float) -> None:
    """For the life of the process: a look every `every` seconds for archives to build."""
    while True:
        try:
            await build_all(database, areas)
        except Exception as exc:  # the archive stays queued or running: taken again later
            log.error("exports: a round failed (%s), retried later", type(exc).__name__)
        await asyncio.sleep(every)


async def _claim(database: Database, now: datetime) -> Claim | None:
    waiting = or_(
        col(DataExport.status) == Status.QUEUED,
        and_(col(DataExport.status) == Status.RUNNING, col(DataExport.started_at) < now - STALLED),
    )
    query = (
        select(DataExport.id, DataExport.user_id, DataExport.locale)
        .where(waiting)
        .order_by(col(DataExport.created_at))
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    async with database.session() as db:
        await hold_writes(db)
        row = (await db.exec(query)).first()
        if row is None:
            return None
        claim = Claim(*row, started_at=now)
        await _set(db, claim, status=Status.RUNNING, progress=0, started_at=now, claimed=False)
        await db.commit()
    return claim


async def _build(database: Database, claim: Claim, areas: Sequence[Area]) -> None:
    with_rows = archive.with_rows(areas)
    parts: list[dict[str, Any]] = []
    with i18n.using(claim.locale):
        async with database.session() as db:
            for area in with_rows:
                parts.append(await archive.area_part(db, area, claim.user_id))
                # 100 is for when the archive is stored and offered.
                await _set(db, claim, progress=min(99, 100 * len(parts) // len(with_rows)))
                await db.commit()
            user = await db.get(User, claim.user_id)
            assert user is not None
        made = utcnow()
        files = {f"{part['area']}.json": archive.as_json(part) for part in parts}
        summary = archive.summary(user.display_name, made, parts, archive.not_linked(areas))
    content = archive.zipped({"index.html": summary, **files})
    offered = {"ready_at": made, "expires_at": made + OFFERED_FOR, "archive": content}
    await _finish(database, claim, "export_ready", status=Status.READY, progress=100, **offered)


async def _finish(database: Database, claim: Claim, kind: str, **values: Any) -> None:
    """Offer the archive (or say it failed), and tell the person; unless another worker has
    taken it since."""
    async with database.session() as db:
        if await _set(db, claim, **values):
            await notifications.notify(db, claim.user_id, kind, "", PAGE)
        await db.commit()


async def _set(db: AsyncSession, claim: Claim, *, claimed: bool = True, **values: Any) -> bool:
    """Write to the archive's row, while it is still this worker's (unless it is being
    claimed); whether it was."""
    query = update(DataExport).where(col(DataExport.id) == claim.export_id)
    if claimed:
        query = query.where(col(DataExport.started_at) == claim.started_at)
    connection = await db.connection()
    return (await connection.execute(query.values(**values))).rowcount == 1

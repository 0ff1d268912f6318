"""Download my data: a person asks for an archive of what Ruche holds about them, a worker
prepares it in the background (`job.py`, from the areas' declarations: `archive.py`), and it
is offered to them alone for a week."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy.orm import defer
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from community import permissions
from community.database import lock
from community.errors import Forbidden, NotFound
from community.i18n import _, current_locale
from community.models import DataExport, User, utcnow

OFFERED_FOR = timedelta(days=7)  # from ready to expired
SHOWN = 10  # the latest archives listed on the page


class Status(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    READY = "ready"
    FAILED = "failed"

    def label(self) -> str:
        return {
            Status.QUEUED: _("Waiting to be prepared"),
            Status.RUNNING: _("Being prepared"),
            Status.READY: _("Ready"),
            Status.FAILED: _("Could not be prepared"),
        }[self]


IN_PREPARATION = (Status.QUEUED, Status.RUNNING)


class Expired(Exception):
    """The archive was offered for download, and no longer is."""


def in_preparation(export: DataExport) -> bool:
    return export.status in IN_PREPARATION


def expired(export: DataExport, now: datetime | None = None) -> bool:
    return export.expires_at is not None and export.expires_at <= (now or utcnow())


async def ask(db: AsyncSession, user: User) -> DataExport:
    """Queue an archive of the person's data; the one in preparation, if there is one already.
    The person's row is locked first: two requests at once make one archive."""
    if not permissions.can_request_data_export(user) or user.id is None:
        raise Forbidden
    await lock(db, User, user.id)
    waiting = await db.exec(
        _listed(user.id).where(col(DataExport.status).in_(IN_PREPARATION)).limit(1)
    )
    export = waiting.first()
    if export is None:
        export = DataExport(
            id=secrets.token_hex(16), user_id=user.id, locale=user.locale or current_locale()
        )
        db.add(export)
        await db.flush()
    return export


async def archives_of(db: AsyncSession, user_id: int) -> list[DataExport]:
    """The person's latest archives, newest first, without their content."""
    return list(await db.exec(_listed(user_id).limit(SHOWN)))


async def downloadable(
    db: AsyncSession, user: User | None, export_id: str, now: datetime | None = None
) -> DataExport:
    """The archive, with its content, for its owner only; anyone else finds nothing there."""
    export = await db.get(DataExport, export_id)
    owns_it = export is not None and user is not None and export.user_id == user.id
    if export is None or not permissions.can_download_data_export(user, owns_it):
        raise NotFound
    if export.status != Status.READY or export.archive is None:
        raise NotFound
    if expired(export, now):
        raise Expired
    return export


def _listed(user_id: int) -> SelectOfScalar[DataExport]:
    return (
        select(DataExport)
        .options(defer(DataExport.archive))  # type: ignore[arg-type]
        .where(DataExport.user_id == user_id)
        .order_by(col(DataExport.created_at).desc())
    )

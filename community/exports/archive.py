"""The archive of a person's data, read from the areas' declarations (`Area.personal_data`):
one JSON file per area with the rows that name the person, only the columns each table
exports, and what they are, why they are kept, on what basis, for how long, for whom; and
`index.html`, the same in words. Nothing here names a table: a new area's holdings are in
the archive as soon as they are declared."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, Table, or_, select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel.ext.asyncio.session import AsyncSession

from community.area import Area
from community.i18n import current_locale
from community.personal_data import Holding, OnErase
from community.templating import environment

PEOPLE = "user"  # the table whose ids are people: never followed to a name


def linked(holding: Holding) -> bool:
    """Whether the holding's rows can be told to be this person's."""
    return bool(holding.person) and holding.on_erase != OnErase.NOT_LINKED


def with_rows(areas: Sequence[Area]) -> list[Area]:
    """The areas that hold rows naming people: one file each."""
    return [area for area in areas if any(linked(h) for h in area.personal_data)]


def not_linked(areas: Sequence[Area]) -> list[Holding]:
    """What Ruche holds that names nobody, and so cannot be in anyone's archive."""
    return [h for area in areas for h in area.personal_data if not linked(h)]


async def area_part(db: AsyncSession, area: Area, user_id: int) -> dict[str, Any]:
    """What the area holds about the person, described in the current language."""
    holdings = [h for h in area.personal_data if linked(h)]
    return {"area": area.name, "holdings": [await _holding(db, h, user_id) for h in holdings]}


async def _holding(db: AsyncSession, holding: Holding, user_id: int) -> dict[str, Any]:
    return {
        "table": holding.name,
        "what": holding.what(),
        "purpose": holding.purpose(),
        "basis": holding.basis.label(),
        "retention": holding.retention.describe(),
        "recipients": holding.recipients(),
        "rows": await _rows(db, holding, user_id),
    }


async def _rows(db: AsyncSession, holding: Holding, user_id: int) -> list[dict[str, Any]]:
    table = holding.sql_table
    columns: list[ColumnElement[Any]] = [table.c[name] for name in holding.exported]
    titles = (_title(table.c[name]) for name in holding.exported)
    columns += [title for title in titles if title is not None]
    if not columns:
        return []
    mine = or_(*(table.c[name] == user_id for name in holding.person))
    query = select(*columns).where(mine).order_by(*table.primary_key.columns)
    connection = await db.connection()
    return [dict(row._mapping) for row in await connection.execute(query)]


def _title(column: Column[Any]) -> ColumnElement[Any] | None:
    """The title (or name) of the object an exported id refers to, so that the person reads
    which project or group a row is about; never a person's name."""
    for key in column.foreign_keys:
        target = key.column.table
        if not isinstance(target, Table) or target.name == PEOPLE:
            continue
        named = target.c.get("title") if "title" in target.c else target.c.get("name")
        if named is not None:
            stem = column.name.removesuffix("_id")
            subquery = select(named).where(key.column == column).scalar_subquery()
            return subquery.label(f"{stem}_title")
    return None


def as_json(part: dict[str, Any]) -> bytes:
    return json.dumps(part, ensure_ascii=False, indent=2, default=_plain).encode()


def _plain(value: Any) -> str:
    """Dates and times as ISO 8601; anything else JSON lacks as text."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def summary(
    name: str, made: datetime, parts: Sequence[dict[str, Any]], unlinked: list[Holding]
) -> bytes:
    """`index.html`: the archive in words, standalone (no outside asset), in the current
    language."""
    template = environment.get_template("exports/archive_index.html")
    html = template.render(
        locale=current_locale(), name=name, made=made, parts=parts, unlinked=unlinked
    )
    return html.encode()


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()

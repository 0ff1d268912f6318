"""Models and migrations agree, migrations go both ways, and the app refuses an old schema."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, inspect
from sqlmodel import SQLModel

import community.models  # noqa: F401 - every table registered
from community import migrate
from community.app import create_app
from community.database import Database
from realtime import log as live_log

# The app's tables and the event log's, as the migrations see them.
EVERYTHING = MetaData()
for _metadata in (SQLModel.metadata, live_log.metadata):
    for _table in _metadata.tables.values():
        _table.to_metadata(EVERYTHING)


def _diff(sync_conn):  # type: ignore[no-untyped-def]
    context = MigrationContext.configure(sync_conn, opts={"compare_type": True})
    return compare_metadata(context, EVERYTHING)


def _tables(sync_conn) -> set[str]:  # type: ignore[no-untyped-def]
    return set(inspect(sync_conn).get_table_names()) - {"alembic_version"}


async def test_models_and_migrations_agree(database_url):
    db = Database(database_url)
    async with db.engine.connect() as conn:
        assert await conn.run_sync(_diff) == []
    await db.dispose()


async def test_upgrade_downgrade_upgrade(database_url):
    db = Database(database_url)
    async with db.engine.connect() as conn:
        assert await conn.run_sync(_tables) == set(EVERYTHING.tables)
    await db.dispose()
    migrate.downgrade(database_url, "base")
    async with db.engine.connect() as conn:
        assert await conn.run_sync(_tables) == set()
    await db.dispose()
    migrate.upgrade(database_url)
    async with db.engine.connect() as conn:
        assert await conn.run_sync(_tables) == set(EVERYTHING.tables)
        assert await conn.run_sync(_diff) == []
    await db.dispose()


async def test_the_app_refuses_to_serve_an_unmigrated_database(settings, database_url):
    migrate.downgrade(database_url, "base")
    app = create_app(settings)
    with pytest.raises(migrate.NotMigrated, match="ruche migrate"):
        async with app.router.lifespan_context(app):
            pass

"""Alembic environment: async engines, batch mode on SQLite, every model imported."""

import asyncio

from alembic import context
from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel import SQLModel

import community.models  # noqa: F401 - autogenerate must see every table
from realtime import log as live_log

target_metadata = [SQLModel.metadata, live_log.metadata]


def _configure(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run() -> None:
    engine = create_async_engine(context.config.get_main_option("sqlalchemy.url"))
    async with engine.connect() as connection:
        await connection.run_sync(_configure)
    await engine.dispose()


def _run_in_thread() -> None:
    # Alembic may be called from inside a running event loop (the tests, the app's
    # CLI): run our own loop in a thread so both cases work.
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(_run())
        return
    import threading

    errors: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(_run())
        except BaseException as exc:  # re-raised in the caller's thread
            errors.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]


_run_in_thread()

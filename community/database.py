"""The async engine and sessions, tuned per backend."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from sqlalchemy import event, inspect, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel import Session, SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers go on while the single writer writes; busy_timeout makes a
    # second writer wait instead of failing at once.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Deleted rows are overwritten with zeros, not left in free pages: a pending answer
    # (feedback/mixer.py) must not outlive its mixing in a copy of the file.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def _begin(conn: Any, statement: str) -> None:
    """Open the SQLite transaction with `statement`, unless the driver opened one already."""
    if not conn.connection.dbapi_connection.driver_connection.in_transaction:
        conn.exec_driver_sql(statement)


def _sqlite_savepoint(conn: Any, _name: str) -> None:
    """The driver opens a transaction only before a write; a SAVEPOINT sent first would open
    one of its own, and releasing the savepoint would commit its rows for good."""
    _begin(conn, "BEGIN")


def make_engine(url: str) -> AsyncEngine:
    # What people wrote never reaches a log or a traceback through a failed statement.
    if url.startswith("sqlite"):
        engine = create_async_engine(url, hide_parameters=True)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "savepoint", _sqlite_savepoint)
        return engine
    return create_async_engine(
        url, pool_size=10, max_overflow=10, pool_pre_ping=True, hide_parameters=True
    )


class Database:
    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        # A class of its own, so that commit hooks (live events) apply to this database only.
        self.sync_session_class: type[Session] = type("AppSession", (Session,), {})
        self.sessionmaker = async_sessionmaker(
            self.engine,
            class_=AsyncSession,
            expire_on_commit=False,
            sync_session_class=self.sync_session_class,
        )
        # Told what each session noted (Session.info) once it is over, committed or not.
        self.on_close: Callable[[dict[str, Any]], Awaitable[None]] | None = None

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self.sessionmaker() as session:
            try:
                yield session
            finally:
                if self.on_close is not None and session.info:
                    await self.on_close(session.info)

    async def ping(self) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()


def insert_for(db: AsyncSession, model: type[SQLModel]) -> postgresql.Insert | sqlite.Insert:
    """An INSERT that may add ON CONFLICT, in the dialect of the session's database."""
    dialect = db.bind.dialect.name if db.bind else "sqlite"
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


async def insert_once(db: AsyncSession, model: type[SQLModel], **values: Any) -> bool:
    """Write the row unless its unique key is taken; True when this one was written. Two
    requests racing for the key are settled by the database, and the transaction goes on."""
    key = inspect(model).primary_key
    statement = insert_for(db, model).values(**values).on_conflict_do_nothing().returning(*key)
    connection = await db.connection()
    return (await connection.execute(statement)).first() is not None


Row = TypeVar("Row", bound=SQLModel)


async def lock(db: AsyncSession, model: type[Row], row_id: Any) -> Row | None:
    """The row, fresh, and held until the transaction ends: of two requests that check a rule
    on it (places left, a status) then write, the second waits and checks what the first
    wrote. A row lock on PostgreSQL (`FOR NO KEY UPDATE`, so rows that merely refer to it are
    not held up); SQLite's single write lock, taken before the reads."""
    if await hold_writes(db):
        return await db.get(model, row_id, populate_existing=True)
    return await db.get(model, row_id, with_for_update={"key_share": True}, populate_existing=True)


async def one_at_a_time(db: AsyncSession, job: str) -> None:
    """Held until the transaction ends: of two processes running `job` at once, the second
    waits for the first to commit, then finds what it left. A transaction-level advisory
    lock on PostgreSQL (keyed by the job's name); SQLite's single write lock."""
    if not await hold_writes(db):
        statement = text("SELECT pg_advisory_xact_lock(hashtext(:job))")
        await (await db.connection()).execute(statement, {"job": job})


async def hold_writes(db: AsyncSession) -> bool:
    """On SQLite, take the single write lock now, before the reads a check makes: a deferred
    transaction would read, let another writer commit, then write on what it read. True on
    SQLite; elsewhere nothing is taken (lock rows there)."""
    connection = await db.connection()
    if connection.dialect.name != "sqlite":
        return False
    await connection.run_sync(_begin, "BEGIN IMMEDIATE")
    return True

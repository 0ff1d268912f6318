"""Where uploaded files are kept: a directory on disk by default, behind a small interface
so that an S3-compatible store can take its place when one disk is no longer enough.

Keys are random (`new_key`), never taken from what a person sent. A file written in a
transaction is removed again if the transaction does not commit; a file a transaction
discards is removed only once it commits."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction
from sqlmodel.ext.asyncio.session import AsyncSession

from community.parsing import TokenConvertor

KEY = re.compile(TokenConvertor.regex)


class Storage(Protocol):
    """Files by key. Calls are short and blocking (a local disk, or an HTTP client)."""

    def put(self, key: str, content: bytes) -> None: ...

    def get(self, key: str) -> bytes | None:
        """The file, or None when there is none under this key."""
        ...

    def delete(self, key: str) -> None:
        """Remove the file; nothing happens when there is none."""
        ...


def new_key() -> str:
    """A key nobody can guess, that fits `{name:token}` in an address."""
    return secrets.token_hex(16)


class DiskStorage:
    """Files in a directory, created when the first one is written."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        # Keys are ours, but a path is built from them: only the shape we make is accepted.
        if not KEY.fullmatch(key):
            raise ValueError("not a storage key")
        return self.root / key[:2] / key

    def put(self, key: str, content: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".part")
        partial.write_bytes(content)
        partial.replace(path)  # never a half-written file under the key

    def get(self, key: str) -> bytes | None:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            return None

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


def put_in(db: AsyncSession, storage: Storage, key: str, content: bytes) -> None:
    """Write a file that a row of this transaction points to: removed if it rolls back."""
    storage.put(key, content)
    _after(db, rolled_back=lambda: storage.delete(key))


def delete_in(db: AsyncSession, storage: Storage, key: str) -> None:
    """Remove a file once this transaction, which forgets its row, has committed."""
    _after(db, committed=lambda: storage.delete(key))


def _after(
    db: AsyncSession,
    committed: Callable[[], None] | None = None,
    rolled_back: Callable[[], None] | None = None,
) -> None:
    """Run one of these once the session's transaction is over, depending on its outcome.
    Its end is what counts: a transaction closed without a rollback (an error, then the
    session closed) did not commit either; a savepoint's end is not the transaction's."""
    session = db.sync_session
    if not session.in_transaction():
        session.begin()
    outer = session.get_transaction()
    done = False

    def on_commit(_session: Session) -> None:
        nonlocal done
        if not done and committed is not None:
            committed()
        done = True

    def on_end(_session: Session, transaction: SessionTransaction) -> None:
        nonlocal done
        if transaction is outer and not done:
            done = True
            if rolled_back is not None:
                rolled_back()

    event.listen(session, "after_commit", on_commit, once=True)
    event.listen(session, "after_transaction_end", on_end)

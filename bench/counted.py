"""The app as `community.app:app` serves it, with every SQL statement its processes run
counted, for bench/live.py: `uvicorn bench.counted:app` with BENCH_STATEMENTS naming a file.

Each statement appends one byte to that file, the first letter of its verb (S for SELECT,
I for INSERT…): the file's size is the count across every worker, and its letters say which
kind. O_APPEND makes the workers' one-byte writes safe together, and costs a system call
(about a microsecond) per statement.
"""

from __future__ import annotations

import os
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from community.app import app

__all__ = ["app"]

_LOG = os.open(os.environ["BENCH_STATEMENTS"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)


@event.listens_for(Engine, "before_cursor_execute")
def _count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
    verb = statement.lstrip()[:1].upper() or "?"
    os.write(_LOG, verb.encode("ascii", "replace"))

"""Results files that several benchmarks share: each merges its own keys, none overwrites."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


def merge(path: Path, figures: dict[str, Any]) -> dict[str, Any]:
    """Write `figures` into the JSON object at `path`, keeping every other key there.

    The file is replaced in one rename, so a benchmark stopped midway leaves the old file
    whole rather than half written."""
    current = json.loads(path.read_text()) if path.exists() else {}
    current.update(figures)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, suffix=".tmp") as out:
        out.write(json.dumps(current, indent=2, ensure_ascii=False) + "\n")
    os.replace(out.name, path)
    return current

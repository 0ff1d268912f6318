"""Events whose content differs by audience (a language, a role), not by reader.

The app renders such an event once per audience and logs one event; the hub hands each socket
the variant of the audience it was authorised with on that channel. An audience the event has
no variant for gets a `resync` instead (its page fetches the region again): late, never lost.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

# No rendered fragment starts with the ASCII record separator.
MARKER = "\x1e"


def variants(by_audience: Mapping[str, str]) -> str:
    """The content of one event, one variant per audience. Audiences that see the same thing
    (roles without a control in the region) share one copy in the log and on the broker."""
    distinct: dict[str, int] = {}
    of = {
        audience: distinct.setdefault(html, len(distinct)) for audience, html in by_audience.items()
    }
    return MARKER + json.dumps({"html": list(distinct), "of": of}, ensure_ascii=False)


def has_variants(content: str) -> bool:
    return content.startswith(MARKER)


def pick(content: str, audience: str) -> str | None:
    """What this audience is sent; None when the event has no variant for it."""
    if not has_variants(content):
        return content
    encoded = json.loads(content[len(MARKER) :])
    index = encoded["of"].get(audience)
    return None if index is None else encoded["html"][index]

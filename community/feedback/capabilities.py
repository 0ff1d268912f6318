"""The edit tokens a browser holds, in one value signed for the person they belong to.

An edit token is the only way back to an answer, and only its author's browser has it. On a
shared computer the next person must neither see nor overwrite that answer: a value signed
for someone else, or altered, reads as holding nothing, and answering replaces it.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
from dataclasses import dataclass, field
from datetime import datetime

from community.security import signature

COOKIE = "ruche_feedback"
_PURPOSE = "feedback-edit-tokens:"


@dataclass(frozen=True)
class Capabilities:
    user_id: int
    # session id -> (edit token, when it lapses in seconds since the epoch)
    tokens: dict[int, tuple[str, int]] = field(default_factory=dict)

    def token_for(self, session_id: int) -> str | None:
        held = self.tokens.get(session_id)
        return held[0] if held else None

    def holding(self, session_id: int, token: str, lapses: datetime) -> Capabilities:
        """These, with one more token; those whose window has closed are dropped."""
        now = datetime.now(lapses.tzinfo).timestamp()
        kept = {sid: held for sid, held in self.tokens.items() if held[1] > now}
        return Capabilities(self.user_id, kept | {session_id: (token, int(lapses.timestamp()))})

    def max_age(self, now: datetime) -> int:
        latest = max((held[1] for held in self.tokens.values()), default=0)
        return max(int(latest - now.timestamp()), 60)


def read(value: str | None, secret: str, user_id: int) -> Capabilities:
    """The tokens this browser holds for this person: none if signed for anyone else."""
    empty = Capabilities(user_id)
    payload, _dot, mac = (value or "").rpartition(".")
    if not payload or not hmac.compare_digest(mac, signature(secret, payload, _PURPOSE)):
        return empty
    try:
        data = json.loads(base64.urlsafe_b64decode(payload))
    except (binascii.Error, ValueError):
        return empty
    if data.get("u") != user_id:
        return empty
    tokens = {int(sid): (str(held[0]), int(held[1])) for sid, held in data["t"].items()}
    return Capabilities(user_id, tokens)


def write(capabilities: Capabilities, secret: str) -> str:
    data = {"u": capabilities.user_id, "t": capabilities.tokens}
    payload = base64.urlsafe_b64encode(json.dumps(data).encode()).decode()
    return f"{payload}.{signature(secret, payload, _PURPOSE)}"

"""A learner's compass follows new evidence live: its page fetches its own view again."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel.ext.asyncio.session import AsyncSession

import realtime
from community.templating import refetch_nudge


def channel(user_id: int) -> str:
    return f"boussole:{user_id}"


def region(user_id: int) -> str:
    return f"boussole-{user_id}"


async def evidence_changed(db: AsyncSession, people: Iterable[int]) -> None:
    """The compass is one person's own view (their cards, their evidence): each open page of
    it fetches it again, rendered once for that person, after the write commits."""
    for person in set(people):
        await realtime.append(db, channel(person), refetch_nudge(region(person), "/boussole"))

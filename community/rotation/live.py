"""What the rotation's pages follow live. Each reader's view of a departure differs (a
company sees a candidate's address only once both accepted, a coordinator sees the ranked
pool), so an event is a nudge that makes each open page fetch its own view again."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

import realtime
from community.templating import refetch_nudge


def departure_channel(departure_id: int) -> str:
    return f"rotation:{departure_id}"


def board_channel(provider_id: int) -> str:
    return f"rotationboard:{provider_id}"


def own_channel(user_id: int) -> str:
    return f"rotationme:{user_id}"


async def changed(db: AsyncSession, departure_id: int, provider_id: int, candidate_id: int) -> None:
    """A proposal was made or decided: the departure's page, the coordinators' board and
    the candidate's own page each fetch their region again."""
    nudges = (
        (
            departure_channel(departure_id),
            f"rotation-{departure_id}",
            f"/relais/departures/{departure_id}",
        ),
        (board_channel(provider_id), f"rotation-board-{provider_id}", "/relais"),
        (own_channel(candidate_id), f"rotation-me-{candidate_id}", "/relais"),
    )
    for channel, region, url in nudges:
        await realtime.append(db, channel, refetch_nudge(region, url))

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
    await departure_changed(db, departure_id, provider_id)
    own = own_channel(candidate_id)
    await realtime.append(db, own, refetch_nudge(f"rotation-me-{candidate_id}", "/relais"))


async def departure_changed(db: AsyncSession, departure_id: int, provider_id: int) -> None:
    """The checklist, the readiness or an outcome of a departure changed: its page and the
    coordinators' board fetch their region again (no candidate's page shows these)."""
    nudges = (
        (
            departure_channel(departure_id),
            f"rotation-{departure_id}",
            f"/relais/departures/{departure_id}",
        ),
        # The provider named: a regional coordinator's board is one of several.
        (
            board_channel(provider_id),
            f"rotation-board-{provider_id}",
            f"/relais?provider={provider_id}",
        ),
    )
    for channel, region, url in nudges:
        await realtime.append(db, channel, refetch_nudge(region, url))

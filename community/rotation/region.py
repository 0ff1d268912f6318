"""The providers whose rotation a person runs: their own for a provider's staff, each provider
of their region for a regional coordinator (appointed by an admin), none for anyone else."""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import parsing, permissions
from community.errors import NotFound
from community.models import Provider, RegionCoordinator, Role, User


async def region_of(db: AsyncSession, user: User) -> frozenset[int]:
    """The providers of a regional coordinator's region; empty for anyone else."""
    if user.role != Role.COORDINATOR:
        return frozenset()
    query = select(RegionCoordinator.provider_id).where(RegionCoordinator.user_id == user.id)
    return frozenset(await db.exec(query))


async def coordinated(db: AsyncSession, user: User) -> list[Provider]:
    """Every provider whose rotation this person runs, by name."""
    region = await region_of(db, user)
    own = user.provider_id
    ids = {own} if own is not None and permissions.can_coordinate_rotation(user, own) else region
    if not ids:
        return []
    query = select(Provider).where(col(Provider.id).in_(ids)).order_by(col(Provider.name))
    return list(await db.exec(query))


def chosen(providers: list[Provider], asked: str | None) -> Provider | None:
    """Of the providers a person runs (`coordinated`), the one whose rotation the page shows:
    the one asked for (any other is not there), or the first; None when they run none."""
    if asked is None or asked == "":
        return providers[0] if providers else None
    wanted = parsing.ident(asked)
    found = next((p for p in providers if p.id == wanted), None)
    if found is None:
        raise NotFound
    return found

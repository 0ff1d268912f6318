"""Which skills come before which, for the compass: the skill map's prerequisite links."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from community.models import LinkKind
from community.skill_map.links import provider_links


async def prerequisites(db: AsyncSession, provider_id: int) -> dict[int, set[int]]:
    """skill id -> the ids of the skills it requires, for one provider's catalogue."""
    found: dict[int, set[int]] = {}
    for link in await provider_links(db, provider_id):
        if link.kind == LinkKind.PREREQUISITE:
            found.setdefault(link.to_skill_id, set()).add(link.from_skill_id)
    return found

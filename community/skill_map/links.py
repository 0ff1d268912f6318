"""Links between skills: a prerequisite (one before the other) or related; no prerequisite
cycle, one link of a kind per pair, held by the database."""

from __future__ import annotations

from collections.abc import Mapping

import networkx as nx
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import forms, parsing, permissions
from community.database import insert_once, lock
from community.errors import NotFound
from community.i18n import _
from community.models import LinkKind, LinkOrigin, Provider, Skill, SkillLink, User, utcnow
from community.skill_map.common import mapped_provider, provider_skill, provider_skills


async def provider_links(db: AsyncSession, provider_id: int) -> list[SkillLink]:
    """Every link between the provider's skills (both ends are its own: checked when made)."""
    query = (
        select(SkillLink)
        .join(Skill, col(Skill.id) == SkillLink.from_skill_id)
        .where(Skill.provider_id == provider_id)
        .order_by(col(SkillLink.id))
    )
    return list(await db.exec(query))


def prerequisite_cycle(links: list[SkillLink], names: Mapping[int, str], new: SkillLink) -> str:
    """The cycle the new prerequisite would close, as "SQL -> Git -> SQL"; empty if none."""
    if new.from_skill_id == new.to_skill_id:
        path = [new.from_skill_id, new.to_skill_id]
    else:
        graph = nx.DiGraph()
        graph.add_edges_from(
            (link.from_skill_id, link.to_skill_id)
            for link in links
            if link.kind == LinkKind.PREREQUISITE
        )
        if not graph.has_node(new.to_skill_id) or not graph.has_node(new.from_skill_id):
            return ""
        try:
            back = nx.shortest_path(graph, new.to_skill_id, new.from_skill_id)
        except nx.NetworkXNoPath:
            return ""
        path = [new.from_skill_id, *back]
    return " -> ".join(names[skill_id] for skill_id in path)


async def add_link(db: AsyncSession, user: User, data: Mapping[str, str]) -> bool:
    """A trainer's link, or a suggestion accepted; True when it was not there yet."""
    provider_id = mapped_provider(user, permissions.can_link_skills)
    kind = parsing.choice(data.get("kind"), LinkKind)
    if kind is None:
        raise forms.FormError({"kind": _("Choose one of the options.")}, data)
    first = await provider_skill(db, provider_id, data, "from_skill_id")
    second = await provider_skill(db, provider_id, data, "to_skill_id")
    if kind == LinkKind.RELATED and (first.id or 0) > (second.id or 0):
        first, second = second, first  # one row for a pair, whichever way it was typed
    link = SkillLink(from_skill_id=first.id or 0, to_skill_id=second.id or 0, kind=kind)
    # Links of one provider are made one at a time: two prerequisites typed at the same
    # moment cannot close a cycle that neither saw.
    await lock(db, Provider, provider_id)
    await _refuse_cycle(db, provider_id, link, data)
    suggested = data.get("origin") == LinkOrigin.SUGGESTED
    origin = LinkOrigin.SUGGESTED if suggested else LinkOrigin.TRAINER
    return await insert_once(
        db,
        SkillLink,
        from_skill_id=link.from_skill_id,
        to_skill_id=link.to_skill_id,
        kind=kind,
        origin=origin,
        created_by=user.id,
        created_at=utcnow(),
    )


async def _refuse_cycle(
    db: AsyncSession, provider_id: int, link: SkillLink, data: Mapping[str, str]
) -> None:
    if link.from_skill_id == link.to_skill_id and link.kind == LinkKind.RELATED:
        raise forms.FormError({"to_skill_id": _("A skill is not related to itself.")}, data)
    if link.kind != LinkKind.PREREQUISITE:
        return
    names = {skill.id or 0: skill.name for skill in await provider_skills(db, provider_id)}
    cycle = prerequisite_cycle(await provider_links(db, provider_id), names, link)
    if cycle:
        message = _("This prerequisite would make a cycle: %(cycle)s.") % {"cycle": cycle}
        raise forms.FormError({"to_skill_id": message}, data)


async def remove_link(db: AsyncSession, user: User, link_id: int) -> None:
    provider_id = mapped_provider(user, permissions.can_unlink_skills)
    link = await db.get(SkillLink, link_id)
    skill = await db.get(Skill, link.from_skill_id) if link else None
    if link is None or skill is None or skill.provider_id != provider_id:
        raise NotFound
    await db.delete(link)


def linked_pairs(links: list[SkillLink]) -> set[frozenset[int]]:
    """Pairs already linked, in any kind and direction."""
    return {frozenset((link.from_skill_id, link.to_skill_id)) for link in links}

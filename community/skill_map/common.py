"""What every write of the map starts with: whose map it is, and the skills a form names."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import forms, parsing
from community.errors import NotFound
from community.i18n import _
from community.models import Skill, User


def mapped_provider(user: User, rule: Callable[[User, int], bool]) -> int:
    """The provider whose map this user draws; to others, the map is not there."""
    provider_id = user.provider_id
    if provider_id is None or not rule(user, provider_id):
        raise NotFound
    return provider_id


def chosen_id(data: Mapping[str, str], name: str) -> int:
    """An id a form's list gives; none chosen or unreadable is said next to the list."""
    ident = parsing.ident(data.get(name))
    if ident is None:
        raise forms.FormError({name: _("Choose one of the options.")}, data)
    return ident


async def provider_skill(
    db: AsyncSession, provider_id: int, data: Mapping[str, str], name: str
) -> Skill:
    """A skill of the provider's catalogue; another provider's is not there (404)."""
    skill = await db.get(Skill, chosen_id(data, name))
    if skill is None or skill.provider_id != provider_id or not skill.approved:
        raise NotFound
    return skill


async def provider_skills(db: AsyncSession, provider_id: int) -> list[Skill]:
    query = (
        select(Skill)
        .where(Skill.provider_id == provider_id, col(Skill.approved))
        .order_by(col(Skill.name))
    )
    return list(await db.exec(query))

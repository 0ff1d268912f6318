"""Skills: each provider's catalogue, kept by its curators, and what learners offer or want."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import forms, parsing, permissions
from community.errors import Forbidden, NotFound
from community.i18n import _
from community.models import LearnerSkill, Skill, User
from community.pathways.live import evidence_changed
from community.tutoring.choices import Level, MarkKind, allowed
from community.tutoring.peers import provider_ids

NAME = forms.Text("name", max_length=60)


async def catalogue(db: AsyncSession, providers: set[int], approved: bool = True) -> list[Skill]:
    query = (
        select(Skill)
        .where(col(Skill.provider_id).in_(list(providers)), Skill.approved == approved)
        .order_by(col(Skill.name))
    )
    return list(await db.exec(query))


async def skills_of(db: AsyncSession, user: User) -> list[tuple[LearnerSkill, Skill]]:
    rows = await db.exec(
        select(LearnerSkill, Skill)
        .join(Skill, col(Skill.id) == LearnerSkill.skill_id)
        .where(LearnerSkill.user_id == user.id)
        .order_by(col(Skill.name))
    )
    return list(rows)


@dataclass(frozen=True)
class MySkills:
    marks: list[tuple[LearnerSkill, Skill]]
    catalogue: list[Skill]


async def my_skills(db: AsyncSession, user: User) -> MySkills:
    """A learner's page of skills: theirs, and the catalogues they may choose from."""
    if not permissions.can_mark_skills(user):
        raise NotFound
    available = await catalogue(db, await provider_ids(db, user))
    return MySkills(await skills_of(db, user), available)


async def approved_skill(db: AsyncSession, user: User, raw: str | None) -> Skill:
    """The skill a form names, if it is in the catalogue of one of the user's providers."""
    if not (raw or "").strip():
        raise forms.FormError({"skill_id": _("Choose a skill.")})
    skill_id = parsing.ident(raw)
    skill = await db.get(Skill, skill_id) if skill_id else None
    if skill is None or not skill.approved or skill.provider_id not in await provider_ids(db, user):
        raise forms.FormError({"skill_id": _("Choose one of the options.")})
    return skill


async def mark_skill(db: AsyncSession, user: User, data: dict[str, str]) -> None:
    """I can help with it (at a level), or I want to learn it; marking again updates it."""
    if not permissions.can_mark_skills(user):
        raise Forbidden
    skill = await approved_skill(db, user, data.get("skill_id"))
    kind = data.get("kind", "")
    level = data.get("level", str(Level.GETTING_THERE))
    if kind not in allowed(MarkKind) or level not in allowed(Level):
        raise forms.FormError({"skill_id": _("Choose one of the options.")}, data)
    mark = (
        await db.exec(
            select(LearnerSkill).where(
                LearnerSkill.user_id == user.id,
                LearnerSkill.skill_id == skill.id,
                LearnerSkill.kind == kind,
            )
        )
    ).first() or LearnerSkill(user_id=user.id or 0, skill_id=skill.id or 0, kind=kind)
    mark.level = int(level)
    db.add(mark)
    await evidence_changed(db, [user.id or 0])


async def unmark_skill(db: AsyncSession, user: User, mark_id: int) -> None:
    if not permissions.can_mark_skills(user):
        raise Forbidden
    mark = await db.get(LearnerSkill, mark_id)
    if mark is None or mark.user_id != user.id:
        raise NotFound
    await db.delete(mark)
    await evidence_changed(db, [user.id or 0])


async def suggest_skill(db: AsyncSession, user: User, data: dict[str, str]) -> Skill:
    """A learner proposes a skill; the provider's staff or trainers add it to the catalogue."""
    providers = sorted(await provider_ids(db, user))
    if not permissions.can_suggest_skill(user, enrolled=bool(providers)):
        raise Forbidden
    name = forms.parse(data, NAME)["name"]
    skill = Skill(provider_id=providers[0], name=name, approved=False, suggested_by=user.id)
    return await _added(db, skill, data)


def _curated_provider(user: User) -> int:
    """The provider whose catalogue this user keeps; to others, the catalogue is not there."""
    provider_id = user.provider_id
    if provider_id is None or not permissions.can_curate_skills(user, provider_id):
        raise NotFound
    return provider_id


@dataclass(frozen=True)
class Catalogue:
    approved: list[Skill]
    suggested: list[Skill]


async def curated_catalogue(db: AsyncSession, user: User) -> Catalogue:
    providers = {_curated_provider(user)}
    return Catalogue(await catalogue(db, providers), await catalogue(db, providers, approved=False))


async def add_skill(db: AsyncSession, user: User, data: dict[str, str]) -> Skill:
    provider_id = _curated_provider(user)
    name = forms.parse(data, NAME)["name"]
    return await _added(db, Skill(provider_id=provider_id, name=name), data)


async def curate(db: AsyncSession, user: User, skill_id: int, approve: bool) -> None:
    """A learner's suggestion joins the catalogue, or is declined and forgotten."""
    skill = await db.get(Skill, skill_id)
    if skill is None or skill.approved or skill.provider_id != _curated_provider(user):
        raise NotFound
    if approve:
        skill.approved = True
        db.add(skill)
    else:
        await db.delete(skill)


async def _added(db: AsyncSession, skill: Skill, data: Mapping[str, str]) -> Skill:
    # A savepoint: a name taken at the same moment leaves the caller's transaction usable.
    try:
        async with db.begin_nested():
            db.add(skill)
    except IntegrityError:
        raise forms.FormError(
            {"name": _("This skill is already in the catalogue.")}, data
        ) from None
    return skill

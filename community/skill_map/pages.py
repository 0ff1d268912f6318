"""The trainer's map: skills grouped by target job, with what each requires, the links, what
trainings cover, and the links worth making."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import permissions
from community.models import (
    LinkKind,
    Skill,
    SkillLink,
    TargetJob,
    TargetJobSkill,
    Training,
    TrainingSkill,
    User,
)
from community.skill_map.common import mapped_provider, provider_skills
from community.skill_map.links import provider_links
from community.skill_map.suggestions import Suggestion, suggestions


@dataclass(frozen=True)
class MapSkill:
    skill: Skill
    requires: list[Skill]


@dataclass(frozen=True)
class JobGroup:
    job: TargetJob | None  # None: the skills of no job, "Others"
    skills: list[MapSkill]


@dataclass(frozen=True)
class ShownLink:
    link: SkillLink
    first: Skill
    second: Skill


@dataclass(frozen=True)
class MapPage:
    groups: list[JobGroup]
    skills: list[Skill]
    jobs: list[TargetJob]
    links: list[ShownLink]
    trainings: list[tuple[Training, list[Skill]]]
    suggestions: list[Suggestion]


def requirements(links: list[SkillLink], by_id: dict[int, Skill]) -> dict[int, list[Skill]]:
    """For each skill, the skills it requires, by name."""
    requires: dict[int, list[Skill]] = defaultdict(list)
    for link in links:
        if link.kind == LinkKind.PREREQUISITE and link.from_skill_id in by_id:
            requires[link.to_skill_id].append(by_id[link.from_skill_id])
    for skills in requires.values():
        skills.sort(key=lambda s: s.name.casefold())
    return requires


async def provider_jobs(db: AsyncSession, providers: set[int]) -> list[TargetJob]:
    query = (
        select(TargetJob)
        .where(col(TargetJob.provider_id).in_(list(providers)))
        .order_by(col(TargetJob.title))
    )
    return list(await db.exec(query))


async def job_skill_ids(db: AsyncSession, job_ids: list[int]) -> dict[int, set[int]]:
    rows = await db.exec(
        select(TargetJobSkill.job_id, TargetJobSkill.skill_id).where(
            col(TargetJobSkill.job_id).in_(job_ids)
        )
    )
    found: dict[int, set[int]] = defaultdict(set)
    for job_id, skill_id in rows:
        found[job_id].add(skill_id)
    return found


async def covering_trainings(
    db: AsyncSession, provider_id: int, skills: dict[int, Skill]
) -> list[tuple[Training, list[Skill]]]:
    """The provider's trainings that cover some of these skills, and which."""
    rows = await db.exec(
        select(Training, TrainingSkill.skill_id)
        .join(TrainingSkill, col(TrainingSkill.training_id) == Training.id)
        .where(Training.provider_id == provider_id, col(TrainingSkill.skill_id).in_(list(skills)))
        .order_by(col(Training.title))
    )
    covered: dict[int, tuple[Training, list[Skill]]] = {}
    for training, skill_id in rows:
        covered.setdefault(training.id or 0, (training, []))[1].append(skills[skill_id])
    return list(covered.values())


def _groups(
    skills: list[Skill], jobs: list[TargetJob], in_job: dict[int, set[int]], requires: dict
) -> list[JobGroup]:
    def shown(keep: set[int]) -> list[MapSkill]:
        return [MapSkill(s, requires.get(s.id, [])) for s in skills if s.id in keep]

    groups = [JobGroup(job, shown(in_job.get(job.id or 0, set()))) for job in jobs]
    placed = set().union(*in_job.values()) if in_job else set()
    others = {s.id or 0 for s in skills} - placed
    return [*groups, JobGroup(None, shown(others))] if others else groups


async def map_page(db: AsyncSession, user: User) -> MapPage:
    provider_id = mapped_provider(user, permissions.can_view_skill_map)
    skills = await provider_skills(db, provider_id)
    by_id = {skill.id or 0: skill for skill in skills}
    jobs = await provider_jobs(db, {provider_id})
    links = await provider_links(db, provider_id)
    in_job = await job_skill_ids(db, [job.id or 0 for job in jobs])
    query = select(Training).where(Training.provider_id == provider_id)
    trainings = list(await db.exec(query.order_by(col(Training.title))))
    covered = {t.id: found for t, found in await covering_trainings(db, provider_id, by_id)}
    return MapPage(
        groups=_groups(skills, jobs, in_job, requirements(links, by_id)),
        skills=skills,
        jobs=jobs,
        links=_shown(links, by_id),
        trainings=[(t, covered.get(t.id, [])) for t in trainings],
        suggestions=await suggestions(db, skills, links),
    )


def _shown(links: list[SkillLink], by_id: dict[int, Skill]) -> list[ShownLink]:
    pairs = ((link, link.from_skill_id, link.to_skill_id) for link in links)
    return [
        ShownLink(link, by_id[first], by_id[second])
        for link, first, second in pairs
        if first in by_id and second in by_id
    ]

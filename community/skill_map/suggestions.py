"""Links worth making: pairs of skills that come together, in the same project (its skills
text, its roles) or in the same learner's wants and requests for help."""

from __future__ import annotations

import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community.models import (
    HelpRequest,
    Iteration,
    LearnerSkill,
    Project,
    ProjectRole,
    Skill,
    SkillLink,
    Training,
)
from community.skill_map.links import linked_pairs
from community.tutoring.choices import MarkKind

AT_LEAST = 2  # co-occurrences before a pair is suggested: once may be chance
SHOWN = 10
SEPARATORS = re.compile(r"[,;/\n]")


@dataclass(frozen=True)
class Suggestion:
    first: Skill
    second: Skill
    count: int


def _by_name(skill: Skill) -> str:
    return skill.name.casefold()


def _suggestion(one: Skill, other: Skill, count: int) -> Suggestion:
    first, second = sorted((one, other), key=_by_name)
    return Suggestion(first, second, count)


def _names_in(text: str, ids: dict[str, int]) -> set[int]:
    """The catalogue's skills a free text names, as "HTML, CSS / Git" does."""
    parts = (part.strip().casefold() for part in SEPARATORS.split(text))
    return {ids[part] for part in parts if part in ids}


async def _project_sets(db: AsyncSession, provider_id: int, ids: dict[str, int]) -> list[set[int]]:
    projects = await db.exec(
        select(Project.id, Project.skills)
        .join(Iteration, col(Iteration.id) == Project.iteration_id)
        .join(Training, col(Training.id) == Iteration.training_id)
        .where(Training.provider_id == provider_id)
    )
    sets = {project_id: _names_in(text, ids) for project_id, text in projects}
    roles = await db.exec(
        select(ProjectRole.project_id, ProjectRole.name).where(
            col(ProjectRole.project_id).in_(list(sets))
        )
    )
    for project_id, name in roles:
        sets[project_id] |= _names_in(name, ids)
    return list(sets.values())


async def _learner_sets(db: AsyncSession, skill_ids: list[int]) -> list[set[int]]:
    """Per learner: what they want to learn and what they asked help for."""
    wants = await db.exec(
        select(LearnerSkill.user_id, LearnerSkill.skill_id).where(
            LearnerSkill.kind == MarkKind.WANT, col(LearnerSkill.skill_id).in_(skill_ids)
        )
    )
    asked = await db.exec(
        select(HelpRequest.requester_id, HelpRequest.skill_id).where(
            col(HelpRequest.skill_id).in_(skill_ids)
        )
    )
    sets: dict[int, set[int]] = defaultdict(set)
    for user_id, skill_id in itertools.chain(wants, asked):
        sets[user_id].add(skill_id)
    return list(sets.values())


def count_pairs(sets: Iterable[set[int]]) -> Counter[tuple[int, int]]:
    counts: Counter[tuple[int, int]] = Counter()
    for skills in sets:
        counts.update(itertools.combinations(sorted(skills), 2))
    return counts


async def suggestions(
    db: AsyncSession, skills: list[Skill], links: list[SkillLink]
) -> list[Suggestion]:
    """Pairs not linked yet that came together at least twice, the most frequent first."""
    by_id = {skill.id or 0: skill for skill in skills}
    if not skills:
        return []
    names = {skill.name.casefold(): skill.id or 0 for skill in skills}
    sets = await _project_sets(db, skills[0].provider_id, names)
    sets += await _learner_sets(db, list(by_id))
    linked = linked_pairs(links)
    found = [
        _suggestion(by_id[first], by_id[second], count)
        for (first, second), count in count_pairs(sets).items()
        if count >= AT_LEAST and frozenset((first, second)) not in linked
    ]
    found.sort(key=lambda s: (-s.count, _by_name(s.first), _by_name(s.second)))
    return found[:SHOWN]

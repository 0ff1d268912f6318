"""The learner's side of the map: the prerequisites of what they want to learn that they do
not have yet, and the gaps between them and the job they aim at."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import forms, parsing, permissions
from community.database import insert_for
from community.errors import Forbidden
from community.i18n import _
from community.models import (
    LearnerSkill,
    PathwayChoice,
    Skill,
    SkillLink,
    TargetJob,
    Training,
    User,
    utcnow,
)
from community.rotation.fitting import Fitting, fitting_posts
from community.skill_map.pages import covering_trainings, job_skill_ids, provider_jobs, requirements
from community.tutoring.choices import Level, MarkKind
from community.tutoring.peers import provider_ids


@dataclass(frozen=True)
class Unmet:
    wanted: Skill
    missing: list[Skill]  # its prerequisites the learner does not offer at ease yet


@dataclass(frozen=True)
class Pathway:
    unmet: list[Unmet]
    jobs: list[TargetJob]
    job: TargetJob | None
    gaps: list[Skill]
    trainings: list[tuple[Training, list[Skill]]]
    fitting: Fitting | None = None  # rotation posts that need the job's skills


async def _skills(db: AsyncSession, providers: set[int]) -> dict[int, Skill]:
    rows = await db.exec(
        select(Skill).where(col(Skill.provider_id).in_(list(providers)), col(Skill.approved))
    )
    return {skill.id or 0: skill for skill in rows}


async def _links(db: AsyncSession, skill_ids: list[int]) -> list[SkillLink]:
    return list(await db.exec(select(SkillLink).where(col(SkillLink.to_skill_id).in_(skill_ids))))


def _unmet(
    marks: list[LearnerSkill], by_id: dict[int, Skill], links: list[SkillLink]
) -> list[Unmet]:
    at_ease = {m.skill_id for m in marks if m.kind == MarkKind.OFFER and m.level >= Level.AT_EASE}
    requires = requirements(links, by_id)
    wanted = [by_id[m.skill_id] for m in marks if m.kind == MarkKind.WANT and m.skill_id in by_id]
    found = [
        Unmet(skill, [p for p in requires.get(skill.id or 0, []) if p.id not in at_ease])
        for skill in sorted(wanted, key=lambda s: s.name.casefold())
    ]
    return [unmet for unmet in found if unmet.missing]


async def pathway(db: AsyncSession, user: User) -> Pathway | None:
    """None for those who do not mark skills: the section is theirs alone."""
    if not permissions.can_mark_skills(user):
        return None
    providers = await provider_ids(db, user)
    by_id = await _skills(db, providers)
    marks = list(await db.exec(select(LearnerSkill).where(LearnerSkill.user_id == user.id)))
    unmet = _unmet(marks, by_id, await _links(db, list(by_id)))
    jobs = await provider_jobs(db, providers)
    choice = await db.get(PathwayChoice, user.id)
    job = next((j for j in jobs if choice and j.id == choice.target_job_id), None)
    if job is None:
        return Pathway(unmet, jobs, None, [], [])
    offered = {m.skill_id for m in marks if m.kind == MarkKind.OFFER}
    needed = (await job_skill_ids(db, [job.id or 0])).get(job.id or 0, set())
    gaps = sorted((by_id[i] for i in needed - offered if i in by_id), key=lambda s: s.name)
    trainings = await covering_trainings(db, job.provider_id, {s.id or 0: s for s in gaps})
    fitting = await fitting_posts(db, user, job, needed)
    return Pathway(unmet, jobs, job, gaps, trainings, fitting)


async def choose_job(db: AsyncSession, user: User, data: Mapping[str, str]) -> None:
    """The job a learner aims at, among their providers' ones; an empty choice clears it."""
    providers = await provider_ids(db, user)
    if not permissions.can_choose_target_job(user, enrolled=bool(providers)):
        raise Forbidden
    raw = data.get("job_id", "")
    job_id = None
    if raw != "":
        job = await db.get(TargetJob, parsing.ident(raw) or 0)
        if job is None or job.provider_id not in providers:
            raise forms.FormError({"job_id": _("Choose one of the options.")}, data)
        job_id = job.id
    now = utcnow()
    statement = insert_for(db, PathwayChoice).values(
        user_id=user.id, target_job_id=job_id, updated_at=now
    )
    statement = statement.on_conflict_do_update(
        index_elements=["user_id"], set_={"target_job_id": job_id, "updated_at": now}
    )
    await (await db.connection()).execute(statement)

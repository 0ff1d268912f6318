"""Rotation posts that fit a learner's target job: the open departures of the provider whose
post needs skills of that job, shown where the learner reads their gaps.

Only a learner in the pool sees them, and only what a candidate may know before any
proposal: the post's title and the job's skills it needs. The company, its site, who leaves
and the dates are shown on the pool page to a candidate once a coordinator proposed them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import permissions
from community.models import (
    Departure,
    DepartureSkill,
    Proposal,
    RotationCompany,
    Skill,
    TargetJob,
    User,
)
from community.rotation.pool import membership


@dataclass(frozen=True)
class FittingPost:
    post_title: str
    skills: list[str]  # the job's skills the post needs, by name


@dataclass(frozen=True)
class Fitting:
    in_pool: bool
    posts: list[FittingPost]


async def fitting_posts(
    db: AsyncSession, user: User, job: TargetJob, job_skills: set[int]
) -> Fitting:
    """The posts, or none and `in_pool` false for a learner who has not opted in."""
    member = await membership(db, user)
    in_pool = member is not None and member.withdrawn_at is None
    if not permissions.can_see_fitting_posts(user, in_pool) or not job_skills:
        return Fitting(in_pool, [])
    filled = select(Proposal.departure_id).where(col(Proposal.both_accepted))
    rows = await db.exec(
        select(Departure.id, Departure.post_title, Skill.name)
        .join(RotationCompany, col(RotationCompany.id) == Departure.company_id)
        .join(DepartureSkill, col(DepartureSkill.departure_id) == Departure.id)
        .join(Skill, col(Skill.id) == DepartureSkill.skill_id)
        .where(
            RotationCompany.provider_id == job.provider_id,
            col(DepartureSkill.skill_id).in_(job_skills),
            col(Departure.ends_on) >= date.today(),
            col(Departure.id).not_in(filled),
        )
        .order_by(col(Departure.starts_on), col(Departure.id), col(Skill.name))
    )
    found: dict[int, FittingPost] = {}
    for departure_id, title, skill in rows:
        found.setdefault(departure_id or 0, FittingPost(title, [])).skills.append(skill)
    return Fitting(in_pool, list(found.values()))

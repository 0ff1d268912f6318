"""The list of projects a person can see: filtered, searched and paginated."""

from __future__ import annotations

from sqlalchemy import or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community.models import Enrolment, Iteration, Project, Training, User
from community.projects.access import learner_providers
from community.projects.choices import ProjectStatus

PAGE_SIZE = 10


async def listing(
    db: AsyncSession,
    user: User,
    *,
    status: str = "",
    skill: str = "",
    words: str = "",
    page: int = 1,
) -> tuple[list[tuple[Project, Iteration]], int]:
    """The proposals and projects of my groups and the community projects of my providers
    (drafts: only mine), and how many pages they fill."""
    mine = select(Enrolment.iteration_id).where(Enrolment.user_id == user.id)
    neighbours = (
        select(Iteration.id)
        .join(Training, col(Training.id) == Iteration.training_id)
        .where(col(Training.provider_id).in_(list(await learner_providers(db, user))))
    )
    query = (
        select(Project, Iteration)
        .join(Iteration, col(Iteration.id) == Project.iteration_id)
        .where(
            col(Project.iteration_id).in_(mine)
            | (col(Project.community).is_(True) & col(Project.iteration_id).in_(neighbours))
        )
        .where(or_(col(Project.status) != ProjectStatus.DRAFT, col(Project.author_id) == user.id))
    )
    if status in set(ProjectStatus):
        query = query.where(Project.status == status)
    if skill:
        query = query.where(col(Project.skills).ilike(f"%{skill[:60]}%"))
    for word in words.split()[:5]:
        pattern = f"%{word[:60]}%"
        query = query.where(
            or_(col(Project.title).ilike(pattern), col(Project.pitch).ilike(pattern))
        )
    rows = list(await db.exec(query.order_by(col(Project.id).desc())))
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = min(max(page, 1), pages)
    return rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE], pages

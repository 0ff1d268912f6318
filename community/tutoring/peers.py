"""Where a learner belongs: the groups they learn in, their providers, and their peers."""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from community.models import Enrolment, EnrolmentRole, Iteration, Training, User


async def learner_groups(db: AsyncSession, user: User) -> list[tuple[Iteration, Training]]:
    rows = await db.exec(
        select(Iteration, Training)
        .join(Training, col(Training.id) == Iteration.training_id)
        .join(Enrolment, col(Enrolment.iteration_id) == Iteration.id)
        .where(Enrolment.user_id == user.id, Enrolment.role == EnrolmentRole.LEARNER)
        .order_by(col(Iteration.ends_on).desc())
    )
    return list(rows)


async def provider_ids(db: AsyncSession, user: User) -> set[int]:
    return {training.provider_id for _it, training in await learner_groups(db, user)}


async def provider_learners(db: AsyncSession, provider_id: int) -> set[int]:
    rows = await db.exec(
        select(Enrolment.user_id)
        .join(Iteration, col(Iteration.id) == Enrolment.iteration_id)
        .join(Training, col(Training.id) == Iteration.training_id)
        .where(Training.provider_id == provider_id, Enrolment.role == EnrolmentRole.LEARNER)
    )
    return set(rows)


def peers_of(providers: set[int]) -> SelectOfScalar[int]:
    """Every learner of these providers (the reader among them): a subquery, so that a page
    asks for requests of its peers in one statement."""
    return (
        select(Enrolment.user_id)
        .join(Iteration, col(Iteration.id) == Enrolment.iteration_id)
        .join(Training, col(Training.id) == Iteration.training_id)
        .where(col(Training.provider_id).in_(providers), Enrolment.role == EnrolmentRole.LEARNER)
    )

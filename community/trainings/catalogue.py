"""What a provider offers: its trainings and their groups (iterations)."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import forms, permissions
from community.errors import Forbidden, NotFound
from community.i18n import _
from community.models import (
    Iteration,
    Provider,
    Role,
    Training,
    TrainingFormat,
    User,
)
from community.trainings import joining

TRAINING_FIELDS = (
    forms.Text("title", max_length=120),
    forms.Text("description", max_length=4000, required=False, multiline=True),
    forms.Choice("format", choices=tuple(TrainingFormat)),
)
ITERATION_FIELDS = (
    forms.Text("name", max_length=120),
    forms.Day("starts_on"),
    forms.Day("ends_on"),
    forms.Text("changes_note", max_length=2000, required=False, multiline=True),
)


def format_label(value: str) -> str:
    """How a training's pedagogical format reads, in the reader's language."""
    labels = {
        TrainingFormat.CLASSIC: _("Classic"),
        TrainingFormat.FLIPPED: _("Flipped learning"),
        TrainingFormat.REVERSE_WORK_STUDY: _("Reverse work-study"),
    }
    return labels.get(TrainingFormat(value), _("Other format"))


def format_choices() -> list[tuple[str, str]]:
    return [(value, format_label(value)) for value in TrainingFormat]


# --- actions: they write in the caller's transaction and never commit ---


async def create_provider(db: AsyncSession, name: str) -> Provider:
    """For the command line and the demo: no page creates providers."""
    provider = Provider(name=name)
    db.add(provider)
    await db.flush()
    return provider


async def create_training(
    db: AsyncSession, user: User, provider_id: int, data: dict[str, str]
) -> Training:
    if not permissions.can_create_training(user, provider_id):
        raise Forbidden
    values = forms.parse(data, *TRAINING_FIELDS)
    training = Training(provider_id=provider_id, **values)
    db.add(training)
    await db.flush()
    return training


async def create_iteration(
    db: AsyncSession, user: User, training: Training, data: dict[str, str], *, code_days: int
) -> Iteration:
    if not permissions.can_create_iteration(user, training.provider_id):
        raise Forbidden
    values = forms.parse(data, *ITERATION_FIELDS)
    forms.check_period(values, data, "starts_on", "ends_on")
    assert training.id is not None
    iteration = Iteration(training_id=training.id, **values)
    db.add(iteration)
    await db.flush()
    assert iteration.id is not None
    await joining.issue_code(db, iteration.id, user, code_days)
    return iteration


# --- queries ---


def provider_managed_by(user: User) -> int | None:
    """The provider whose trainings this person manages, if any."""
    provider_id = user.provider_id
    if provider_id is None or not permissions.can_manage_trainings(user, provider_id):
        return None
    return provider_id


def manages_trainings(user: User) -> bool:
    return provider_managed_by(user) is not None


def managed_provider(user: User) -> int:
    """The provider whose trainings this person manages; NotFound for everyone else."""
    provider_id = provider_managed_by(user)
    if provider_id is None:
        raise NotFound
    return provider_id


async def training_for_staff(db: AsyncSession, user: User, training_id: int) -> Training:
    training = await db.get(Training, training_id)
    if training is None or not permissions.can_manage_trainings(user, training.provider_id):
        raise NotFound
    return training


async def provider_trainings(db: AsyncSession, provider_id: int) -> list[tuple[Training, int]]:
    rows = await db.exec(
        select(Training, func.count(col(Iteration.id)))
        .outerjoin(Iteration, col(Iteration.training_id) == Training.id)
        .where(Training.provider_id == provider_id)
        .group_by(col(Training.id))
        .order_by(col(Training.title))
    )
    return list(rows)


async def iterations_of(db: AsyncSession, training: Training) -> list[Iteration]:
    rows = await db.exec(
        select(Iteration)
        .where(Iteration.training_id == training.id)
        .order_by(col(Iteration.starts_on).desc())
    )
    return list(rows)


async def provider_trainers(db: AsyncSession, provider_id: int) -> list[User]:
    rows = await db.exec(
        select(User)
        .where(User.provider_id == provider_id, User.role == Role.TRAINER)
        .order_by(col(User.display_name))
    )
    return list(rows)


async def provider_of(db: AsyncSession, user: User) -> Provider | None:
    return await db.get(Provider, user.provider_id) if user.provider_id else None

"""Trainings, their iterations and sessions, enrolments and join codes."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import forms, permissions
from community.errors import Forbidden, NotFound
from community.i18n import _
from community.models import (
    CourseSession,
    Enrolment,
    EnrolmentRole,
    Iteration,
    JoinCode,
    Provider,
    Role,
    Training,
    TrainingFormat,
    User,
    utcnow,
)

# No 0/O, 1/I/L: a code read aloud or copied from a projector survives.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6

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
SESSION_FIELDS = (
    forms.Text("title", max_length=120),
    forms.Moment("starts_at"),
    forms.Moment("ends_at"),
)
JOIN_FIELDS = (forms.Text("code", max_length=20),)


@dataclass(frozen=True)
class IterationView:
    iteration: Iteration
    training: Training
    facts: permissions.IterationFacts


def live_channel(iteration_id: int) -> str:
    """The channel of a group's page: announcements, who is here."""
    return f"iteration:{iteration_id}"


def format_code(code: str) -> str:
    return f"{code[:3]}-{code[3:]}"


def normalise_code(typed: str) -> str:
    """Accept `k7p 2qx`, `K7P-2QX`, and the look-alikes people type for 0, 1 and O."""
    cleaned = "".join(ch for ch in typed.upper() if ch.isalnum())
    return cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


async def create_training(
    db: AsyncSession, user: User, provider_id: int, data: dict[str, str]
) -> Training:
    if not permissions.can_manage_trainings(user, provider_id):
        raise Forbidden
    values = forms.parse(data, *TRAINING_FIELDS)
    training = Training(provider_id=provider_id, **values)
    db.add(training)
    await db.commit()
    return training


async def create_iteration(
    db: AsyncSession, user: User, training: Training, data: dict[str, str], *, code_days: int
) -> Iteration:
    if not permissions.can_manage_trainings(user, training.provider_id):
        raise Forbidden
    values = forms.parse(data, *ITERATION_FIELDS)
    if values["ends_on"] < values["starts_on"]:
        raise forms.FormError({"ends_on": _("The end comes before the start.")}, data)
    iteration = Iteration(training_id=training.id, **values)
    db.add(iteration)
    await db.flush()
    await _issue_code(db, iteration, user, code_days)
    await db.commit()
    return iteration


async def add_session(
    db: AsyncSession, user: User, view: IterationView, data: dict[str, str]
) -> CourseSession:
    if not permissions.can_manage_iteration(user, view.facts):
        raise Forbidden
    values = forms.parse(data, *SESSION_FIELDS)
    if values["ends_at"] <= values["starts_at"]:
        raise forms.FormError({"ends_at": _("The end comes before the start.")}, data)
    session = CourseSession(iteration_id=view.iteration.id, **values)
    db.add(session)
    await db.commit()
    return session


async def add_trainer(db: AsyncSession, user: User, view: IterationView, trainer_id: int) -> None:
    if not permissions.can_manage_iteration(user, view.facts):
        raise Forbidden
    trainer = await db.get(User, trainer_id)
    if (
        trainer is None
        or trainer.role != Role.TRAINER
        or trainer.provider_id != view.facts.provider_id
    ):
        raise forms.FormError({"trainer_id": _("Choose one of the options.")})
    await _enrol(db, view.iteration, trainer, EnrolmentRole.TRAINER)


async def remove_member(db: AsyncSession, user: User, view: IterationView, member_id: int) -> None:
    """Take someone out of the group; removing them twice is a no-op."""
    if not permissions.can_manage_iteration(user, view.facts):
        raise Forbidden
    enrolment = (
        await db.exec(
            select(Enrolment).where(
                Enrolment.iteration_id == view.iteration.id, Enrolment.user_id == member_id
            )
        )
    ).first()
    if enrolment is not None:
        await db.delete(enrolment)
        await db.commit()


async def _enrol(db: AsyncSession, iteration: Iteration, user: User, role: str) -> bool:
    """Enrol once; a second enrolment is a no-op. True when a row was written."""
    already = select(Enrolment.id).where(
        Enrolment.iteration_id == iteration.id, Enrolment.user_id == user.id
    )
    if (await db.exec(already)).first() is not None:
        return False
    db.add(Enrolment(iteration_id=iteration.id, user_id=user.id, role=role))
    try:
        await db.commit()
    except IntegrityError:  # the same enrolment, written a moment ago by a double submit
        await db.rollback()
        return False
    return True


async def _issue_code(db: AsyncSession, iteration: Iteration, user: User | None, days: int) -> str:
    now = utcnow()
    for old in await db.exec(
        select(JoinCode).where(
            JoinCode.iteration_id == iteration.id, col(JoinCode.revoked_at).is_(None)
        )
    ):
        old.revoked_at = now
        db.add(old)
    code = _new_code()
    while (await db.exec(select(JoinCode.id).where(JoinCode.code == code))).first():
        code = _new_code()
    db.add(
        JoinCode(
            code=code,
            iteration_id=iteration.id,
            created_by=user.id if user else None,
            expires_at=now + timedelta(days=days),
        )
    )
    return code


async def renew_code(db: AsyncSession, user: User, view: IterationView, days: int) -> str:
    if not permissions.can_manage_iteration(user, view.facts):
        raise Forbidden
    code = await _issue_code(db, view.iteration, user, days)
    await db.commit()
    return code


async def current_code(db: AsyncSession, iteration: Iteration) -> JoinCode | None:
    return (
        await db.exec(
            select(JoinCode).where(
                JoinCode.iteration_id == iteration.id,
                col(JoinCode.revoked_at).is_(None),
                JoinCode.expires_at > utcnow(),
            )
        )
    ).first()


async def join_with_code(db: AsyncSession, user: User, data: dict[str, str]) -> Iteration:
    """Enrol a learner in the iteration a code opens. Joining twice is a no-op."""
    values = forms.parse(data, *JOIN_FIELDS)
    if not permissions.can_join_iterations(user):
        raise forms.FormError({"code": _("Only learners join with a code.")}, data)
    code = normalise_code(values["code"])
    row = (await db.exec(select(JoinCode).where(JoinCode.code == code))).first()
    if row is None or len(code) != CODE_LENGTH:
        raise forms.FormError(
            {"code": _("This code does not exist. Check it with your trainer.")}, data
        )
    if row.revoked_at is not None or row.expires_at <= utcnow():
        raise forms.FormError(
            {"code": _("This code has expired. Ask your trainer for the new one.")}, data
        )
    iteration_id = row.iteration_id
    iteration = await db.get(Iteration, iteration_id)
    assert iteration is not None
    await _enrol(db, iteration, user, EnrolmentRole.LEARNER)
    # Loaded again: a lost race in _enrol rolls back and expires what the session held.
    iteration = await db.get(Iteration, iteration_id)
    assert iteration is not None
    return iteration


async def iteration_view(db: AsyncSession, user: User | None, iteration_id: int) -> IterationView:
    """The iteration, if the user may see it; NotFound otherwise, so its existence stays hidden."""
    iteration = await db.get(Iteration, iteration_id)
    if iteration is None or user is None:
        raise NotFound
    training = await db.get(Training, iteration.training_id)
    assert training is not None
    role = (
        await db.exec(
            select(Enrolment.role).where(
                Enrolment.iteration_id == iteration_id, Enrolment.user_id == user.id
            )
        )
    ).first()
    facts = permissions.IterationFacts(provider_id=training.provider_id, enrolment_role=role)
    if not permissions.can_view_iteration(user, facts):
        raise NotFound
    return IterationView(iteration, training, facts)


async def training_for_staff(db: AsyncSession, user: User, training_id: int) -> Training:
    training = await db.get(Training, training_id)
    if training is None or not permissions.can_manage_trainings(user, training.provider_id):
        raise NotFound
    return training


async def sessions_of(db: AsyncSession, iteration: Iteration) -> list[CourseSession]:
    rows = await db.exec(
        select(CourseSession)
        .where(CourseSession.iteration_id == iteration.id)
        .order_by(col(CourseSession.starts_at))
    )
    return list(rows)


async def people_of(db: AsyncSession, iteration: Iteration) -> dict[str, list[User]]:
    rows = await db.exec(
        select(Enrolment.role, User)
        .join(User, col(User.id) == Enrolment.user_id)
        .where(Enrolment.iteration_id == iteration.id)
        .order_by(col(User.display_name))
    )
    people: dict[str, list[User]] = {EnrolmentRole.LEARNER: [], EnrolmentRole.TRAINER: []}
    for role, person in rows:
        people[role].append(person)
    return people


async def my_iterations(db: AsyncSession, user: User) -> list[tuple[Iteration, Training, str]]:
    """The iterations the user is enrolled in, current ones first."""
    rows = await db.exec(
        select(Iteration, Training, Enrolment.role)
        .join(Training, col(Training.id) == Iteration.training_id)
        .join(Enrolment, col(Enrolment.iteration_id) == Iteration.id)
        .where(Enrolment.user_id == user.id)
        .order_by(col(Iteration.ends_on).desc())
    )
    return list(rows)


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


async def create_provider(db: AsyncSession, name: str) -> Provider:
    provider = Provider(name=name)
    db.add(provider)
    await db.commit()
    return provider


async def set_support_threshold(
    db: AsyncSession, user: User, view: IterationView, data: dict[str, str]
) -> None:
    """How many supports a project proposal needs in this group: its trainers decide."""
    if not permissions.can_see_join_code(user, view.facts):
        raise Forbidden
    raw = data.get("support_threshold", "")
    if not raw.isdigit() or not 1 <= int(raw) <= 30:
        raise forms.FormError({"support_threshold": _("Choose a number from 1 to 30.")}, data)
    iteration = await db.get(Iteration, view.iteration.id)
    assert iteration is not None
    iteration.support_threshold = int(raw)
    db.add(iteration)
    await db.commit()

"""A group (an iteration of a training): who may see it, who is in it, what its page shows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import forms, parsing, permissions
from community.errors import Forbidden, NotFound
from community.i18n import _
from community.models import (
    CourseSession,
    Enrolment,
    EnrolmentRole,
    Iteration,
    Provider,
    Role,
    Training,
    User,
)
from community.trainings import catalogue, joining

# Supports a project proposal may be asked to gather in a group.
SUPPORT_THRESHOLDS = range(1, 31)

SESSION_FIELDS = (
    forms.Text("title", max_length=120),
    forms.Moment("starts_at"),
    forms.Moment("ends_at"),
)


@dataclass(frozen=True)
class IterationView:
    iteration: Iteration
    training: Training
    facts: permissions.IterationFacts

    @property
    def iteration_id(self) -> int:
        assert self.iteration.id is not None
        return self.iteration.id


def live_channel(iteration_id: int) -> str:
    """The channel of a group's page: announcements, who is here."""
    return f"iteration:{iteration_id}"


async def add_session(
    db: AsyncSession, user: User, view: IterationView, data: dict[str, str]
) -> CourseSession:
    if not permissions.can_add_session(user, view.facts):
        raise Forbidden
    values = forms.parse(data, *SESSION_FIELDS)
    forms.check_period(values, data, "starts_at", "ends_at", may_be_empty=False)
    session = CourseSession(iteration_id=view.iteration_id, **values)
    db.add(session)
    await db.flush()
    return session


async def set_support_threshold(
    db: AsyncSession, user: User, view: IterationView, data: dict[str, str]
) -> None:
    """How many supports a project proposal needs in this group."""
    if not permissions.can_set_support_threshold(user, view.facts):
        raise Forbidden
    threshold = parsing.number(data.get("support_threshold"), 0, SUPPORT_THRESHOLDS[-1])
    if threshold is None or threshold not in SUPPORT_THRESHOLDS:
        message = _(
            "Choose a number from %(low)s to %(high)s.",
            low=SUPPORT_THRESHOLDS[0],
            high=SUPPORT_THRESHOLDS[-1],
        )
        raise forms.FormError({"support_threshold": message}, data)
    iteration = await db.get(Iteration, view.iteration_id)
    assert iteration is not None
    iteration.support_threshold = threshold
    db.add(iteration)


async def iteration_view(db: AsyncSession, user: User | None, iteration_id: int) -> IterationView:
    """The iteration, if the user may see it; NotFound otherwise, so its existence stays hidden."""
    if user is None:
        raise NotFound
    # One query for the group, its training and the reader's place in it: every group page,
    # project page and region re-fetch starts here.
    row = (
        await db.exec(
            select(Iteration, Training, Enrolment)
            .join(Training, col(Training.id) == Iteration.training_id)
            .outerjoin(
                Enrolment,
                (col(Enrolment.iteration_id) == Iteration.id) & (col(Enrolment.user_id) == user.id),
            )
            .where(Iteration.id == iteration_id)
        )
    ).first()
    if row is None:
        raise NotFound
    iteration, training, enrolment = row
    facts = permissions.IterationFacts(
        provider_id=training.provider_id,
        enrolment_role=enrolment.role if enrolment else None,
        joined_at=enrolment.created_at if enrolment else None,
    )
    if not permissions.can_view_iteration(user, facts):
        raise NotFound
    return IterationView(iteration, training, facts)


async def sessions_of(db: AsyncSession, iteration: Iteration) -> list[CourseSession]:
    rows = await db.exec(
        select(CourseSession)
        .where(CourseSession.iteration_id == iteration.id)
        .order_by(col(CourseSession.starts_at))
    )
    return list(rows)


@dataclass(frozen=True)
class Members:
    trainers: list[User]
    learners: list[User]


async def members_of(db: AsyncSession, iteration: Iteration) -> Members:
    rows = await db.exec(
        select(Enrolment.role, User)
        .join(User, col(User.id) == Enrolment.user_id)
        .where(Enrolment.iteration_id == iteration.id)
        .order_by(col(User.display_name))
    )
    members = Members(trainers=[], learners=[])
    for role, person in rows:
        (members.trainers if role == EnrolmentRole.TRAINER else members.learners).append(person)
    return members


async def group_page(db: AsyncSession, user: User, view: IterationView) -> dict[str, Any]:
    """The trainings' part of a group's page: sessions, people, the join code, and what the
    reader may do there."""
    facts = view.facts
    code = (
        await joining.current_code(db, view.iteration)
        if permissions.can_see_join_code(user, facts)
        else None
    )
    members = await members_of(db, view.iteration)
    can_add_trainer = permissions.can_add_trainer(user, facts)
    candidates = await catalogue.provider_trainers(db, facts.provider_id) if can_add_trainer else []
    return {
        "sessions": await sessions_of(db, view.iteration),
        "people": members,
        "code": joining.format_code(code.code) if code else None,
        "code_expires": code.expires_at if code else None,
        "trainers": [(t.id, t.display_name) for t in candidates if t not in members.trainers],
        "can_add_session": permissions.can_add_session(user, facts),
        "can_add_trainer": can_add_trainer,
        "can_remove_member": permissions.can_remove_member(user, facts),
        "can_renew_code": permissions.can_renew_join_code(user, facts),
        "can_set_support_threshold": permissions.can_set_support_threshold(user, facts),
        "support_thresholds": SUPPORT_THRESHOLDS,
    }


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


@dataclass(frozen=True)
class Home:
    """What the home page shows of someone's trainings, and which of its parts are theirs."""

    # Each group with whether the person teaches it.
    groups: list[tuple[Iteration, Training, bool]]
    can_join: bool
    is_trainer: bool
    provider: Provider | None
    # The provider's trainings with their number of groups, for those who manage them.
    offered: list[tuple[Training, int]] | None


async def home_of(db: AsyncSession, user: User) -> Home:
    managed = catalogue.provider_managed_by(user)
    return Home(
        groups=[
            (iteration, training, role == EnrolmentRole.TRAINER)
            for iteration, training, role in await my_iterations(db, user)
        ],
        can_join=permissions.can_join_iterations(user),
        is_trainer=user.role == Role.TRAINER,
        provider=await catalogue.provider_of(db, user),
        offered=await catalogue.provider_trainings(db, managed) if managed is not None else None,
    )

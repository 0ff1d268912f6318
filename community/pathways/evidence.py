"""Mastery from evidence: what the app already knows a learner did with each skill, and a
plain estimate that always comes with the items behind it.

The estimate is a rule anyone can check against the list (`estimate`):
- "could teach it" once they helped peers on the skill twice, or said they could teach it
  and helped once;
- "at ease" once they helped once, said they are at ease, or took a role or finished a task
  in a project that uses the skill;
- "getting there" otherwise (they want it, were helped on it, said they are getting there, or
  answered the checkpoint of a resource that works on it: a right answer shows understanding,
  not yet practice).
Nothing of it is stored: it is computed from the rows each time the page is shown.

Every source is read in one query for all skills at once, so the cost does not grow with the
number of skills or items."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import aliased
from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community.i18n import _, show_date
from community.models import (
    FlippedProgress,
    FlippedResource,
    HelpOffer,
    HelpRequest,
    Iteration,
    LearnerSkill,
    Project,
    ProjectMember,
    ProjectRole,
    Skill,
    Task,
    Thanks,
    Training,
    User,
)
from community.tutoring.choices import HelpStatus, Level, MarkKind

# The oldest moment, for items without a date: they sort after every dated one.
UNDATED = datetime.min.replace(tzinfo=UTC)


class Source(StrEnum):
    SELF = "self"
    WANT = "want"
    GAVE = "gave"
    RECEIVED = "received"
    ROLE = "role"
    TASK = "task"
    CHECKPOINT = "checkpoint"


@dataclass(frozen=True)
class Item:
    """One piece of evidence: its skill, when, where it comes from, who or what it names."""

    skill_id: int
    source: Source
    at: datetime | None
    subject: str = ""  # the peer, the project
    level: int = 0  # self-assessment only
    thanked: bool = False
    question: str = ""  # a checkpoint's question; `subject` is then its resource
    right: bool = False  # the checkpoint was answered right

    @property
    def words(self) -> str:
        when = show_date(self.at.date()) if self.at else ""
        return _sentence(self, when)


def _sentence(item: Item, when: str) -> str:
    values = {"who": item.subject, "date": when, "level": level_label(item.level)}
    if item.source == Source.SELF:
        return _("You said you are %(level)s.") % values
    if item.source == Source.WANT:
        return _("You said you want to learn it.") % values
    if item.source == Source.GAVE and item.thanked:
        return _("You helped %(who)s on %(date)s, who thanked you.") % values
    if item.source == Source.GAVE:
        return _("You helped %(who)s on %(date)s.") % values
    if item.source == Source.RECEIVED:
        return _("%(who)s helped you on %(date)s.") % values
    if item.source == Source.CHECKPOINT:
        return _checkpoint_sentence(item, values)
    if item.source == Source.ROLE:
        return _("You took a role in the project %(who)s on %(date)s.") % values
    return _("You finished a task in the project %(who)s.") % values


def _checkpoint_sentence(item: Item, values: dict[str, str]) -> str:
    values = {**values, "question": item.question}
    if item.right:
        return (
            _("You answered the question “%(question)s” of “%(who)s” right, on %(date)s.") % values
        )
    return (
        _("You answered the question “%(question)s” of “%(who)s” on %(date)s, not right yet.")
        % values
    )


def level_label(level: int) -> str:
    """How a self-assessed level reads; empty for none."""
    return Level(level).label if level in {known.value for known in Level} else ""


@dataclass
class Mastery:
    skill: Skill
    items: list[Item] = field(default_factory=list)

    @property
    def estimate(self) -> Level:
        return estimate(self.items)

    @property
    def newest_first(self) -> list[Item]:
        return sorted(self.items, key=lambda item: item.at or UNDATED, reverse=True)


def estimate(items: list[Item]) -> Level:
    """The rule of the module's docstring."""
    helped = sum(1 for item in items if item.source == Source.GAVE)
    said = max((item.level for item in items if item.source == Source.SELF), default=0)
    practised = any(item.source in (Source.ROLE, Source.TASK) for item in items)
    if helped >= 2 or (said >= Level.COULD_TEACH and helped >= 1):
        return Level.COULD_TEACH
    if helped or said >= Level.AT_EASE or practised:
        return Level.AT_EASE
    return Level.GETTING_THERE


def mentions(text: str, skill: Skill) -> bool:
    """Whether a project's skills (free text, comma-separated) name this skill."""
    wanted = skill.name.casefold().strip()
    return any(part.casefold().strip() == wanted for part in text.split(","))


async def masteries(db: AsyncSession, user: User) -> list[Mastery]:
    """Every skill the learner has evidence for, the skills with the most evidence first."""
    found: dict[int, Mastery] = {}
    skills: dict[int, Skill] = {}

    def add(skill: Skill, item: Item) -> None:
        skills[skill.id or 0] = skill
        found.setdefault(skill.id or 0, Mastery(skill)).items.append(item)

    for mark, skill in await db.exec(_marks(user)):
        source = Source.SELF if mark.kind == MarkKind.OFFER else Source.WANT
        add(skill, Item(skill.id or 0, source, None, level=mark.level))
    for request, skill, name, thanked in await db.exec(_given(user)):
        at = request.scheduled_at or request.created_at
        add(skill, Item(skill.id or 0, Source.GAVE, at, name, thanked=thanked is not None))
    for request, skill, name in await db.exec(_received(user)):
        at = request.scheduled_at or request.created_at
        add(skill, Item(skill.id or 0, Source.RECEIVED, at, name))
    for progress, resource, skill in await db.exec(_checkpoints(user)):
        right = progress.choice == resource.right_choice
        at, title, question = progress.explored_at, resource.title, resource.question
        add(
            skill, Item(skill.id or 0, Source.CHECKPOINT, at, title, question=question, right=right)
        )
    await _add_projects(db, user, found)
    return sorted(found.values(), key=lambda m: (-len(m.items), m.skill.name))


def _marks(user: User) -> Any:
    return (
        select(LearnerSkill, Skill)
        .join(Skill, col(Skill.id) == LearnerSkill.skill_id)
        .where(LearnerSkill.user_id == user.id)
    )


def _checkpoints(user: User) -> Any:
    """The learner's answers to the checkpoints of resources that name a skill."""
    return (
        select(FlippedProgress, FlippedResource, Skill)
        .join(FlippedResource, col(FlippedResource.id) == FlippedProgress.resource_id)
        .join(Skill, col(Skill.id) == FlippedResource.skill_id)
        .where(FlippedProgress.user_id == user.id, col(FlippedProgress.choice).is_not(None))
        .where(col(FlippedResource.question) != "")
    )


def _given(user: User) -> Any:
    """Sessions where this learner was the chosen tutor, that took place or were thanked."""
    requester = aliased(User)
    return (
        select(HelpRequest, Skill, requester.display_name, Thanks.id)
        .join(HelpOffer, col(HelpOffer.id) == HelpRequest.accepted_offer_id)
        .join(Skill, col(Skill.id) == HelpRequest.skill_id)
        .join(requester, col(requester.id) == HelpRequest.requester_id)
        .outerjoin(Thanks, col(Thanks.request_id) == HelpRequest.id)
        .where(
            HelpOffer.tutor_id == user.id,
            or_(col(HelpRequest.status) == HelpStatus.DONE, col(Thanks.id).is_not(None)),
        )
    )


def _received(user: User) -> Any:
    tutor = aliased(User)
    return (
        select(HelpRequest, Skill, tutor.display_name)
        .join(HelpOffer, col(HelpOffer.id) == HelpRequest.accepted_offer_id)
        .join(Skill, col(Skill.id) == HelpRequest.skill_id)
        .join(tutor, col(tutor.id) == HelpOffer.tutor_id)
        .where(HelpRequest.requester_id == user.id, HelpRequest.status == HelpStatus.DONE)
    )


async def _add_projects(db: AsyncSession, user: User, found: dict[int, Mastery]) -> None:
    """Roles held and tasks done in projects whose skills name one of the provider's skills:
    two queries for the projects, one for the skills they may name."""
    roles = list(
        await db.exec(
            select(ProjectMember, Project)
            .join(Project, col(Project.id) == ProjectMember.project_id)
            .join(ProjectRole, col(ProjectRole.id) == ProjectMember.role_id)
            .where(ProjectMember.user_id == user.id, ProjectMember.status == "member")
        )
    )
    tasks = list(
        await db.exec(
            select(Project)
            .join(Task, col(Task.project_id) == Project.id)
            .where(Task.assignee_id == user.id, Task.status == "done")
        )
    )
    projects = [p for _m, p in roles] + tasks
    if not projects:
        return
    providers = await _providers_of(db, {p.iteration_id for p in projects})
    catalogue = list(await db.exec(select(Skill).where(col(Skill.provider_id).in_(providers))))
    for member, project in roles:
        for skill in (s for s in catalogue if mentions(project.skills, s)):
            item = Item(skill.id or 0, Source.ROLE, member.joined_at, project.title)
            found.setdefault(skill.id or 0, Mastery(skill)).items.append(item)
    for project in tasks:
        for skill in (s for s in catalogue if mentions(project.skills, s)):
            item = Item(skill.id or 0, Source.TASK, None, project.title)
            found.setdefault(skill.id or 0, Mastery(skill)).items.append(item)


async def _providers_of(db: AsyncSession, iteration_ids: set[int]) -> list[int]:
    rows = await db.exec(
        select(Training.provider_id)
        .join(Iteration, col(Iteration.training_id) == Training.id)
        .where(col(Iteration.id).in_(iteration_ids))
    )
    return list(set(rows))

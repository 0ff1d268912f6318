"""A project as one person sees it, and what that person may do in it now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import permissions
from community.database import lock
from community.errors import Forbidden, NotFound
from community.models import (
    Enrolment,
    EnrolmentRole,
    Iteration,
    Message,
    Project,
    ProjectMember,
    Training,
    User,
)
from community.projects.choices import MemberStatus, ProjectStatus
from community.trainings import IterationView, iteration_view

EDIT_WINDOW = timedelta(minutes=15)


@dataclass(frozen=True)
class ProjectView:
    """The project, its group as the person sees it, and their seat in the team if any.
    Each `can_…` is an action's rule at the project's current stage: the action checks it,
    and the page offers the action only where it holds."""

    project: Project
    group: IterationView
    member: ProjectMember | None
    user: User

    @property
    def status(self) -> ProjectStatus:
        return ProjectStatus(self.project.status)

    @property
    def place(self) -> permissions.ProjectPlace:
        member = self.member
        seated = member is not None and member.status == MemberStatus.MEMBER
        return permissions.ProjectPlace(
            is_author=self.project.author_id == self.user.id,
            joined=member is not None,
            is_member=seated,
            is_lead=seated and member is not None and member.is_lead,
        )

    def _at(self, status: ProjectStatus, allowed: bool) -> bool:
        return self.status == status and allowed

    @property
    def can_edit_draft(self) -> bool:
        return self._at(
            ProjectStatus.DRAFT, permissions.can_edit_project_draft(self.user, self.place)
        )

    @property
    def can_publish(self) -> bool:
        return self._at(ProjectStatus.DRAFT, permissions.can_publish_project(self.user, self.place))

    @property
    def can_support(self) -> bool:
        allowed = permissions.can_support_project(self.user, self.group.facts, self.place)
        return self._at(ProjectStatus.PROPOSED, allowed)

    @property
    def can_launch(self) -> bool:
        return self._at(
            ProjectStatus.PROPOSED, permissions.can_launch_project(self.user, self.place)
        )

    @property
    def can_decide(self) -> bool:
        allowed = permissions.can_decide_project_proposal(self.user, self.group.facts)
        return self._at(ProjectStatus.PROPOSED, allowed)

    @property
    def can_join(self) -> bool:
        allowed = permissions.can_join_project(self.user, self.group.facts, self.place)
        return self._at(ProjectStatus.ACTIVE, allowed)

    @property
    def can_leave(self) -> bool:
        return permissions.can_leave_project(self.user, self.place)

    @property
    def can_accept_members(self) -> bool:
        return permissions.can_accept_project_members(self.user, self.place)

    @property
    def can_run_board(self) -> bool:
        return self._at(
            ProjectStatus.ACTIVE, permissions.can_run_project_board(self.user, self.place)
        )

    @property
    def can_post(self) -> bool:
        allowed = permissions.can_post_in_project(self.user, self.place, self.project.locked)
        return self._at(ProjectStatus.ACTIVE, allowed)

    @property
    def read_only(self) -> bool:
        """A member who would write here but for the trainer's lock: they are told why."""
        unlocked = permissions.can_post_in_project(self.user, self.place, locked=False)
        return self._at(ProjectStatus.ACTIVE, unlocked) and self.project.locked

    @property
    def can_flag(self) -> bool:
        return self._at(
            ProjectStatus.ACTIVE, permissions.can_flag_project_message(self.user, self.place)
        )

    @property
    def can_moderate(self) -> bool:
        return permissions.can_moderate_project(self.user, self.group.facts)

    @property
    def can_read_audit(self) -> bool:
        return permissions.can_read_project_audit(self.user, self.group.facts)

    def wrote(self, message: Message) -> bool:
        return message.author_id == self.user.id

    def may_edit_message(self, message: Message) -> bool:
        hidden = message.hidden_reason is not None
        return permissions.can_edit_project_message(
            self.user, self.wrote(message), hidden, self.project.locked
        )

    def edit_until(self, message: Message) -> int | None:
        """Until when (seconds since the epoch) its author is offered to edit it; None: not at
        all. The page offers it to its author alone, while that lasts (static/js/viewer.js)."""
        hidden = message.hidden_reason is not None
        if not permissions.can_edit_project_message(self.user, True, hidden, self.project.locked):
            return None
        return int((message.created_at + EDIT_WINDOW).timestamp())

    def author_may_delete(self, message: Message) -> bool:
        """Its author is offered to delete it (the page shows it to its author alone)."""
        allowed = permissions.can_delete_project_message(self.user, wrote_it=True)
        return allowed and message.hidden_reason is None

    def can_flag_message(self, message: Message) -> bool:
        return self.can_flag and message.hidden_reason is None and not self.wrote(message)

    def sees_why_hidden(self, message: Message) -> bool:
        return permissions.can_see_why_message_hidden(
            self.user, self.group.facts, self.wrote(message)
        )


def require(allowed: bool) -> None:
    """An action its rule refuses: the person sees the project, so they are told no."""
    if not allowed:
        raise Forbidden


async def project_view(db: AsyncSession, user: User, project_id: int) -> ProjectView:
    """NotFound for whoever may not see the project, so that its existence stays hidden."""
    project = await db.get(Project, project_id)
    if project is None:
        raise NotFound
    group = await _group_of(db, user, project)
    member = (
        await db.exec(
            select(ProjectMember).where(
                ProjectMember.project_id == project_id, ProjectMember.user_id == user.id
            )
        )
    ).first()
    view = ProjectView(project, group, member, user)
    draft = view.status == ProjectStatus.DRAFT
    if not permissions.can_view_project(user, group.facts, view.place, draft):
        raise NotFound
    return view


async def acting_view(db: AsyncSession, user: User, project_id: int) -> ProjectView:
    """The project as `project_view` sees it, for a write: its row is held until the write
    commits, so what the action checks (places left, the waitlist, supports, its stage,
    someone's seat) cannot change before it writes. Every write in a project space takes
    this lock first, so they queue one after another and never deadlock."""
    await lock(db, Project, project_id)
    return await project_view(db, user, project_id)


async def may_hear(db: AsyncSession, user: User, project_id: int) -> bool:
    """A project's live channel is for those who see the project."""
    await project_view(db, user, project_id)
    return True


async def _group_of(db: AsyncSession, user: User, project: Project) -> IterationView:
    """The group the project lives in, as this person sees it: a community project also
    welcomes the learners of the provider's other groups, as learners."""
    try:
        return await iteration_view(db, user, project.iteration_id)
    except NotFound:
        if not project.community:
            raise
    iteration = await db.get(Iteration, project.iteration_id)
    training = await db.get(Training, iteration.training_id) if iteration else None
    if (
        iteration is None
        or training is None
        or training.provider_id not in await learner_providers(db, user)
    ):
        raise NotFound
    facts = permissions.IterationFacts(training.provider_id, EnrolmentRole.LEARNER)
    return IterationView(iteration, training, facts)


async def learner_providers(db: AsyncSession, user: User) -> set[int]:
    """The providers whose community projects this person may see: where they learn."""
    rows = await db.exec(
        select(Training.provider_id)
        .join(Iteration, col(Iteration.training_id) == Training.id)
        .join(Enrolment, col(Enrolment.iteration_id) == Iteration.id)
        .where(Enrolment.user_id == user.id, Enrolment.role == EnrolmentRole.LEARNER)
    )
    return set(rows)

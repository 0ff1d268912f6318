"""The roles a project's page is rendered for: a handful, so that a change is rendered once
per role and language and pushed to every open page, rather than fetched by each reader."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlmodel.ext.asyncio.session import AsyncSession

from community import permissions
from community.models import EnrolmentRole, Role, User
from community.projects.access import ProjectView, project_view

# Who looks after the space; the team's lead (its author: who proposes a project leads it);
# a seated member; one waiting for a seat; a learner of the group with no seat.
MODERATOR, LEAD, MEMBER, WAITING, LEARNER = "moderator", "lead", "member", "waiting", "learner"
ROLES = (MODERATOR, LEAD, MEMBER, WAITING, LEARNER)

PLACES = {
    MODERATOR: permissions.ProjectPlace(),
    LEAD: permissions.ProjectPlace(is_author=True, joined=True, is_member=True, is_lead=True),
    MEMBER: permissions.ProjectPlace(joined=True, is_member=True),
    WAITING: permissions.ProjectPlace(joined=True),
    LEARNER: permissions.ProjectPlace(),
}


def role_of(view: ProjectView) -> str:
    """The role whose page this person sees: what the page offers them is decided by it."""
    if view.can_moderate:
        return MODERATOR
    place = view.place
    if place.is_lead or place.is_author:
        return LEAD
    if place.is_member:
        return MEMBER
    return WAITING if place.joined else LEARNER


@dataclass(frozen=True)
class RoleView(ProjectView):
    """The project as anyone in `role` sees it: the rules answer for the role, and nobody in
    particular wrote any message (each reader's own controls are shown by the page)."""

    role: str = LEARNER

    @property
    def place(self) -> permissions.ProjectPlace:
        return PLACES[self.role]


def role_view(view: ProjectView, role: str) -> RoleView:
    """`view`'s project and group, as `role` sees them."""
    enrolment = EnrolmentRole.TRAINER if role == MODERATOR else EnrolmentRole.LEARNER
    group = replace(view.group, facts=replace(view.group.facts, enrolment_role=enrolment))
    # Someone signed in, with no id of their own: no message is theirs.
    anyone = User(email="", display_name="", password_hash="", role=Role.LEARNER)
    return RoleView(view.project, group, None, anyone, role=role)


async def project_role(db: AsyncSession, user: User, project_id: int) -> str:
    """The role a person's socket hears the project's channel in."""
    return role_of(await project_view(db, user, project_id))

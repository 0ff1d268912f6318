"""The project's team: roles and their places, joining, the waitlist, the lead's approval."""

from __future__ import annotations

from sqlalchemy import ColumnElement, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import forms, notifications
from community.errors import NotFound
from community.i18n import _
from community.models import Project, ProjectMember, ProjectRole, User
from community.pathways.live import evidence_changed
from community.projects.access import ProjectView, require
from community.projects.channels import push, reseat
from community.projects.choices import MemberStatus


async def roles_of(db: AsyncSession, project_id: int) -> list[tuple[ProjectRole, int]]:
    """Each role and how many of its places are taken."""
    rows = await db.exec(
        select(ProjectRole)
        .where(ProjectRole.project_id == project_id)
        .order_by(col(ProjectRole.id))
    )
    taken = dict(
        (
            await db.exec(
                select(ProjectMember.role_id, func.count(col(ProjectMember.id)))
                .where(
                    ProjectMember.project_id == project_id,
                    ProjectMember.status == MemberStatus.MEMBER,
                )
                .group_by(col(ProjectMember.role_id))
            )
        ).all()
    )
    return [(role, taken.get(role.id, 0)) for role in rows]


async def members_of(db: AsyncSession, project_id: int) -> list[tuple[ProjectMember, User]]:
    """Everyone with a seat, taken or waiting, in the order they joined."""
    rows = await db.exec(
        select(ProjectMember, User)
        .join(User, col(User.id) == ProjectMember.user_id)
        .where(ProjectMember.project_id == project_id)
        .order_by(col(ProjectMember.joined_at))
    )
    return list(rows)


async def join(db: AsyncSession, view: ProjectView, role_id: int) -> MemberStatus:
    """Take a place: member, or pending the lead's approval, or on the waitlist when full."""
    if view.member is not None:
        return MemberStatus(view.member.status)  # joining twice changes nothing
    require(view.can_join)
    project = view.project
    roles = {role.id: (role, taken) for role, taken in await roles_of(db, project.id or 0)}
    if role_id not in roles:
        raise forms.FormError({"members": _("Choose one of the options.")})
    role, taken = roles[role_id]
    status = MemberStatus.WAITLIST if taken >= role.slots else _arriving(project)
    try:
        async with db.begin_nested():
            db.add(
                ProjectMember(
                    project_id=project.id or 0,
                    user_id=view.user.id or 0,
                    role_id=role_id,
                    status=status,
                )
            )
    except IntegrityError:  # joined at the same moment from another tab
        return MemberStatus.MEMBER
    reseat(db, view.user.id or 0)
    if status == MemberStatus.MEMBER:  # a role taken is evidence on the project's skills
        await evidence_changed(db, [view.user.id or 0])
    await notifications.notify(
        db, project.author_id, "joined", view.user.display_name, f"/projects/{project.id}"
    )
    await push(db, view, "members")
    return status


async def _places_left(db: AsyncSession, project: Project, role_id: int | None) -> int:
    """Waiting for approval holds no place: accepting someone takes one, if one is left."""
    left = {role.id: role.slots - taken for role, taken in await roles_of(db, project.id or 0)}
    return left.get(role_id, 0)


def _arriving(project: Project) -> MemberStatus:
    """Where a person lands once a place is free for them."""
    return MemberStatus.PENDING if project.join_needs_approval else MemberStatus.MEMBER


async def leave(db: AsyncSession, view: ProjectView) -> None:
    require(view.can_leave)
    assert view.member is not None  # the rule admits only people with a seat
    await vacate(db, view.project, view.member)
    await push(db, view, "members")


async def vacate(db: AsyncSession, project: Project, member: ProjectMember) -> None:
    """The seat is freed; the first on its role's waitlist takes it. A lead's seat is freed
    only when their account is deleted: the project keeps a lead (`_pass_the_lead`)."""
    await db.delete(member)
    await db.flush()
    reseat(db, member.user_id)
    if member.status == MemberStatus.MEMBER:  # their role no longer counts as evidence
        await evidence_changed(db, [member.user_id])
    if member.is_lead:
        await _pass_the_lead(db, project)
    waiting = await _first_of(
        db,
        project,
        col(ProjectMember.role_id) == member.role_id,
        col(ProjectMember.status) == MemberStatus.WAITLIST,
    )
    if waiting is not None:
        waiting.status = _arriving(project)
        db.add(waiting)
        reseat(db, waiting.user_id)
        if waiting.status == MemberStatus.MEMBER:
            await evidence_changed(db, [waiting.user_id])


async def _first_of(
    db: AsyncSession, project: Project, *where: ColumnElement[bool]
) -> ProjectMember | None:
    """Who came first among the project's members matching `where`."""
    query = select(ProjectMember).where(ProjectMember.project_id == project.id, *where)
    found = await db.exec(query.order_by(col(ProjectMember.joined_at), col(ProjectMember.id)))
    return found.first()


async def _pass_the_lead(db: AsyncSession, project: Project) -> None:
    """The member who has been on the team longest leads it now, and is told."""
    heir = await _first_of(db, project, col(ProjectMember.status) == MemberStatus.MEMBER)
    if heir is None:
        return  # nobody left on the team: its trainers still moderate it
    heir.is_lead = True
    db.add(heir)
    reseat(db, heir.user_id)
    link = f"/projects/{project.id}"
    await notifications.notify(db, heir.user_id, "lead", project.title, link)


async def decide_join(db: AsyncSession, view: ProjectView, member_id: int, accept: bool) -> None:
    """The lead accepts or declines someone waiting for approval."""
    require(view.can_accept_members)
    member = await db.get(ProjectMember, member_id)
    if (
        member is None
        or member.project_id != view.project.id
        or member.status != MemberStatus.PENDING
    ):
        raise NotFound
    if accept:
        if await _places_left(db, view.project, member.role_id) <= 0:
            raise forms.FormError({"members": _("No place is left in this role.")})
        member.status = MemberStatus.MEMBER
        db.add(member)
        await evidence_changed(db, [member.user_id])
    else:
        await db.delete(member)
    reseat(db, member.user_id)
    await push(db, view, "members")

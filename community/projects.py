"""Collective projects: proposed by learners, supported, launched, joined, run together in a
live space that the group's trainers moderate."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

import realtime
from community import forms, notifications, permissions
from community.i18n import _
from community.models import (
    Enrolment,
    EnrolmentRole,
    Flag,
    Iteration,
    Message,
    Milestone,
    ModerationEntry,
    Project,
    ProjectMember,
    ProjectRole,
    ProjectSupport,
    Task,
    Training,
    User,
    utcnow,
)
from community.templating import refetch_nudge
from community.trainings import Forbidden, IterationView, NotFound, iteration_view

MAX_ROLES = 4
EDIT_WINDOW = timedelta(minutes=15)
PAGE_SIZE = 10
REGIONS = ("head", "members", "board", "messages")
STATUSES = ("proposed", "active", "declined", "archived")

PROJECT_FIELDS = (
    forms.Text("title", max_length=120, min_length=3),
    forms.Text("pitch", max_length=1000, multiline=True),
    forms.Text("goals", max_length=1000, required=False, multiline=True),
    forms.Text("skills", max_length=300, required=False),
    forms.Choice("weeks", choices=("1", "2", "4", "6", "8", "12")),
)
MESSAGE = forms.Text("body", max_length=2000, multiline=True)
REASON = forms.Text("reason", max_length=300)
TASK_FIELDS = (forms.Text("title", max_length=200), forms.Day("due_on", required=False))
MILESTONE_FIELDS = (forms.Text("title", max_length=120), forms.Day("due_on"))


@dataclass(frozen=True)
class ProjectView:
    project: Project
    group: IterationView
    member: ProjectMember | None
    user: User

    @property
    def is_member(self) -> bool:
        return self.member is not None and self.member.status == "member"

    @property
    def is_lead(self) -> bool:
        return self.is_member and self.member is not None and self.member.is_lead

    @property
    def can_moderate(self) -> bool:
        return permissions.can_review_feedback(self.user, self.group.facts)


def channel(project_id: int) -> str:
    return f"project:{project_id}"


def review_channel(iteration_id: int) -> str:
    """The trainers' queue of reported messages in a group's projects."""
    return f"review:{iteration_id}"


async def _nudge_review(db: AsyncSession, project: Project) -> None:
    iteration_id = project.iteration_id
    await realtime.append(
        db,
        review_channel(iteration_id),
        refetch_nudge(f"review-{iteration_id}", f"/iterations/{iteration_id}/review"),
    )


async def _nudge(db: AsyncSession, project: Project, *regions: str) -> None:
    """Open pages fetch these regions again: each person sees their own buttons and rights."""
    project_id = project.id or 0
    for region in regions:
        await realtime.append(
            db,
            channel(project_id),
            refetch_nudge(
                f"{region}-{project_id}",
                f"/projects/{project_id}?region={region}",
            ),
        )


async def _log(
    db: AsyncSession, view: ProjectView, action: str, detail: str = "", reason: str = ""
) -> None:
    db.add(
        ModerationEntry(
            project_id=view.project.id or 0, actor_id=view.user.id or 0, action=action,
            detail=detail[:300], reason=reason,
        )
    )  # fmt: skip


async def project_view(db: AsyncSession, user: User | None, project_id: int) -> ProjectView:
    project = await db.get(Project, project_id)
    if project is None or user is None:
        raise NotFound
    group = await _group_of(db, user, project)
    if project.status == "draft" and project.author_id != user.id:
        raise NotFound
    member = (
        await db.exec(
            select(ProjectMember).where(
                ProjectMember.project_id == project_id, ProjectMember.user_id == user.id
            )
        )
    ).first()
    return ProjectView(project, group, member, user)


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
        or training.provider_id not in await _learner_providers(db, user)
    ):
        raise NotFound
    facts = permissions.IterationFacts(training.provider_id, EnrolmentRole.LEARNER)
    return IterationView(iteration, training, facts)


async def _learner_providers(db: AsyncSession, user: User) -> set[int]:
    rows = await db.exec(
        select(Training.provider_id)
        .join(Iteration, col(Iteration.training_id) == Training.id)
        .join(Enrolment, col(Enrolment.iteration_id) == Iteration.id)
        .where(Enrolment.user_id == user.id, Enrolment.role == EnrolmentRole.LEARNER)
    )
    return set(rows)


def _learner_of(view: IterationView) -> bool:
    return view.facts.enrolment_role == EnrolmentRole.LEARNER


# --- proposing and supporting --------------------------------------------------------------


async def propose(
    db: AsyncSession, user: User, group: IterationView, data: dict[str, str]
) -> Project:
    if not _learner_of(group):
        raise Forbidden
    key = (data.get("idem") or "")[:40] or None
    if key is not None:
        sent = select(Project).where(Project.author_id == user.id, Project.idempotency_key == key)
        if (earlier := (await db.exec(sent)).first()) is not None:
            return earlier
    errors: dict[str, str] = {}
    values = forms.collect(data, errors, *PROJECT_FIELDS)
    roles = _roles(data, errors)
    if errors:
        raise forms.FormError(errors, data)
    project = Project(
        idempotency_key=key,
        iteration_id=group.iteration.id or 0,
        author_id=user.id or 0,
        status="proposed" if data.get("publish") == "1" else "draft",
        join_needs_approval=data.get("approval") == "1",
        community=data.get("community") == "1",
        **{**values, "weeks": int(values["weeks"])},
    )
    db.add(project)
    try:
        await db.flush()
    except IntegrityError:
        await db.rollback()
        raise forms.FormError({"title": _("This project was already sent.")}, data) from None
    for name, slots in roles:
        db.add(ProjectRole(project_id=project.id or 0, name=name, slots=slots))
    db.add(ProjectMember(project_id=project.id or 0, user_id=user.id or 0, is_lead=True))
    await db.commit()
    return project


def _roles(data: dict[str, str], errors: dict[str, str]) -> list[tuple[str, int]]:
    roles = []
    for n in range(MAX_ROLES):
        name = " ".join(data.get(f"role{n}", "").split())
        slots = data.get(f"slots{n}", "1")
        if not name:
            continue
        if len(name) > 60:
            errors[f"role{n}"] = _("At most %(n)s characters.", n=60)
        elif not slots.isdigit() or not 1 <= int(slots) <= 10:
            errors[f"role{n}"] = _("Between 1 and 10 places per role.")
        else:
            roles.append((name, int(slots)))
    if not roles and not errors:
        errors["role0"] = _("Name at least one role to fill.")
    return roles


async def publish(db: AsyncSession, view: ProjectView) -> None:
    if view.project.author_id != view.user.id or view.project.status != "draft":
        raise Forbidden
    view.project.status = "proposed"
    db.add(view.project)
    await db.commit()


async def edit_draft(db: AsyncSession, view: ProjectView, data: dict[str, str]) -> None:
    if view.project.author_id != view.user.id or view.project.status != "draft":
        raise Forbidden
    values = forms.parse(data, *PROJECT_FIELDS)
    for name, value in {**values, "weeks": int(values["weeks"])}.items():
        setattr(view.project, name, value)
    db.add(view.project)
    await db.commit()


async def supporters(db: AsyncSession, project_id: int) -> int:
    query = select(func.count(col(ProjectSupport.id))).where(
        ProjectSupport.project_id == project_id
    )
    return (await db.exec(query)).one()


async def has_supported(db: AsyncSession, project_id: int, user_id: int) -> bool:
    query = select(ProjectSupport.id).where(
        ProjectSupport.project_id == project_id, ProjectSupport.user_id == user_id
    )
    return (await db.exec(query)).first() is not None


async def support(db: AsyncSession, view: ProjectView) -> None:
    """A second support is a no-op; the author hears when the threshold is reached."""
    project = view.project
    if (
        project.status != "proposed"
        or project.author_id == view.user.id
        or not _learner_of(view.group)
    ):
        raise Forbidden
    db.add(ProjectSupport(project_id=project.id or 0, user_id=view.user.id or 0))
    try:
        await db.flush()
    except IntegrityError:
        await db.rollback()
        return
    count = await supporters(db, project.id or 0)
    if count == view.group.iteration.support_threshold:
        await notifications.notify(
            db, project.author_id, "threshold", project.title, f"/projects/{project.id}"
        )
    await _nudge(db, project, "head")
    await db.commit()


async def launch(db: AsyncSession, view: ProjectView) -> None:
    project = view.project
    if project.author_id != view.user.id or project.status != "proposed":
        raise Forbidden
    if await supporters(db, project.id or 0) < view.group.iteration.support_threshold:
        raise forms.FormError({"head": _("Not enough supports yet to launch it.")})
    project.status = "active"
    db.add(project)
    await _nudge(db, project, "head", "members")
    await db.commit()


async def decide(db: AsyncSession, view: ProjectView, data: dict[str, str]) -> None:
    """A trainer approves a proposal (it becomes active) or declines it with a reason."""
    if not view.can_moderate or view.project.status != "proposed":
        raise Forbidden
    if data.get("decision") == "approve":
        view.project.status = "active"
        await _log(db, view, "approve")
    else:
        reason = forms.parse(data, REASON)["reason"]
        view.project.status = "declined"
        view.project.decline_reason = reason
        await _log(db, view, "decline", reason=reason)
    db.add(view.project)
    await _nudge(db, view.project, "head", "members")
    await db.commit()


# --- joining ---------------------------------------------------------------------------------


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
                .where(ProjectMember.project_id == project_id, ProjectMember.status == "member")
                .group_by(col(ProjectMember.role_id))
            )
        ).all()
    )
    return [(role, taken.get(role.id, 0)) for role in rows]


async def members_of(db: AsyncSession, project_id: int) -> list[tuple[ProjectMember, User]]:
    rows = await db.exec(
        select(ProjectMember, User)
        .join(User, col(User.id) == ProjectMember.user_id)
        .where(ProjectMember.project_id == project_id)
        .order_by(col(ProjectMember.joined_at))
    )
    return list(rows)


async def join(db: AsyncSession, view: ProjectView, role_id: int) -> str:
    """Take a place: member, or pending the lead's approval, or on the waitlist when full."""
    project = view.project
    if project.status != "active" or not _learner_of(view.group):
        raise Forbidden
    if view.member is not None:
        return view.member.status  # joining twice changes nothing
    roles = {role.id: (role, taken) for role, taken in await roles_of(db, project.id or 0)}
    if role_id not in roles:
        raise forms.FormError({"members": _("Choose one of the options.")})
    role, taken = roles[role_id]
    status = (
        "waitlist"
        if taken >= role.slots
        else ("pending" if project.join_needs_approval else "member")
    )
    db.add(
        ProjectMember(
            project_id=project.id or 0, user_id=view.user.id or 0, role_id=role_id, status=status
        )
    )
    try:
        await db.flush()
    except IntegrityError:
        await db.rollback()
        return "member"
    lead = project.author_id
    await notifications.notify(
        db, lead, "joined", view.user.display_name, f"/projects/{project.id}"
    )
    await _nudge(db, project, "members")
    await db.commit()
    return status


async def leave(db: AsyncSession, view: ProjectView) -> None:
    if view.member is None or view.member.is_lead:
        raise Forbidden
    role_id = view.member.role_id
    await db.delete(view.member)
    await db.flush()
    await _promote_waitlist(db, view.project, role_id)
    await _nudge(db, view.project, "members")
    await db.commit()


async def _promote_waitlist(db: AsyncSession, project: Project, role_id: int | None) -> None:
    waiting = (
        await db.exec(
            select(ProjectMember)
            .where(
                ProjectMember.project_id == project.id,
                ProjectMember.role_id == role_id,
                ProjectMember.status == "waitlist",
            )
            .order_by(col(ProjectMember.joined_at))
        )
    ).first()
    if waiting is not None:
        waiting.status = "pending" if project.join_needs_approval else "member"
        db.add(waiting)


async def decide_join(db: AsyncSession, view: ProjectView, member_id: int, accept: bool) -> None:
    if not view.is_lead:
        raise Forbidden
    member = await db.get(ProjectMember, member_id)
    if member is None or member.project_id != view.project.id or member.status != "pending":
        raise NotFound
    if accept:
        member.status = "member"
        db.add(member)
    else:
        await db.delete(member)
    await _nudge(db, view.project, "members")
    await db.commit()


# --- running ---------------------------------------------------------------------------------


def _member_only(view: ProjectView) -> None:
    if not view.is_member or view.project.status != "active":
        raise Forbidden


async def add_task(db: AsyncSession, view: ProjectView, data: dict[str, str]) -> Task:
    _member_only(view)
    values = forms.parse(data, *TASK_FIELDS)
    assignee = await _member_user(db, view, data.get("assignee_id"))
    task = Task(project_id=view.project.id or 0, assignee_id=assignee, **values)
    db.add(task)
    if assignee is not None and assignee != view.user.id:
        await notifications.notify(
            db, assignee, "task", values["title"], f"/projects/{view.project.id}"
        )
    await _nudge(db, view.project, "board")
    await db.commit()
    return task


async def _member_user(db: AsyncSession, view: ProjectView, raw: str | None) -> int | None:
    if not raw or not raw.isdigit():
        return None
    members = {
        m.user_id for m, _u in await members_of(db, view.project.id or 0) if m.status == "member"
    }
    if int(raw) not in members:
        raise forms.FormError({"assignee_id": _("Choose one of the options.")})
    return int(raw)


async def move_task(db: AsyncSession, view: ProjectView, task_id: int, status: str) -> None:
    _member_only(view)
    task = await db.get(Task, task_id)
    if (
        task is None
        or task.project_id != view.project.id
        or status not in ("todo", "doing", "done")
    ):
        raise NotFound
    task.status = status
    db.add(task)
    await _nudge(db, view.project, "board")
    await db.commit()


async def add_milestone(db: AsyncSession, view: ProjectView, data: dict[str, str]) -> None:
    _member_only(view)
    values = forms.parse(data, *MILESTONE_FIELDS)
    db.add(Milestone(project_id=view.project.id or 0, **values))
    await _nudge(db, view.project, "board")
    await db.commit()


async def toggle_milestone(db: AsyncSession, view: ProjectView, milestone_id: int) -> None:
    _member_only(view)
    milestone = await db.get(Milestone, milestone_id)
    if milestone is None or milestone.project_id != view.project.id:
        raise NotFound
    milestone.done = not milestone.done
    db.add(milestone)
    await _nudge(db, view.project, "board")
    await db.commit()


async def board(
    db: AsyncSession, project_id: int
) -> tuple[list[tuple[Task, User | None]], list[Milestone]]:
    tasks = await db.exec(
        select(Task, User)
        .outerjoin(User, col(User.id) == Task.assignee_id)
        .where(Task.project_id == project_id)
        .order_by(col(Task.id))
    )
    milestones = await db.exec(
        select(Milestone).where(Milestone.project_id == project_id).order_by(col(Milestone.due_on))
    )
    return list(tasks), list(milestones)


# --- the discussion --------------------------------------------------------------------------


MENTION = re.compile(r"@([\w\-]+)", re.UNICODE)


async def post(db: AsyncSession, view: ProjectView, data: dict[str, str]) -> None:
    _member_only(view)
    project = view.project
    if project.locked and not view.can_moderate:
        raise forms.FormError(
            {"body": _("This space is locked: it can be read, not written in.")}, data
        )
    if project.slow_mode_seconds and not view.can_moderate:
        last = (
            await db.exec(
                select(func.max(Message.created_at)).where(
                    Message.project_id == project.id, Message.author_id == view.user.id
                )
            )
        ).one()
        if last is not None and utcnow() - last < timedelta(seconds=project.slow_mode_seconds):
            raise forms.FormError(
                {
                    "body": _(
                        "Slow mode: one message every %(n)s seconds.", n=project.slow_mode_seconds
                    )
                },
                data,
            )
    body = forms.parse(data, MESSAGE)["body"]
    if await _just_sent(db, view, body):
        return  # a double tap, or a form sent twice: one message
    reply_to = data.get("reply_to")
    parent = await db.get(Message, int(reply_to)) if reply_to and reply_to.isdigit() else None
    message = Message(
        project_id=project.id or 0, author_id=view.user.id or 0, body=body,
        reply_to_id=parent.id if parent and parent.project_id == project.id else None,
    )  # fmt: skip
    db.add(message)
    await db.flush()
    for member, person in await members_of(db, project.id or 0):
        first_name = person.display_name.split()[0].casefold()
        mentioned = {m.casefold() for m in MENTION.findall(body)}
        if member.status == "member" and person.id != view.user.id and first_name in mentioned:
            await notifications.notify(
                db, person.id or 0, "mention", project.title, f"/projects/{project.id}"
            )
    await _nudge(db, project, "messages")
    await db.commit()


async def _just_sent(db: AsyncSession, view: ProjectView, body: str) -> bool:
    last = (
        await db.exec(
            select(Message)
            .where(Message.project_id == view.project.id, Message.author_id == view.user.id)
            .order_by(col(Message.id).desc())
        )
    ).first()
    return (
        last is not None
        and last.body == body
        and utcnow() - last.created_at < timedelta(seconds=10)
    )


async def messages_of(
    db: AsyncSession, project_id: int, limit: int = 50
) -> list[tuple[Message, User]]:
    rows = await db.exec(
        select(Message, User)
        .join(User, col(User.id) == Message.author_id)
        .where(Message.project_id == project_id, col(Message.deleted).is_(False))
        .order_by(col(Message.pinned).desc(), col(Message.id).desc())
        .limit(limit)
    )
    return list(rows)


async def flagged_by(db: AsyncSession, view: ProjectView) -> set[int]:
    """The messages of this project the person has already reported, so they see it is done."""
    rows = await db.exec(
        select(Flag.message_id)
        .join(Message, col(Message.id) == Flag.message_id)
        .where(Flag.user_id == view.user.id, Message.project_id == view.project.id)
    )
    return set(rows)


async def _own_message(db: AsyncSession, view: ProjectView, message_id: int) -> Message:
    message = await db.get(Message, message_id)
    if (
        message is None
        or message.project_id != view.project.id
        or message.author_id != view.user.id
    ):
        raise NotFound
    return message


async def edit(db: AsyncSession, view: ProjectView, message_id: int, data: dict[str, str]) -> None:
    message = await _own_message(db, view, message_id)
    if utcnow() - message.created_at > EDIT_WINDOW:
        raise forms.FormError({"body": _("Messages can be edited during 15 minutes.")}, data)
    message.body = forms.parse(data, MESSAGE)["body"]
    message.edited_at = utcnow()
    db.add(message)
    await _nudge(db, view.project, "messages")
    await db.commit()


async def delete(db: AsyncSession, view: ProjectView, message_id: int) -> None:
    message = await _own_message(db, view, message_id)
    message.deleted = True
    db.add(message)
    await _nudge(db, view.project, "messages")
    await db.commit()


async def flag(db: AsyncSession, view: ProjectView, message_id: int, data: dict[str, str]) -> None:
    _member_only(view)
    message = await db.get(Message, message_id)
    if message is None or message.project_id != view.project.id:
        raise NotFound
    reason = forms.parse(data, REASON)["reason"]
    db.add(Flag(message_id=message_id, user_id=view.user.id or 0, reason=reason))
    try:
        await db.flush()
        await _nudge_review(db, view.project)
        await db.commit()
    except IntegrityError:  # flagged twice by the same person: once is enough
        await db.rollback()


# --- moderation ------------------------------------------------------------------------------


def _moderator(view: ProjectView) -> None:
    if not view.can_moderate:
        raise Forbidden


async def hide(db: AsyncSession, view: ProjectView, message_id: int, data: dict[str, str]) -> None:
    _moderator(view)
    message = await db.get(Message, message_id)
    if message is None or message.project_id != view.project.id:
        raise NotFound
    if message.hidden_reason is None:
        reason = forms.parse(data, REASON)["reason"]
        message.hidden_reason = reason
        await _log(db, view, "hide", message.body, reason)
        await notifications.notify(
            db, message.author_id, "hidden", reason, f"/projects/{view.project.id}"
        )
    else:
        message.hidden_reason = None
        await _log(db, view, "restore", message.body)
    await _resolve_flags(db, message_id)
    db.add(message)
    await _nudge(db, view.project, "messages")
    await _nudge_review(db, view.project)
    await db.commit()


async def _resolve_flags(db: AsyncSession, message_id: int) -> None:
    for item in await db.exec(select(Flag).where(Flag.message_id == message_id)):
        item.resolved = True
        db.add(item)


async def pin(db: AsyncSession, view: ProjectView, message_id: int) -> None:
    _moderator(view)
    message = await db.get(Message, message_id)
    if message is None or message.project_id != view.project.id:
        raise NotFound
    message.pinned = not message.pinned
    db.add(message)
    await _log(db, view, "pin" if message.pinned else "unpin", message.body)
    await _nudge(db, view.project, "messages")
    await db.commit()


async def set_space(db: AsyncSession, view: ProjectView, data: dict[str, str]) -> None:
    """Lock the space (read-only), or set a slow mode, with a reason for the audit log."""
    _moderator(view)
    reason = forms.parse(data, forms.Text("reason", max_length=300, required=False))["reason"]
    slow = data.get("slow", "0")
    if slow not in ("0", "30", "60", "300"):
        raise forms.FormError({"space": _("Choose one of the options.")}, data)
    view.project.locked = data.get("locked") == "1"
    view.project.slow_mode_seconds = int(slow)
    db.add(view.project)
    await _log(db, view, "space", f"locked={view.project.locked} slow={slow}", reason)
    await _nudge(db, view.project, "head", "messages")
    await db.commit()


async def remove_member(
    db: AsyncSession, view: ProjectView, member_id: int, data: dict[str, str]
) -> None:
    _moderator(view)
    member = await db.get(ProjectMember, member_id)
    if member is None or member.project_id != view.project.id or member.is_lead:
        raise NotFound
    reason = forms.parse(data, REASON)["reason"]
    person = await db.get(User, member.user_id)
    await db.delete(member)
    await db.flush()
    await _promote_waitlist(db, view.project, member.role_id)
    await _log(db, view, "remove", person.display_name if person else "", reason)
    await _nudge(db, view.project, "members")
    await db.commit()


async def audit_log(db: AsyncSession, view: ProjectView) -> list[tuple[ModerationEntry, User]]:
    _moderator(view)
    rows = await db.exec(
        select(ModerationEntry, User)
        .join(User, col(User.id) == ModerationEntry.actor_id)
        .where(ModerationEntry.project_id == view.project.id)
        .order_by(col(ModerationEntry.id).desc())
    )
    return list(rows)


async def review_queue(
    db: AsyncSession, user: User, group: IterationView
) -> list[tuple[Message, Project, int, list[str]]]:
    """Flagged messages of the group's projects, the most flagged first."""
    if not permissions.can_review_feedback(user, group.facts):
        raise Forbidden
    rows = await db.exec(
        select(Message, Project, Flag.reason)
        .join(Project, col(Project.id) == Message.project_id)
        .join(Flag, col(Flag.message_id) == Message.id)
        .where(Project.iteration_id == group.iteration.id, col(Flag.resolved).is_(False))
    )
    found: dict[int, tuple[Message, Project, list[str]]] = {}
    for message, project, reason in rows:
        found.setdefault(message.id or 0, (message, project, []))[2].append(reason)
    queue = [(m, p, len(reasons), reasons) for m, p, reasons in found.values()]
    return sorted(queue, key=lambda item: (item[1].title, -item[2]))


# --- lists -----------------------------------------------------------------------------------


async def listing(
    db: AsyncSession,
    user: User,
    *,
    status: str = "",
    skill: str = "",
    words: str = "",
    page: int = 1,
) -> tuple[list[tuple[Project, Iteration]], int]:
    """The proposals and projects of my groups, filtered, searched and paginated."""
    mine = select(Enrolment.iteration_id).where(Enrolment.user_id == user.id)
    neighbours = (
        select(Iteration.id)
        .join(Training, col(Training.id) == Iteration.training_id)
        .where(col(Training.provider_id).in_(list(await _learner_providers(db, user))))
    )
    query = (
        select(Project, Iteration)
        .join(Iteration, col(Iteration.id) == Project.iteration_id)
        .where(
            col(Project.iteration_id).in_(mine)
            | (col(Project.community).is_(True) & col(Project.iteration_id).in_(neighbours))
        )
        .where(or_(col(Project.status) != "draft", col(Project.author_id) == user.id))
    )
    if status in (*STATUSES, "draft"):
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

"""What the group's trainers do in its projects: decide proposals, hide and pin messages,
lock or slow a space, remove a member; all written to the space's moderation log."""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import forms, notifications, permissions
from community.errors import Forbidden, NotFound
from community.models import Flag, Message, ModerationEntry, Project, ProjectMember, User
from community.projects.access import ProjectView, require
from community.projects.channels import nudge_review, push
from community.projects.choices import ModerationAction, ProjectStatus, SlowMode
from community.projects.discussion import REASON, message_in
from community.projects.membership import vacate
from community.trainings import IterationView, iteration_view

SPACE_FIELDS = (
    forms.Choice("slow", choices=tuple(str(mode.value) for mode in SlowMode)),
    forms.Text("reason", max_length=300, required=False),
)


def _record(
    db: AsyncSession,
    view: ProjectView,
    action: ModerationAction,
    detail: str = "",
    reason: str = "",
) -> None:
    db.add(
        ModerationEntry(
            project_id=view.project.id or 0, actor_id=view.user.id or 0, action=action,
            detail=detail[:300], reason=reason,
        )
    )  # fmt: skip


async def decide(db: AsyncSession, view: ProjectView, data: dict[str, str]) -> None:
    """A trainer approves a proposal (it becomes active) or declines it with a reason."""
    require(view.can_decide)
    if data.get("decision") == "approve":
        view.project.status = ProjectStatus.ACTIVE
        _record(db, view, ModerationAction.APPROVE)
    else:
        reason = forms.parse(data, REASON)["reason"]
        view.project.status = ProjectStatus.DECLINED
        view.project.decline_reason = reason
        _record(db, view, ModerationAction.DECLINE, reason=reason)
    db.add(view.project)
    await push(db, view, "head", "members", "compose")


async def hide(db: AsyncSession, view: ProjectView, message_id: int, data: dict[str, str]) -> None:
    """Hide a message, telling its author why; or show it again. Its reports are settled."""
    require(view.can_moderate)
    message = await message_in(db, view, message_id)
    if message.hidden_reason is None:
        reason = forms.parse(data, REASON)["reason"]
        message.hidden_reason = reason
        _record(db, view, ModerationAction.HIDE, message.body, reason)
        await notifications.notify(
            db, message.author_id, "hidden", reason, f"/projects/{view.project.id}"
        )
    else:
        message.hidden_reason = None
        _record(db, view, ModerationAction.RESTORE, message.body)
    for report in await db.exec(select(Flag).where(Flag.message_id == message_id)):
        report.resolved = True
        db.add(report)
    db.add(message)
    await push(db, view, "messages")
    await nudge_review(db, view.project)


async def why_hidden(db: AsyncSession, view: ProjectView, message_id: int) -> Message:
    """A hidden message, for those who may read why: its author and the trainers. The page
    pushed to the whole team only says it was hidden; its author follows a link here."""
    message = await message_in(db, view, message_id)
    if message.hidden_reason is None or message.deleted:
        raise NotFound
    require(view.sees_why_hidden(message))
    return message


async def pin(db: AsyncSession, view: ProjectView, message_id: int) -> None:
    require(view.can_moderate)
    message = await message_in(db, view, message_id)
    message.pinned = not message.pinned
    db.add(message)
    action = ModerationAction.PIN if message.pinned else ModerationAction.UNPIN
    _record(db, view, action, message.body)
    await push(db, view, "messages")


async def set_space(db: AsyncSession, view: ProjectView, data: dict[str, str]) -> None:
    """Lock the space (read-only), or set a slow mode, with a reason for the log."""
    require(view.can_moderate)
    values = forms.parse({"slow": str(SlowMode.OFF.value), **data}, *SPACE_FIELDS)
    view.project.locked = data.get("locked") == "1"
    view.project.locked_reason = values["reason"] if view.project.locked else ""
    view.project.slow_mode_seconds = int(values["slow"])
    db.add(view.project)
    detail = f"locked={view.project.locked} slow={values['slow']}"
    _record(db, view, ModerationAction.SPACE, detail, values["reason"])
    await push(db, view, "head", "compose", "messages")


async def remove_member(
    db: AsyncSession, view: ProjectView, member_id: int, data: dict[str, str]
) -> None:
    """Anyone but the lead; the first on the waitlist takes the freed place."""
    require(view.can_moderate)
    member = await db.get(ProjectMember, member_id)
    if member is None or member.project_id != view.project.id or member.is_lead:
        raise NotFound
    reason = forms.parse(data, REASON)["reason"]
    person = await db.get(User, member.user_id)
    await vacate(db, view.project, member)
    _record(db, view, ModerationAction.REMOVE, person.display_name if person else "", reason)
    await push(db, view, "members")


async def audit_log(db: AsyncSession, view: ProjectView) -> list[tuple[ModerationEntry, User]]:
    require(view.can_read_audit)
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
    """Reported messages of the group's projects still to settle: by project, the most
    reported first."""
    if not permissions.can_review_reported_messages(user, group.facts):
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


async def may_hear_review(db: AsyncSession, user: User, iteration_id: int) -> bool:
    """The review queue's live channel is for those who may review it."""
    group = await iteration_view(db, user, iteration_id)
    return permissions.can_review_reported_messages(user, group.facts)

"""The team's discussion: messages, replies, mentions, edits, and reports to the trainers."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import forms, notifications, parsing, permissions
from community.errors import NotFound
from community.i18n import _
from community.models import Flag, Message, User, utcnow
from community.projects.access import EDIT_WINDOW, ProjectView, require
from community.projects.channels import nudge, nudge_review
from community.projects.choices import MemberStatus
from community.projects.membership import members_of

MESSAGE = forms.Text("body", max_length=2000, multiline=True)
REASON = forms.Text("reason", max_length=300)
MENTION = re.compile(r"@([\w\-]+)", re.UNICODE)


async def post(db: AsyncSession, view: ProjectView, data: dict[str, str]) -> None:
    """A message, or a reply; those mentioned by first name (@Amina) are told."""
    _refuse_if_read_only(view, data)
    require(view.can_post)
    if not view.can_moderate:
        await _check_pace(db, view, data)
    body = forms.parse(data, MESSAGE)["body"]
    if await _just_sent(db, view, body):
        return  # a double tap, or a form sent twice: one message
    project = view.project
    reply_to = parsing.ident(data.get("reply_to"))
    parent = await db.get(Message, reply_to) if reply_to else None
    db.add(
        Message(
            project_id=project.id or 0, author_id=view.user.id or 0, body=body,
            reply_to_id=parent.id if parent and parent.project_id == project.id else None,
        )
    )  # fmt: skip
    await db.flush()
    await _tell_mentioned(db, view, body)
    await nudge(db, project, "messages")


def _refuse_if_read_only(view: ProjectView, data: dict[str, str]) -> None:
    """A locked space is read-only: said in words to a member whose page was open before
    the lock, rather than a bare refusal."""
    if view.read_only:
        raise forms.FormError(
            {"body": _("This space is locked: it can be read, not written in.")}, data
        )


async def _check_pace(db: AsyncSession, view: ProjectView, data: dict[str, str]) -> None:
    """A slow space spaces each person's messages; the trainers who set it keep speaking."""
    project = view.project
    if not project.slow_mode_seconds:
        return
    last = (
        await db.exec(
            select(func.max(Message.created_at)).where(
                Message.project_id == project.id, Message.author_id == view.user.id
            )
        )
    ).one()
    if last is not None and utcnow() - last < timedelta(seconds=project.slow_mode_seconds):
        message = _("Slow mode: one message every %(n)s seconds.", n=project.slow_mode_seconds)
        raise forms.FormError({"body": message}, data)


async def _tell_mentioned(db: AsyncSession, view: ProjectView, body: str) -> None:
    project = view.project
    mentioned = {name.casefold() for name in MENTION.findall(body)}
    for member, person in await members_of(db, project.id or 0):
        first_name = person.display_name.split()[0].casefold()
        if (
            member.status == MemberStatus.MEMBER
            and person.id != view.user.id
            and first_name in mentioned
        ):
            await notifications.notify(
                db, person.id or 0, "mention", project.title, f"/projects/{project.id}"
            )


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
    """The latest messages, the pinned ones first; deleted ones are gone for everyone."""
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


async def message_in(db: AsyncSession, view: ProjectView, message_id: int) -> Message:
    """A message of this project; NotFound for any other."""
    message = await db.get(Message, message_id)
    if message is None or message.project_id != view.project.id:
        raise NotFound
    return message


async def edit(db: AsyncSession, view: ProjectView, message_id: int, data: dict[str, str]) -> None:
    message = await message_in(db, view, message_id)
    if view.wrote(message):
        _refuse_if_read_only(view, data)
    require(view.may_edit_message(message))
    if utcnow() - message.created_at > EDIT_WINDOW:
        raise forms.FormError({"body": _("Messages can be edited during 15 minutes.")}, data)
    message.body = forms.parse(data, MESSAGE)["body"]
    message.edited_at = utcnow()
    db.add(message)
    await nudge(db, view.project, "messages")


async def delete(db: AsyncSession, view: ProjectView, message_id: int) -> None:
    message = await message_in(db, view, message_id)
    require(permissions.can_delete_project_message(view.user, view.wrote(message)))
    message.deleted = True
    db.add(message)
    await nudge(db, view.project, "messages")


async def flag(db: AsyncSession, view: ProjectView, message_id: int, data: dict[str, str]) -> None:
    """Report a message to the group's trainers, whose queue updates."""
    require(view.can_flag)
    await message_in(db, view, message_id)  # NotFound for a message of another project
    reason = forms.parse(data, REASON)["reason"]
    try:
        async with db.begin_nested():
            db.add(Flag(message_id=message_id, user_id=view.user.id or 0, reason=reason))
    except IntegrityError:  # reported twice by the same person: once is enough
        return
    await nudge_review(db, view.project)

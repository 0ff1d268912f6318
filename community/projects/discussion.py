"""The team's discussion: messages, replies, mentions, edits, and reports to the trainers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import forms, notifications, parsing, permissions, storage
from community.errors import NotFound
from community.i18n import _, ngettext
from community.images import Upload, cleaned
from community.models import Flag, Message, User, utcnow
from community.projects.access import EDIT_WINDOW, ProjectView, require
from community.projects.channels import nudge_review, push
from community.projects.choices import MemberStatus
from community.projects.membership import members_of
from community.projects.photos import attach, forget

MESSAGE = forms.Text("body", max_length=2000, multiline=True)
REASON = forms.Text("reason", max_length=300)
PHOTO_ALT = forms.Text("alt", max_length=200, required=False)
MENTION = re.compile(r"@([\w\-]+)", re.UNICODE)


async def post(
    db: AsyncSession, view: ProjectView, data: dict[str, str], photo: Upload | None = None
) -> None:
    """A message, or a reply, with a photo if one is sent; those mentioned by first name
    (@Amina), and the author of the message replied to, are told."""
    _refuse_if_read_only(view, data)
    require(view.can_post)
    key = forms.idempotency_key(data)
    if key is not None and await _sent_with(db, view, key):
        return  # kept on a phone without network, and sent again: one message
    if not view.can_moderate:
        await _check_pace(db, view, data)
    fields = forms.parse(data, MESSAGE, PHOTO_ALT)
    body = fields["body"]
    ready = await cleaned(photo, data) if photo is not None else None
    if await _just_sent(db, view, body):
        return  # a double tap, or a form sent twice: one message
    project = view.project
    parent = await _replied_to(db, view, data.get("reply_to"))
    message = Message(
        project_id=project.id or 0, author_id=view.user.id or 0, body=body, idempotency_key=key,
        # Threads are one level deep: a reply to a reply joins the same thread.
        reply_to_id=(parent.reply_to_id or parent.id) if parent else None,
    )  # fmt: skip
    try:
        async with db.begin_nested():
            db.add(message)
    except IntegrityError:  # the same key, sent twice at the same moment
        return
    if ready is not None:
        attach(db, ready, message, fields["alt"])
    await _tell_mentioned(db, view, body)
    if parent is not None and parent.author_id != view.user.id:
        link = f"/projects/{project.id}"
        await notifications.notify(db, parent.author_id, "reply", project.title, link)
    await push(db, view, "messages")


async def _sent_with(db: AsyncSession, view: ProjectView, key: str) -> bool:
    sent = select(Message.id).where(
        Message.author_id == view.user.id, Message.idempotency_key == key
    )
    return (await db.exec(sent)).first() is not None


async def _replied_to(db: AsyncSession, view: ProjectView, reply_to: str | None) -> Message | None:
    """The message a reply answers; None for a new thread, or a message of another project."""
    parent_id = parsing.ident(reply_to)
    parent = await db.get(Message, parent_id) if parent_id else None
    return parent if parent is not None and parent.project_id == view.project.id else None


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
        seconds = project.slow_mode_seconds
        message = ngettext(
            "Slow mode: at least %(num)d second between two messages.",
            "Slow mode: at least %(num)d seconds between two messages.",
            seconds,
        )
        raise forms.FormError({"body": message}, data)


def mention_name(person: User) -> str:
    """How a person is mentioned (@Amina): their first name; an erased person, by nobody."""
    words = person.display_name.split()
    return words[0] if words and person.erased_at is None else ""


async def _tell_mentioned(db: AsyncSession, view: ProjectView, body: str) -> None:
    """Each seated member mentioned is told who mentioned them, and where."""
    project = view.project
    mentioned = {name.casefold() for name in MENTION.findall(body)}
    subject = notifications.subject_of(view.user.display_name, project.title)
    for member, person in await members_of(db, project.id or 0):
        if (
            member.status == MemberStatus.MEMBER
            and person.id != view.user.id
            and mention_name(person).casefold() in mentioned
        ):
            await notifications.notify(
                db, person.id or 0, "mention", subject, f"/projects/{project.id}"
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


@dataclass(frozen=True)
class Thread:
    """A message and the replies to it, oldest first (the first may have been deleted: its
    earliest reply leads the thread then)."""

    messages: list[tuple[Message, User]]

    @property
    def first(self) -> tuple[Message, User]:
        return self.messages[0]

    @property
    def replies(self) -> list[tuple[Message, User]]:
        return self.messages[1:]

    @property
    def pinned(self) -> bool:
        return any(message.pinned for message, _author in self.messages)


def _visible(project_id: int):  # the select of a message and its author
    return (
        select(Message, User)
        .join(User, col(User.id) == Message.author_id)
        .where(Message.project_id == project_id, col(Message.deleted).is_(False))
    )


async def threads_of(db: AsyncSession, project_id: int, limit: int = 50) -> list[Thread]:
    """The threads of the latest messages, like a chat: the oldest first, the newest at the
    bottom, and those holding a pinned message above them all. A thread shows the message it
    started with, even when its replies alone are among the latest."""
    latest = list(await db.exec(_visible(project_id).order_by(col(Message.id).desc()).limit(limit)))
    shown = {message.id for message, _author in latest}
    missing = {m.reply_to_id for m, _a in latest if m.reply_to_id and m.reply_to_id not in shown}
    if missing:
        latest += await db.exec(_visible(project_id).where(col(Message.id).in_(missing)))
    by_thread: dict[int, list[tuple[Message, User]]] = {}
    for message, author in sorted(latest, key=lambda row: row[0].id or 0):
        by_thread.setdefault(message.reply_to_id or message.id or 0, []).append((message, author))
    threads = [Thread(rows) for _first, rows in sorted(by_thread.items())]
    return sorted(threads, key=lambda thread: not thread.pinned)  # stable: pinned, then time


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
    await push(db, view, "messages")


async def delete(
    db: AsyncSession, view: ProjectView, message_id: int, media: storage.Storage
) -> None:
    message = await message_in(db, view, message_id)
    require(permissions.can_delete_project_message(view.user, view.wrote(message)))
    message.deleted = True
    db.add(message)
    await forget(db, media, message)
    await push(db, view, "messages")


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

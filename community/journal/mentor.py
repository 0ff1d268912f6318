"""The learner's workplace mentor, who has no account, confirms or comments one entry through
a link sent by mail. Only the hash of the link's random key is kept (as for every link sent
by mail); the link shows that entry alone, for two weeks, until the learner revokes it."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import forms, permissions
from community.database import lock
from community.errors import NotFound
from community.i18n import _
from community.journal.entries import own
from community.mail.letter import Letter
from community.mail.sender import locale_of, queue_to
from community.mail.tokens import digest
from community.models import JournalEntry, MentorLink, User, utcnow

LIFETIME = timedelta(days=14)
SEND_FIELDS = (
    forms.Text("mentor_name", max_length=80),
    forms.Email("mentor_email", max_length=254),
)
COMMENT = forms.Text("comment", max_length=1000, required=False, multiline=True)


class State(StrEnum):
    OPEN = "open"
    EXPIRED = "expired"
    REVOKED = "revoked"


def state_of(link: MentorLink) -> State:
    if link.revoked_at is not None:
        return State.REVOKED
    if link.expires_at <= utcnow():
        return State.EXPIRED
    return State.OPEN


def _letter(learner: User, entry: JournalEntry, mentor_name: str, url: str) -> Letter:
    return Letter(
        subject=_("%(name)s asks you to confirm a work situation", name=learner.display_name),
        greeting=_("Hello %(name)s,", name=mentor_name),
        paragraphs=(
            _(
                "%(name)s, whom you mentor at work, described this situation: “%(title)s”.",
                name=learner.display_name,
                title=entry.title,
            ),
            _(
                "You can confirm it or comment on it, without an account. The link works for "
                "fourteen days and shows this entry only."
            ),
        ),
        action=_("Read and confirm"),
        url=url,
        closing=(_("If you do not know this person, ignore this message."),),
    )


async def send(
    db: AsyncSession,
    user: User,
    entry_id: int,
    data: Mapping[str, str],
    base_url: str,
    mail_from: str,
) -> MentorLink:
    """A new link for the entry, mailed through the outbox in the learner's language."""
    found = await own(db, user, entry_id)
    values = forms.parse(data, *SEND_FIELDS)
    key = secrets.token_hex(16)
    assert user.id is not None
    link = MentorLink(
        entry_id=found.entry_id, author_id=user.id, key_hash=digest(key),
        expires_at=utcnow() + LIFETIME, **values,
    )  # fmt: skip
    db.add(link)
    url = f"{base_url}/mentor/{key}"
    compose = lambda: _letter(user, found.entry, values["mentor_name"], url)  # noqa: E731
    queue_to(db, user.id, values["mentor_email"], locale_of(user), "mentor", compose, mail_from)
    await db.flush()
    return link


async def revoke(db: AsyncSession, user: User, entry_id: int, link_id: int) -> None:
    found = await own(db, user, entry_id)
    link = await db.get(MentorLink, link_id)
    if link is None or link.entry_id != found.entry_id:
        raise NotFound
    link.revoked_at = link.revoked_at or utcnow()
    db.add(link)


async def links_of(db: AsyncSession, entry_id: int) -> list[MentorLink]:
    rows = await db.exec(
        select(MentorLink).where(MentorLink.entry_id == entry_id).order_by(col(MentorLink.id))
    )
    return list(rows)


async def confirmed_entries(db: AsyncSession, entry_ids: list[int]) -> set[int]:
    """Which of these entries a mentor confirmed."""
    rows = await db.exec(
        select(MentorLink.entry_id).where(
            col(MentorLink.entry_id).in_(entry_ids), col(MentorLink.confirmed)
        )
    )
    return set(rows)


@dataclass(frozen=True)
class Opened:
    """What a link opens: its state, and the entry and its author only while it is open."""

    state: State
    link: MentorLink | None = None
    entry: JournalEntry | None = None
    author: User | None = None


async def opened(db: AsyncSession, key: str, *, locked: bool = False) -> Opened:
    """The link's entry while the link works; an unknown key is not found."""
    rows = await db.exec(select(MentorLink.id).where(MentorLink.key_hash == digest(key)))
    link_id = rows.first()
    link = (
        await (lock(db, MentorLink, link_id) if locked else db.get(MentorLink, link_id))
        if link_id
        else None
    )
    if link is None:
        raise NotFound
    state = state_of(link)
    if not permissions.can_answer_as_mentor(state == State.OPEN):
        return Opened(state)
    entry = await db.get(JournalEntry, link.entry_id)
    author = await db.get(User, entry.author_id) if entry else None
    if entry is None or author is None:
        raise NotFound
    return Opened(state, link, entry, author)


async def answer(db: AsyncSession, key: str, data: Mapping[str, str]) -> Opened:
    """The mentor confirms (with an optional comment) or only comments; answered again, the
    newest answer counts. A closed link changes nothing."""
    found = await opened(db, key, locked=True)
    if found.link is None:
        return found
    comment = forms.parse(data, COMMENT)["comment"]
    confirms = data.get("decision") == "confirm"
    if not confirms and not comment:
        raise forms.FormError(
            {"comment": _("Write a comment, or confirm the situation.")}, dict(data)
        )
    found.link.confirmed = confirms or found.link.confirmed
    found.link.comment = comment
    found.link.answered_at = utcnow()
    db.add(found.link)
    return found

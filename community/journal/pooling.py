"""Pooling at the training centre: a learner shares an entry with their group for a session;
peers and trainers comment on it. The session's pooling region is the same for every reader:
a write renders it once per language and pushes it to every open page. For the trainers,
shared entries grouped by skill, and the skills most practised, counted from k learners; the
entries they picked to discuss come first, in their order."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

import realtime
from community import forms, parsing, permissions, trainings
from community.errors import NotFound
from community.flipped.capsule import Place  # a session and the reader's place in its group
from community.i18n import _
from community.journal import entries, mentor
from community.models import (
    CourseSession,
    JournalComment,
    JournalEntry,
    JournalPick,
    Skill,
    User,
    utcnow,
)
from community.reports.publication import threshold_of
from community.templating import as_event, render_each
from community.trainings.groups import IterationView

TEMPLATE = "journal/pooling.html"
COMMENT = forms.Text("body", max_length=500, multiline=True)


def channel(session_id: int) -> str:
    return f"pooling:{session_id}"


async def place(db: AsyncSession, user: User, session_id: int) -> Place:
    """The session, when the reader may read its pooling; NotFound otherwise."""
    session = await db.get(CourseSession, session_id)
    if session is None:
        raise NotFound
    group = await trainings.iteration_view(db, user, session.iteration_id)
    if not permissions.can_read_pooling(user, group.facts):
        raise NotFound
    return Place(session, group)


@dataclass(frozen=True)
class Shared:
    entry: JournalEntry
    author: str
    skills: list[Skill]
    confirmed: bool
    comments: list[tuple[JournalComment, str]]


async def shared_in(db: AsyncSession, session_id: int) -> list[Shared]:
    """The entries shared for the session, oldest first, with their comments."""
    rows = list(
        await db.exec(
            select(JournalEntry, User.display_name)
            .join(User, col(User.id) == JournalEntry.author_id)
            .where(JournalEntry.shared_session_id == session_id)
            .order_by(col(JournalEntry.shared_at), col(JournalEntry.id))
        )
    )
    ids = [entry.id or 0 for entry, _name in rows]
    skills = await entries.skills_of(db, ids)
    confirmed = await mentor.confirmed_entries(db, ids)
    comments: dict[int, list[tuple[JournalComment, str]]] = {}
    for comment, name in await db.exec(
        select(JournalComment, User.display_name)
        .join(User, col(User.id) == JournalComment.author_id)
        .where(col(JournalComment.entry_id).in_(ids))
        .order_by(col(JournalComment.id))
    ):
        comments.setdefault(comment.entry_id, []).append((comment, name))
    return [
        Shared(e, name, skills.get(e.id or 0, []), e.id in confirmed, comments.get(e.id or 0, []))
        for e, name in rows
    ]


async def picked_in(db: AsyncSession, session_id: int) -> list[int]:
    """The entries picked to discuss in the session, in their order."""
    rows = await db.exec(
        select(JournalPick.entry_id)
        .where(JournalPick.session_id == session_id)
        .order_by(col(JournalPick.position), col(JournalPick.id))
    )
    return list(rows)


@dataclass(frozen=True)
class Pooled:
    """The session's shared entries: those picked to discuss, in their order, then the others."""

    picked: list[Shared]
    others: list[Shared]

    @property
    def count(self) -> int:
        return len(self.picked) + len(self.others)


async def pooled_in(db: AsyncSession, session_id: int) -> Pooled:
    shared = await shared_in(db, session_id)
    by_id = {item.entry.id: item for item in shared}
    order = [i for i in await picked_in(db, session_id) if i in by_id]
    return Pooled([by_id[i] for i in order], [i for i in shared if i.entry.id not in order])


def context(session: CourseSession, pooled: Pooled, live_seq: Any = "") -> dict[str, Any]:
    return {"session": session, "pooled": pooled, "live_seq": live_seq, "oob": live_seq == ""}


async def changed(db: AsyncSession, session_id: int) -> None:
    """Every open pooling page of the session gets the new region, rendered once per
    language after the writes of this request."""

    async def region() -> str:
        session = await db.get(CourseSession, session_id)
        pooled = await pooled_in(db, session_id)
        return as_event(render_each(TEMPLATE, "pooling", lambda: {"": context(session, pooled)}))  # type: ignore[arg-type]

    await realtime.append(db, channel(session_id), region)


async def sessions_to_share(db: AsyncSession, group: IterationView) -> list[CourseSession]:
    return await trainings.sessions_of(db, group.iteration)


async def share(db: AsyncSession, user: User, entry_id: int, data: Mapping[str, str]) -> int:
    """The entry, shared with its group for one of the group's sessions; shared before for
    another, it moves. Both pages follow."""
    found = await entries.own(db, user, entry_id)
    if not permissions.can_share_entry(user, found.group.facts, found.is_author):
        raise NotFound
    session = await db.get(CourseSession, parsing.ident_or_zero(data.get("session_id")))
    if session is None or session.iteration_id != found.group.iteration_id:
        raise forms.FormError({"session_id": _("Choose one of the group's sessions.")}, dict(data))
    before = found.entry.shared_session_id
    if before != session.id:
        await _drop_picks(db, found.entry_id)
    found.entry.shared_session_id, found.entry.shared_at = session.id, utcnow()
    db.add(found.entry)
    await db.flush()
    for session_id in {before, session.id} - {None}:
        await changed(db, session_id or 0)
    return session.id or 0


async def unshare(db: AsyncSession, user: User, entry_id: int) -> None:
    """Private again: gone from the pooling page (its comments are kept with it)."""
    found = await entries.own(db, user, entry_id)
    before = found.entry.shared_session_id
    if before is None:
        return
    await _drop_picks(db, found.entry_id)
    found.entry.shared_session_id, found.entry.shared_at = None, None
    db.add(found.entry)
    await db.flush()
    await changed(db, before)


async def _drop_picks(db: AsyncSession, entry_id: int) -> None:
    """Unshared, or shared for another session, an entry is no longer picked to discuss."""
    await db.exec(delete(JournalPick).where(col(JournalPick.entry_id) == entry_id))


async def forget(db: AsyncSession, entry: JournalEntry) -> None:
    """After an entry was deleted: the pooling page it was shared on follows."""
    if entry.shared_session_id is not None:
        await changed(db, entry.shared_session_id)


async def comment(db: AsyncSession, user: User, entry_id: int, data: Mapping[str, str]) -> int:
    """A peer's or trainer's comment on a shared entry; pushed to the session's page."""
    found = await entries.find(db, user, entry_id)
    session_id = found.entry.shared_session_id
    if session_id is None or not permissions.can_comment_shared_entry(user, found.group.facts):
        raise NotFound
    body = forms.parse(data, COMMENT)["body"]
    assert user.id is not None
    db.add(JournalComment(entry_id=found.entry_id, author_id=user.id, body=body))
    await db.flush()
    await changed(db, session_id)
    return session_id


@dataclass(frozen=True)
class BySkill:
    skill: Skill
    shared: list[Shared]
    learners: int  # how many learners shared an entry using it

    def shown_count(self, k: int) -> int | None:
        return self.learners if self.learners >= k else None


@dataclass(frozen=True)
class Preparation:
    k: int
    skills: list[BySkill]
    without_skill: list[Shared]
    pooled: Pooled

    @property
    def most_practised(self) -> list[BySkill]:
        """Skills counted from k learners, the most practised first."""
        counted = [s for s in self.skills if s.learners >= self.k]
        return sorted(counted, key=lambda s: (-s.learners, s.skill.name))


async def preparation(db: AsyncSession, user: User, session_id: int) -> tuple[Place, Preparation]:
    """For the group's trainers: the shared entries grouped by skill."""
    found = await place(db, user, session_id)
    if not permissions.can_prepare_pooling(user, found.group.facts):
        raise NotFound
    k = await threshold_of(db, found.group.training.provider_id)
    pooled = await pooled_in(db, session_id)
    shared = pooled.picked + pooled.others
    by_skill: dict[int, tuple[Skill, list[Shared]]] = {}
    for item in shared:
        for skill in item.skills:
            by_skill.setdefault(skill.id or 0, (skill, []))[1].append(item)
    skills = [
        BySkill(skill, items, len({i.entry.author_id for i in items}))
        for skill, items in sorted(by_skill.values(), key=lambda pair: pair[0].name)
    ]
    return found, Preparation(k, skills, [i for i in shared if not i.skills], pooled)

"""A learner's journal: entries written along Gibbs' cycle (what happened, what I did, what
was hard, what I would do next time) with the skills used, private to their author until
shared. Who may read an entry is decided here, once, for every page that shows one."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import forms, parsing, permissions, trainings
from community.errors import NotFound
from community.i18n import _
from community.models import (
    EnrolmentRole,
    JournalComment,
    JournalEntry,
    JournalEntrySkill,
    MentorLink,
    Skill,
    SkillValidation,
    User,
    utcnow,
)
from community.skill_map.common import provider_skills
from community.trainings.groups import IterationView

FIELDS = (
    forms.Text("title", max_length=120),
    forms.Text("happened", max_length=1500, multiline=True),
    forms.Text("did", max_length=1500, multiline=True),
    forms.Text("hard", max_length=1500, required=False, multiline=True),
    forms.Text("next_time", max_length=1500, required=False, multiline=True),
)
SKILL_PREFIX = "skill-"  # one checkbox per skill of the catalogue: `skill-<id>`


@dataclass(frozen=True)
class Found:
    """An entry and its reader's place in the entry's group."""

    entry: JournalEntry
    group: IterationView
    is_author: bool

    @property
    def entry_id(self) -> int:
        return self.entry.id or 0


async def learning_groups(db: AsyncSession, user: User) -> list[IterationView]:
    """The groups the person learns in, where they may write entries."""
    views = []
    for iteration, _training, role in await trainings.my_iterations(db, user):
        if role == EnrolmentRole.LEARNER and iteration.id is not None:
            views.append(await trainings.iteration_view(db, user, iteration.id))
    return views


async def find(db: AsyncSession, user: User, entry_id: int) -> Found:
    """The entry, when the reader may read it; NotFound otherwise, so that a private entry
    is not even known to exist (trainers and staff included)."""
    entry = await db.get(JournalEntry, entry_id)
    if entry is None:
        raise NotFound
    is_author = entry.author_id == user.id
    try:
        group = await trainings.iteration_view(db, user, entry.iteration_id)
    except NotFound:
        if not is_author:
            raise
        group = await _former_group(db, entry)
    shared = entry.shared_session_id is not None
    if not permissions.can_read_entry(user, group.facts, is_author, shared):
        raise NotFound
    return Found(entry, group, is_author)


async def _former_group(db: AsyncSession, entry: JournalEntry) -> IterationView:
    """The group of an entry whose author left it: still theirs to read and delete."""
    from community.models import Iteration, Training

    iteration = await db.get(Iteration, entry.iteration_id)
    training = await db.get(Training, iteration.training_id) if iteration else None
    if iteration is None or training is None:
        raise NotFound
    return IterationView(
        iteration, training, permissions.IterationFacts(training.provider_id, None)
    )


async def own(db: AsyncSession, user: User, entry_id: int) -> Found:
    """The reader's own entry, for a change; anyone else's is not found."""
    found = await find(db, user, entry_id)
    if not permissions.can_change_entry(user, found.is_author):
        raise NotFound
    return found


def _chosen_skills(data: Mapping[str, str]) -> set[int] | None:
    """The skills ticked; None when a box names no readable id."""
    chosen = set()
    for key in data:
        if key.startswith(SKILL_PREFIX):
            ident = parsing.ident(key.removeprefix(SKILL_PREFIX))
            if ident is None:
                return None
            chosen.add(ident)
    return chosen


async def _checked(
    db: AsyncSession, group: IterationView, data: Mapping[str, str]
) -> tuple[dict, set[int]]:
    """The entry's fields and skills, or one FormError naming every problem, with what was
    typed (nothing typed is lost on a refusal)."""
    errors: dict[str, str] = {}
    values = forms.collect(data, errors, *FIELDS)
    catalogue = {s.id for s in await provider_skills(db, group.training.provider_id)}
    chosen = _chosen_skills(data)
    if chosen is None or not chosen <= catalogue:
        errors["skills"] = _("Choose skills from the list.")
    if errors:
        raise forms.FormError(errors, dict(data))
    return values, chosen or set()


async def _writable_group(db: AsyncSession, user: User, data: Mapping[str, str]) -> IterationView:
    groups = await learning_groups(db, user)
    if not groups:
        raise NotFound
    # Without a choice, the current group (the one that ends last) is meant.
    raw = data.get("iteration_id")
    wanted = parsing.ident(raw) if raw else groups[0].iteration_id
    group = next((g for g in groups if g.iteration_id == wanted), None)
    if group is None:
        raise forms.FormError({"iteration_id": _("Choose one of the options.")}, dict(data))
    if not permissions.can_write_entry(user, group.facts):
        raise NotFound
    return group


async def write(db: AsyncSession, user: User, data: Mapping[str, str]) -> JournalEntry:
    """A new private entry in one of the learner's groups."""
    if not permissions.can_keep_journal(user):
        raise NotFound
    key = forms.idempotency_key(data)
    sent = await _sent_with(db, user, key) if key is not None else None
    if sent is not None:
        return sent  # written offline, and sent again when the network came back: one entry
    group = await _writable_group(db, user, data)
    values, skills = await _checked(db, group, data)
    assert user.id is not None
    entry = JournalEntry(
        author_id=user.id, iteration_id=group.iteration_id, idempotency_key=key, **values
    )
    db.add(entry)
    await db.flush()
    await _set_skills(db, entry.id or 0, skills)
    return entry


async def _sent_with(db: AsyncSession, user: User, key: str) -> JournalEntry | None:
    sent = select(JournalEntry).where(
        JournalEntry.author_id == user.id, JournalEntry.idempotency_key == key
    )
    return (await db.exec(sent)).first()


async def edit(db: AsyncSession, user: User, entry_id: int, data: Mapping[str, str]) -> Found:
    found = await own(db, user, entry_id)
    values, skills = await _checked(db, found.group, data)
    for name, value in values.items():
        setattr(found.entry, name, value)
    found.entry.updated_at = utcnow()
    db.add(found.entry)
    await _set_skills(db, found.entry_id, skills)
    return found


async def _set_skills(db: AsyncSession, entry_id: int, skills: set[int]) -> None:
    await db.exec(delete(JournalEntrySkill).where(col(JournalEntrySkill.entry_id) == entry_id))
    db.add_all(JournalEntrySkill(entry_id=entry_id, skill_id=s) for s in sorted(skills))
    await db.flush()


async def remove(db: AsyncSession, user: User, entry_id: int) -> Found:
    """The entry goes, with its skills, its mentor links, the comments on it and the skills
    validated from it."""
    found = await own(db, user, entry_id)
    for table in (JournalEntrySkill, MentorLink, JournalComment, SkillValidation):
        await db.exec(delete(table).where(col(table.entry_id) == entry_id))
    await db.exec(delete(JournalEntry).where(col(JournalEntry.id) == entry_id))
    return found


async def mine(db: AsyncSession, user: User) -> list[JournalEntry]:
    rows = await db.exec(
        select(JournalEntry)
        .where(JournalEntry.author_id == user.id)
        .order_by(col(JournalEntry.created_at).desc(), col(JournalEntry.id).desc())
    )
    return list(rows)


async def skills_of(db: AsyncSession, entry_ids: list[int]) -> dict[int, list[Skill]]:
    """Each entry's skills, by entry id, in one query."""
    rows = await db.exec(
        select(JournalEntrySkill.entry_id, Skill)
        .join(Skill, col(Skill.id) == JournalEntrySkill.skill_id)
        .where(col(JournalEntrySkill.entry_id).in_(entry_ids))
        .order_by(col(Skill.name))
    )
    found: dict[int, list[Skill]] = {}
    for entry_id, skill in rows:
        found.setdefault(entry_id, []).append(skill)
    return found


def values_of(entry: JournalEntry, skills: list[Skill]) -> dict[str, str]:
    """The entry as its edit form shows it."""
    values = {field.name: str(getattr(entry, field.name)) for field in FIELDS}
    values.update({f"{SKILL_PREFIX}{skill.id}": "on" for skill in skills})
    return values

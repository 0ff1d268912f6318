"""Evidence of a learner's skills from three sources side by side: the learner's own entries
naming the skill, their workplace mentor's confirmations of those entries, and what a trainer
of the group observed or validated from a shared entry. One gathering serves the learner's
page, their trainers' view (shared entries only) and the printed dossier (chosen entries)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import forms, parsing, permissions, trainings
from community.database import insert_for
from community.errors import NotFound
from community.i18n import DISPLAY_TIMEZONE, _
from community.journal import entries
from community.models import JournalEntry, MentorLink, Skill, SkillValidation, User, utcnow
from community.skill_map.common import provider_skills

LEVELS = ("observed", "validated")
FIELDS = (
    forms.Choice("level", max_length=20, choices=LEVELS),
    forms.Day("observed_on"),
    forms.Text("comment", max_length=500, required=False, multiline=True),
)


def level_label(level: str) -> str:
    return _("Skill observed") if level == "observed" else _("Skill validated")


def blank() -> dict[str, str]:
    """A new validation's form: a skill validated today."""
    today = datetime.now(DISPLAY_TIMEZONE).date()
    return {"level": "validated", "observed_on": today.isoformat()}


async def _checked(db: AsyncSession, found: entries.Found, data: Mapping[str, str]) -> dict:
    """The validation's fields, or one FormError naming every problem."""
    errors: dict[str, str] = {}
    values = forms.collect(data, errors, *FIELDS)
    catalogue = {s.id for s in await provider_skills(db, found.group.training.provider_id)}
    values["skill_id"] = parsing.ident(data.get("skill_id"))
    if values["skill_id"] not in catalogue:
        errors["skill_id"] = _("Choose skills from the list.")
    day = values.get("observed_on")
    if day is not None and day > datetime.now(DISPLAY_TIMEZONE).date():
        errors["observed_on"] = _("Choose a day that has already come.")
    if errors:
        raise forms.FormError(errors, dict(data))
    return values


async def validate(
    db: AsyncSession, user: User, entry_id: int, data: Mapping[str, str]
) -> entries.Found:
    """A trainer of the group records a skill seen in a shared entry. Two trainers (or two
    clicks) at once leave one row, the newest answer in it."""
    found = await entries.find(db, user, entry_id)
    shared = found.entry.shared_session_id is not None
    if not shared or not permissions.can_validate_skill(user, found.group.facts):
        raise NotFound
    values = await _checked(db, found, data)
    assert user.id is not None
    answer = {**values, "trainer_id": user.id, "created_at": utcnow()}
    statement = (
        insert_for(db, SkillValidation)
        .values(entry_id=found.entry_id, learner_id=found.entry.author_id, **answer)
        .on_conflict_do_update(index_elements=["entry_id", "skill_id"], set_=answer)
    )
    await (await db.connection()).execute(statement)
    return found


@dataclass(frozen=True)
class Validation:
    row: SkillValidation
    entry: JournalEntry
    trainer: str


@dataclass
class SkillEvidence:
    """One skill's evidence, by source."""

    skill: Skill
    own: list[JournalEntry] = field(default_factory=list)
    mentor: list[tuple[JournalEntry, MentorLink]] = field(default_factory=list)
    trainer: list[Validation] = field(default_factory=list)


async def gather(db: AsyncSession, chosen: list[JournalEntry]) -> list[SkillEvidence]:
    """The evidence that these entries (and nothing else) hold, skill by skill."""
    by_id = {e.id or 0: e for e in chosen}
    skills = await entries.skills_of(db, list(by_id))
    found: dict[int, SkillEvidence] = {}

    def at(skill: Skill) -> SkillEvidence:
        return found.setdefault(skill.id or 0, SkillEvidence(skill))

    for entry_id, named in skills.items():
        for skill in named:
            at(skill).own.append(by_id[entry_id])
    for link in await db.exec(
        select(MentorLink)
        .where(col(MentorLink.entry_id).in_(list(by_id)), col(MentorLink.confirmed))
        .order_by(col(MentorLink.answered_at))
    ):
        for skill in skills.get(link.entry_id, []):
            at(skill).mentor.append((by_id[link.entry_id], link))
    for row, skill, trainer in await db.exec(
        select(SkillValidation, Skill, User.display_name)
        .join(Skill, col(Skill.id) == SkillValidation.skill_id)
        .join(User, col(User.id) == SkillValidation.trainer_id)
        .where(col(SkillValidation.entry_id).in_(list(by_id)))
        .order_by(col(SkillValidation.observed_on))
    ):
        at(skill).trainer.append(Validation(row, by_id[row.entry_id], trainer))
    return sorted(found.values(), key=lambda s: s.skill.name)


async def mine(db: AsyncSession, user: User) -> list[SkillEvidence]:
    """The learner's own page: every entry of theirs, private ones included."""
    if not permissions.can_read_skill_evidence(user, permissions.can_keep_journal(user), None):
        raise NotFound
    return await gather(db, await entries.mine(db, user))


async def of_learner(db: AsyncSession, user: User, learner_id: int) -> tuple[User, list]:
    """For a trainer of the learner's groups: the entries shared in those groups only (what is
    private stays private)."""
    learner = await db.get(User, learner_id)
    taught = await _taught_groups(db, user, learner) if learner else set()
    if learner is None or not taught:
        raise NotFound
    rows = await db.exec(
        select(JournalEntry)
        .where(
            JournalEntry.author_id == learner_id,
            col(JournalEntry.iteration_id).in_(taught),
            col(JournalEntry.shared_session_id).is_not(None),
        )
        .order_by(col(JournalEntry.created_at).desc())
    )
    return learner, await gather(db, list(rows))


async def _taught_groups(db: AsyncSession, reader: User, learner: User) -> set[int]:
    """The groups the learner learns in whose evidence the reader may read."""
    taught = set()
    for group in await entries.learning_groups(db, learner):
        try:
            facts = (await trainings.iteration_view(db, reader, group.iteration_id)).facts
        except NotFound:
            continue
        if permissions.can_read_skill_evidence(reader, False, facts):
            taught.add(group.iteration_id)
    return taught


async def on_entry(db: AsyncSession, entry_id: int) -> list[tuple[SkillValidation, str, str]]:
    """The validations made from one entry: each with its skill and trainer."""
    rows = await db.exec(
        select(SkillValidation, Skill.name, User.display_name)
        .join(Skill, col(Skill.id) == SkillValidation.skill_id)
        .join(User, col(User.id) == SkillValidation.trainer_id)
        .where(SkillValidation.entry_id == entry_id)
        .order_by(col(Skill.name))
    )
    return list(rows)

"""The dossier a learner prints for their funder (AFEST-style): the work situations they
choose, each with its reflective sequence along Gibbs' cycle, then the evidence of each skill
by source, with dates. Shared entries are offered ticked; private ones go in only if ticked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from community import forms, parsing, permissions
from community.errors import NotFound
from community.i18n import DISPLAY_TIMEZONE, _
from community.journal import entries
from community.journal.evidence import SkillEvidence, gather
from community.models import JournalEntry, Skill, User
from community.trainings.groups import IterationView

CHOICE = "entry"  # one checkbox per entry, all under this name


@dataclass(frozen=True)
class Dossier:
    learner: User
    groups: list[IterationView]
    entries: list[JournalEntry]  # oldest first, as the situations happened
    skills: dict[int, list[Skill]]
    evidence: list[SkillEvidence]
    printed_on: date


async def offered(db: AsyncSession, user: User) -> list[JournalEntry]:
    """The entries the learner may put in their dossier: all of theirs."""
    if not permissions.can_print_dossier(user):
        raise NotFound
    return await entries.mine(db, user)


def _chosen(raw: Sequence[str], mine: list[JournalEntry]) -> set[int] | None:
    """The ids ticked; None when one is unreadable or not the learner's, or none is."""
    wanted = {parsing.ident(value) for value in raw}
    if not wanted or None in wanted or not wanted <= {e.id for e in mine}:
        return None
    return {ident for ident in wanted if ident is not None}


async def compose(db: AsyncSession, user: User, raw: Sequence[str]) -> Dossier:
    mine = await offered(db, user)
    wanted = _chosen(raw, mine)
    if wanted is None:
        raise forms.FormError({CHOICE: _("Choose entries from your journal.")}, {})
    chosen = [e for e in reversed(mine) if e.id in wanted]
    iterations = {e.iteration_id for e in chosen}
    groups = [g for g in await entries.learning_groups(db, user) if g.iteration_id in iterations]
    return Dossier(
        learner=user,
        groups=groups,
        entries=chosen,
        skills=await entries.skills_of(db, list(wanted)),
        evidence=await gather(db, chosen),
        printed_on=datetime.now(DISPLAY_TIMEZONE).date(),
    )

"""A VR practice's debrief, taken into the journal when its learner asks: a new private entry
in the group of the scene's provider, with the scene, its skill and the learner's two answers,
for them to complete. Nothing is written without that request."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from community.errors import NotFound
from community.i18n import _
from community.journal import entries
from community.journal.entries import SKILL_PREFIX
from community.models import JournalEntry, User
from community.vr import practice
from community.vr.reach import reach


async def to_journal(db: AsyncSession, user: User, practice_id: int) -> JournalEntry:
    """The new entry; NotFound for a practice not the reader's, not debriefed yet, or whose
    provider has none of the reader's groups."""
    done, scene = await practice.own(db, await reach(db, user), practice_id)
    groups = await entries.learning_groups(db, user)
    group = next((g for g in groups if g.training.provider_id == scene.provider_id), None)
    if done.debriefed_at is None or group is None:
        raise NotFound
    data = {
        # Tapped twice, the button makes one entry: the one already taken from this practice.
        "idem": f"vr-practice-{practice_id}",
        "iteration_id": str(group.iteration_id),
        "title": scene.title,
        "happened": _("I practised the 360° scene “%(scene)s”.", scene=scene.title),
        "did": done.went_well,
        "next_time": done.do_differently,
        f"{SKILL_PREFIX}{scene.skill_id}": "on",
    }
    return await entries.write(db, user, data)

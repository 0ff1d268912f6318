"""Practising a scene: a comfort check first (moving images may make some people sick; the
flat version is always one choice away, and an opt-out is remembered), then a debrief of
two questions, the learner's alone."""

from __future__ import annotations

from collections.abc import Mapping

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import forms, permissions
from community.database import insert_for
from community.errors import NotFound
from community.models import PracticeMode, VrComfort, VrPractice, VrScene, utcnow
from community.vr import scenes
from community.vr.reach import Reach

DEBRIEF = (
    forms.Text("went_well", max_length=1000, multiline=True),
    forms.Text("do_differently", max_length=1000, multiline=True),
)
CHOICE = (forms.Choice("mode", choices=tuple(PracticeMode)),)


async def prefers_flat(db: AsyncSession, user_id: int | None) -> bool:
    comfort = await db.get(VrComfort, user_id) if user_id is not None else None
    return comfort is not None and comfort.prefers_flat


async def start(db: AsyncSession, seen: Reach, scene_id: int, data: Mapping[str, str]) -> int:
    """The learner's answer to the comfort check starts a practice in the mode chosen; the
    choice is remembered, so that an opt-out holds for the next scenes."""
    found, _skill = await scenes.scene(db, seen, scene_id)
    if not seen.practises(found.provider_id):
        raise NotFound
    mode = forms.parse(data, *CHOICE)["mode"]
    user_id = seen.user.id
    flat = mode == PracticeMode.FLAT
    statement = insert_for(db, VrComfort).values(user_id=user_id, prefers_flat=flat)
    statement = statement.on_conflict_do_update(
        index_elements=["user_id"], set_={"prefers_flat": flat, "updated_at": utcnow()}
    )
    await (await db.connection()).execute(statement)
    assert user_id is not None
    practice = VrPractice(scene_id=found.id or 0, user_id=user_id, mode=mode)
    db.add(practice)
    await db.flush()
    return practice.id or 0


async def own(db: AsyncSession, seen: Reach, practice_id: int) -> tuple[VrPractice, VrScene]:
    """A practice and its scene, for the learner who did it; NotFound for anyone else."""
    practice = await db.get(VrPractice, practice_id)
    wrote_it = practice is not None and practice.user_id == seen.user.id
    if practice is None or not permissions.can_read_vr_debrief(seen.user, wrote_it):
        raise NotFound
    found = await db.get(VrScene, practice.scene_id)
    assert found is not None
    return practice, found


async def debrief(db: AsyncSession, seen: Reach, practice_id: int, data: Mapping[str, str]) -> None:
    practice, _scene = await own(db, seen, practice_id)
    values = forms.parse(data, *DEBRIEF)
    practice.went_well, practice.do_differently = values["went_well"], values["do_differently"]
    practice.debriefed_at = utcnow()
    db.add(practice)


async def debriefs(db: AsyncSession, seen: Reach) -> list[tuple[VrPractice, VrScene]]:
    """The reader's debriefed practices, newest first."""
    rows = await db.exec(
        select(VrPractice, VrScene)
        .join(VrScene, col(VrScene.id) == VrPractice.scene_id)
        .where(VrPractice.user_id == seen.user.id, col(VrPractice.debriefed_at).is_not(None))
        .order_by(col(VrPractice.debriefed_at).desc())
    )
    return list(rows)

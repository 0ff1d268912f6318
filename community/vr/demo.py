"""The demo's virtual reality: a 360° scene of the catalogue tagged "Premiers secours" (its
picture drawn here, then kept as an upload is), two headsets with slots from tomorrow, one
of them booked. No 360° video: one is only linked from an https video host, which a demo
that works offline has not."""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta

from PIL import Image, ImageDraw
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import storage
from community.models import Skill, User, VrHeadset
from community.vr import headsets, scenes
from community.vr.reach import reach

SCENE = {
    "title": "Malaise dans une chambre de résident",
    "description": "Une chambre d'établissement pour personnes âgées, vue du centre. Devant "
    "vous, un lit médicalisé où une résidente est allongée, pâle ; à gauche, la fenêtre et un "
    "fauteuil ; à droite, la porte et le bouton d'appel. Repérez les dangers, puis dites dans "
    "quel ordre vous protégez, examinez et alertez.",
}
SKILL = "Premiers secours"
HEADSETS = ("Casque n° 1", "Casque n° 2")
SLOT_HOURS = ((10, 0), (10, 30), (11, 0), (14, 0))
BOOKED_BY = 3  # the demo learner who booked the second headset's first slot


def panorama() -> bytes:
    """A room drawn around the viewer, 2:1 as 360° pictures are: ceiling, walls, floor, a
    window, a bed and a door."""
    width, height = 2048, 1024
    image = Image.new("RGB", (width, height), (236, 232, 222))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width, 260), fill=(250, 250, 246))  # ceiling
    draw.rectangle((0, 700, width, height), fill=(176, 150, 120))  # floor
    draw.rectangle((180, 300, 420, 560), fill=(160, 205, 235))  # window
    draw.rectangle((860, 520, 1240, 720), fill=(245, 245, 250), outline=(90, 90, 110), width=6)
    draw.ellipse((900, 500, 990, 570), fill=(235, 205, 185))  # the resident
    draw.rectangle((1560, 300, 1720, 700), fill=(140, 100, 70))  # door
    draw.ellipse((1760, 440, 1790, 470), fill=(210, 40, 40))  # call button
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


async def load(
    db: AsyncSession, staff: User, learners: dict[int, User], today: date,
    media: storage.Storage | None,
) -> None:  # fmt: skip
    """The catalogue's scene needs somewhere to keep its picture: without `media`, only the
    headsets and their slots."""
    seen = await reach(db, staff)
    skill = (await db.exec(select(Skill).where(Skill.name == SKILL))).one()
    if media is not None:
        await scenes.add(db, seen, {**SCENE, "skill_id": str(skill.id)}, panorama(), media)
    for name in HEADSETS:
        await headsets.add_headset(db, seen, {"name": name})
    tomorrow = today + timedelta(days=1)
    for headset in await headsets.headsets(db, staff.provider_id):
        for hour, minute in SLOT_HOURS:
            begin = datetime.combine(tomorrow, time(hour, minute))
            data = {"starts_at": begin.isoformat(timespec="minutes"), "minutes": "30"}
            await headsets.add_slot(db, seen, headset.id or 0, data)
    second = (await db.exec(select(VrHeadset).where(VrHeadset.name == HEADSETS[1]))).one()
    first_slot = next(
        s
        for s in await headsets.upcoming(db, await reach(db, learners[BOOKED_BY]))
        if s.headset.id == second.id
    )
    await headsets.book(db, await reach(db, learners[BOOKED_BY]), first_slot.slot.id or 0)

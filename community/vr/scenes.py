"""The provider's catalogue of 360° scenes, each tagged by a skill of its catalogue: the
picture is a cleaned upload (content-checked, size-limited, without metadata) or an https
address; its description is the text alternative every reader gets."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from urllib.parse import urlsplit

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import forms, images, storage
from community.errors import NotFound
from community.i18n import _
from community.models import Skill, VrScene
from community.skill_map.common import provider_skill
from community.vr.reach import Reach

FIELD = "picture"
# A 360° picture is read up close: kept larger than a message's photo.
LONGEST_SIDE = 4096
FIELDS = (
    forms.Text("title", max_length=120),
    forms.Text("description", max_length=1000, multiline=True),
    forms.Text("image_url", max_length=500, required=False),
)


def https_link(raw: str) -> bool:
    try:
        parts = urlsplit(raw)
    except ValueError:
        return False
    return parts.scheme == "https" and bool(parts.hostname)


async def add(
    db: AsyncSession, seen: Reach, data: Mapping[str, str], upload: bytes | None,
    media: storage.Storage,
) -> VrScene:  # fmt: skip
    """A keeper of the catalogue adds a scene: a picture sent, or an https address."""
    provider_id = seen.kept
    if provider_id is None:
        raise NotFound
    skill = await provider_skill(db, provider_id, data, "skill_id")
    values = forms.parse(data, *FIELDS)
    url = values.pop("image_url")
    if upload is None and not https_link(url):
        message = _("Send a 360° picture, or enter an address starting with https://.")
        raise forms.FormError({FIELD: message}, data)
    key = ""
    if upload is not None:
        key, url = await _keep(db, upload, data, media), ""
    assert seen.user.id is not None and skill.id is not None
    scene = VrScene(provider_id=provider_id, skill_id=skill.id, author_id=seen.user.id,
                    image_key=key, image_url=url, **values)  # fmt: skip
    db.add(scene)
    await db.flush()
    return scene


async def _keep(
    db: AsyncSession, upload: bytes, data: Mapping[str, str], media: storage.Storage
) -> str:
    try:
        # Decoding and encoding take a while: the other requests go on meanwhile.
        picture = await asyncio.to_thread(images.clean, upload, LONGEST_SIDE)
    except images.Refused as refused:
        raise forms.FormError({FIELD: str(refused)}, data) from None
    key = storage.new_key()
    storage.put_in(db, media, key, picture.content)
    return key


async def catalogue(db: AsyncSession, seen: Reach) -> list[tuple[VrScene, Skill]]:
    rows = await db.exec(
        select(VrScene, Skill)
        .join(Skill, col(Skill.id) == VrScene.skill_id)
        .where(col(VrScene.provider_id).in_(seen.providers))
        .order_by(col(Skill.name), col(VrScene.title))
    )
    return [(scene, skill) for scene, skill in rows if seen.opens(scene.provider_id)]


async def scene(db: AsyncSession, seen: Reach, scene_id: int) -> tuple[VrScene, Skill]:
    """A scene the reader may open, with its skill; NotFound for any other."""
    found = await db.get(VrScene, scene_id)
    if found is None:
        raise NotFound
    seen.check_opens(found.provider_id)
    skill = await db.get(Skill, found.skill_id)
    assert skill is not None
    return found, skill


def picture_address(found: VrScene) -> str:
    return f"/vr/scenes/{found.id}/picture" if found.image_key else found.image_url


def picture_origin(found: VrScene) -> str:
    """Where the picture comes from when it is not ours: the page lets it in, nothing else."""
    if found.image_key:
        return ""
    parts = urlsplit(found.image_url)
    return f"https://{parts.netloc}"

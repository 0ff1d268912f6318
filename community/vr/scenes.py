"""The provider's catalogue of 360° scenes, each tagged by a skill of its catalogue: the
picture is a cleaned upload (content-checked, size-limited, without metadata) or an https
address; a video only an https address on the provider's video host (a video's metadata
cannot be stripped here), its picture then an optional poster; its description is the text
alternative every reader gets."""

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
    forms.Text("video_url", max_length=500, required=False),
)
# The files every browser plays in a <video> element, by their address's ending.
VIDEO_TYPES = {".mp4": "video/mp4", ".webm": "video/webm"}


def https_link(raw: str) -> bool:
    try:
        parts = urlsplit(raw)
    except ValueError:
        return False
    return parts.scheme == "https" and bool(parts.hostname)


def video_type(url: str) -> str:
    """The media type of a video at `url`; empty for an address that is not a video file."""
    path = urlsplit(url).path.lower()
    return next((kind for end, kind in VIDEO_TYPES.items() if path.endswith(end)), "")


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
    _check_addresses(url, values["video_url"], upload is not None, data)
    key = ""
    if upload is not None:
        key, url = await _keep(db, upload, data, media), ""
    assert seen.user.id is not None and skill.id is not None
    scene = VrScene(provider_id=provider_id, skill_id=skill.id, author_id=seen.user.id,
                    image_key=key, image_url=url, **values)  # fmt: skip
    db.add(scene)
    await db.flush()
    return scene


def _check_addresses(url: str, video: str, sent: bool, data: Mapping[str, str]) -> None:
    """A picture is needed unless a video is given, when it is its poster; both addresses
    https only, the video's an mp4 or webm file."""
    if video and not (https_link(video) and video_type(video)):
        message = _("Enter the video's address starting with https://, ending in .mp4 or .webm.")
        raise forms.FormError({"video_url": message}, data)
    if not sent and not https_link(url) and (url or not video):
        message = _("Send a 360° picture, or enter an address starting with https://.")
        raise forms.FormError({FIELD: message}, data)


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
    """The picture's address; empty for a video without poster."""
    return f"/vr/scenes/{found.id}/picture" if found.image_key else found.image_url


def origin(url: str) -> str:
    """Where a linked picture or video comes from: the page lets it in, nothing else."""
    return f"https://{urlsplit(url).netloc}" if url else ""

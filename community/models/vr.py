"""Virtual reality and 360°: the provider's catalogue of scenes tagged by skill, each
learner's comfort choice, their practices with a private debrief, and headsets booked by
slot."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from community.models.base import utcnow


class PracticeMode(StrEnum):
    IMMERSIVE = "immersive"  # in a headset, or the 360° viewer moving with the learner
    FLAT = "flat"  # a still picture and its text: nothing moves


class VrScene(SQLModel, table=True):
    """A 360° picture or video of the provider's catalogue, tagged by a skill: the picture
    kept in media storage (a cleaned upload) or at an https address; a video only at an https
    address, its picture then an optional poster; `description` is its text alternative."""

    __tablename__ = "vr_scene"
    __table_args__ = (
        CheckConstraint(
            "(image_key = '' OR image_url = '') AND (image_key || image_url || video_url) <> ''",
            name="one_image",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    provider_id: int = Field(foreign_key="provider.id", index=True)
    skill_id: int = Field(foreign_key="skill.id", index=True)
    author_id: int = Field(foreign_key="user.id", index=True)
    title: str = Field(max_length=120)
    description: str = Field(max_length=1000)
    image_key: str = Field(default="", max_length=64)
    image_url: str = Field(default="", max_length=500)
    video_url: str = Field(default="", max_length=500)
    created_at: datetime = Field(default_factory=utcnow)


class VrComfort(SQLModel, table=True):
    """A learner's answer to the comfort check: those who opt out of moving images are
    offered the flat version first, until they choose otherwise."""

    __tablename__ = "vr_comfort"

    user_id: int = Field(foreign_key="user.id", primary_key=True)
    prefers_flat: bool = False
    updated_at: datetime = Field(default_factory=utcnow)


class VrPractice(SQLModel, table=True):
    """One practice of a scene by a learner, and its debrief (what went well, what to do
    differently): the learner's alone."""

    __tablename__ = "vr_practice"

    id: int | None = Field(default=None, primary_key=True)
    scene_id: int = Field(foreign_key="vr_scene.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    mode: str = Field(max_length=16)
    started_at: datetime = Field(default_factory=utcnow)
    went_well: str = Field(default="", max_length=1000)
    do_differently: str = Field(default="", max_length=1000)
    debriefed_at: datetime | None = None


class VrHeadset(SQLModel, table=True):
    __tablename__ = "vr_headset"
    __table_args__ = (UniqueConstraint("provider_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    provider_id: int = Field(foreign_key="provider.id", index=True)
    name: str = Field(max_length=80)


class VrSlot(SQLModel, table=True):
    """A fixed time a headset can be booked for; a headset's slots never overlap."""

    __tablename__ = "vr_slot"
    __table_args__ = (
        UniqueConstraint("headset_id", "starts_at"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )

    id: int | None = Field(default=None, primary_key=True)
    headset_id: int = Field(foreign_key="vr_headset.id", index=True)
    starts_at: datetime
    ends_at: datetime


class VrBooking(SQLModel, table=True):
    """A learner's booking of a slot: one per slot, held by the unique key, whoever asks at
    the same moment."""

    __tablename__ = "vr_booking"

    id: int | None = Field(default=None, primary_key=True)
    slot_id: int = Field(foreign_key="vr_slot.id", unique=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)

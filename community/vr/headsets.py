"""The provider's headsets and their slots, booked by learners: one booking a slot, held by
the database's unique key, so that of two learners asking at the same moment one wins and
the other is told the slot was just taken."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import forms, parsing, permissions
from community.database import insert_once, lock
from community.errors import NotFound
from community.i18n import _
from community.models import VrBooking, VrHeadset, VrSlot, utcnow
from community.vr.reach import Reach

HEADSET = (forms.Text("name", max_length=80),)
SLOT = (forms.Moment("starts_at"), forms.Text("minutes", max_length=4))
LONGEST_SLOT = 240


@dataclass(frozen=True)
class Slot:
    slot: VrSlot
    headset: VrHeadset
    booked_by: int | None

    @property
    def free(self) -> bool:
        return self.booked_by is None


def _kept(seen: Reach) -> int:
    provider_id = seen.kept
    if provider_id is None or not permissions.can_manage_headsets(seen.user, provider_id):
        raise NotFound
    return provider_id


async def add_headset(db: AsyncSession, seen: Reach, data: Mapping[str, str]) -> None:
    provider_id = _kept(seen)
    name = forms.parse(data, *HEADSET)["name"]
    taken = await db.exec(
        select(VrHeadset.id).where(VrHeadset.provider_id == provider_id, VrHeadset.name == name)
    )
    if taken.first() is not None:
        raise forms.FormError({"name": _("A headset already has this name.")}, data)
    db.add(VrHeadset(provider_id=provider_id, name=name))
    await db.flush()


async def add_slot(db: AsyncSession, seen: Reach, headset_id: int, data: Mapping[str, str]) -> None:
    """A slot of a headset; the headset is locked so that two slots added at once cannot
    overlap."""
    provider_id = _kept(seen)
    headset = await lock(db, VrHeadset, headset_id)
    if headset is None or headset.provider_id != provider_id:
        raise NotFound
    starts_at, ends_at = _period(data)
    overlapping = await db.exec(
        select(VrSlot.id).where(
            VrSlot.headset_id == headset_id,
            col(VrSlot.starts_at) < ends_at,
            col(VrSlot.ends_at) > starts_at,
        )
    )
    if overlapping.first() is not None:
        raise forms.FormError({"starts_at": _("This headset already has a slot then.")}, data)
    db.add(VrSlot(headset_id=headset_id, starts_at=starts_at, ends_at=ends_at))
    await db.flush()


def _period(data: Mapping[str, str]) -> tuple[datetime, datetime]:
    errors: dict[str, str] = {}
    values = forms.collect(data, errors, *SLOT)
    minutes = parsing.number(values.get("minutes"), 5, LONGEST_SLOT)
    if minutes is None:
        errors["minutes"] = _("Enter a number of minutes from 5 to %(most)s.", most=LONGEST_SLOT)
    starts_at = values.get("starts_at")
    if "starts_at" not in errors and (starts_at is None or starts_at <= utcnow()):
        errors["starts_at"] = _("Choose a time to come.")
    if errors or starts_at is None or minutes is None:
        raise forms.FormError(errors, data)
    return starts_at, starts_at + timedelta(minutes=minutes)


async def _bookable(db: AsyncSession, seen: Reach, slot_id: int) -> VrSlot:
    """A slot of a headset of a provider the learner may book with; NotFound otherwise."""
    slot = await db.get(VrSlot, slot_id)
    headset = await db.get(VrHeadset, slot.headset_id) if slot is not None else None
    if slot is None or headset is None or not seen.opens(headset.provider_id):
        raise NotFound
    if not seen.books(headset.provider_id):
        raise NotFound
    return slot


async def book(db: AsyncSession, seen: Reach, slot_id: int) -> None:
    slot = await _bookable(db, seen, slot_id)
    if slot.starts_at <= utcnow():
        raise forms.FormError({"booking": _("This slot has begun: choose another one.")})
    booked = await insert_once(db, VrBooking, slot_id=slot_id, user_id=seen.user.id,
                               created_at=utcnow())  # fmt: skip
    if not booked:
        raise forms.FormError({"booking": _("Someone has just booked this slot: choose another.")})


async def cancel(db: AsyncSession, seen: Reach, slot_id: int) -> None:
    """The learner gives their slot back: it is free again for the others."""
    rows = await db.exec(select(VrBooking).where(VrBooking.slot_id == slot_id))
    booking = rows.first()
    booked_it = booking is not None and booking.user_id == seen.user.id
    if not permissions.can_cancel_headset_booking(seen.user, booked_it):
        raise NotFound
    await db.exec(delete(VrBooking).where(col(VrBooking.slot_id) == slot_id))


async def upcoming(db: AsyncSession, seen: Reach) -> list[Slot]:
    """The slots to come of the headsets the reader sees, soonest first, with who booked
    each (an id; only the reader's own booking is ever named on a page)."""
    rows = await db.exec(
        select(VrSlot, VrHeadset, VrBooking.user_id)
        .join(VrHeadset, col(VrHeadset.id) == VrSlot.headset_id)
        .outerjoin(VrBooking, col(VrBooking.slot_id) == VrSlot.id)
        .where(col(VrHeadset.provider_id).in_(seen.providers), col(VrSlot.ends_at) > utcnow())
        .order_by(col(VrSlot.starts_at), col(VrHeadset.name))
    )
    return [
        Slot(slot, headset, who) for slot, headset, who in rows if seen.opens(headset.provider_id)
    ]


async def headsets(db: AsyncSession, provider_id: int | None) -> list[VrHeadset]:
    if provider_id is None:
        return []
    rows = await db.exec(
        select(VrHeadset).where(VrHeadset.provider_id == provider_id).order_by(col(VrHeadset.name))
    )
    return list(rows)

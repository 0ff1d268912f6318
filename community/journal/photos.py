"""An entry's photos: at most MAX_PHOTOS, cleaned and kept like every uploaded picture
(community/images.py), and as private as their entry: whoever may read the entry (or open
its mentor link) sees them, nobody else. Their files go with the entry or the account."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import forms, storage
from community.errors import NotFound
from community.i18n import _
from community.images import FIELD, Upload, cleaned
from community.journal.entries import Found
from community.models import JournalEntry, JournalPhoto

MAX_PHOTOS = 3


async def add(
    db: AsyncSession, found: Found, upload: Upload | None, data: Mapping[str, str]
) -> None:
    """One more photo for the author's entry (found by `entries.own`); a missing file, a
    picture refused or one too many are said next to the field, and nothing is kept."""
    if upload is None:
        raise forms.FormError({FIELD: _("Choose a photo to add.")}, dict(data))
    if len(await of_entry(db, found.entry_id)) >= MAX_PHOTOS:
        message = _("An entry has %(count)s photos at most.", count=MAX_PHOTOS)
        raise forms.FormError({FIELD: message}, dict(data))
    photo = await cleaned(upload, dict(data))
    key = storage.new_key()
    picture = photo.picture
    storage.put_in(db, photo.media, key, picture.content)
    db.add(
        JournalPhoto(
            entry_id=found.entry_id, author_id=found.entry.author_id, key=key,
            width=picture.width, height=picture.height, size=len(picture.content),
            content_type=picture.content_type,
        )
    )  # fmt: skip
    await db.flush()


async def of_entry(db: AsyncSession, entry_id: int) -> list[JournalPhoto]:
    rows = await db.exec(
        select(JournalPhoto).where(JournalPhoto.entry_id == entry_id).order_by(col(JournalPhoto.id))
    )
    return list(rows)


async def counts(db: AsyncSession, entry_ids: list[int]) -> dict[int, int]:
    """How many photos each of these entries has, by entry id."""
    rows = await db.exec(
        select(JournalPhoto.entry_id, func.count())
        .where(col(JournalPhoto.entry_id).in_(entry_ids))
        .group_by(col(JournalPhoto.entry_id))
    )
    return dict(rows.all())


async def shown(db: AsyncSession, entry: JournalEntry, key: str) -> JournalPhoto:
    """A photo of this entry, which the reader may read already: NotFound for any other."""
    photo = (
        await db.exec(
            select(JournalPhoto).where(JournalPhoto.key == key, JournalPhoto.entry_id == entry.id)
        )
    ).first()
    if photo is None:
        raise NotFound
    return photo


async def remove(db: AsyncSession, media: storage.Storage, found: Found, key: str) -> None:
    """One photo of the author's entry: its row now, its file once that is committed."""
    photo = await shown(db, found.entry, key)
    await db.delete(photo)
    storage.delete_in(db, media, photo.key)


async def forget(
    db: AsyncSession, media: storage.Storage, *, entry_id: int = 0, author_id: int = 0
) -> None:
    """The photos of a deleted entry, or of a deleted account: rows now, files once that is
    committed."""
    rows = await db.exec(
        select(JournalPhoto).where(
            (col(JournalPhoto.entry_id) == entry_id) | (col(JournalPhoto.author_id) == author_id)
        )
    )
    for photo in rows:
        await db.delete(photo)
        storage.delete_in(db, media, photo.key)
    await db.flush()

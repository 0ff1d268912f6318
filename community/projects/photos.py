"""A message's photo: cleaned and kept when the message is posted, shown to those who read
the message, and no longer once it is hidden or deleted (its file goes with the deletion)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import permissions, storage
from community.errors import NotFound
from community.images import Cleaned
from community.models import Message, MessagePhoto
from community.projects.access import ProjectView


def attach(db: AsyncSession, photo: Cleaned, message: Message, alt: str) -> None:
    """Keep the picture with its message (flushed already); the file is removed again if
    the transaction does not commit."""
    key = storage.new_key()
    picture = photo.picture
    storage.put_in(db, photo.media, key, picture.content)
    db.add(
        MessagePhoto(
            message_id=message.id or 0, author_id=message.author_id, key=key, alt=alt,
            width=picture.width, height=picture.height, size=len(picture.content),
            content_type=picture.content_type,
        )
    )  # fmt: skip


async def forget(db: AsyncSession, media: storage.Storage, message: Message) -> None:
    """A deleted message's photo: its row now, its file once the deletion is committed."""
    photo = (
        await db.exec(select(MessagePhoto).where(MessagePhoto.message_id == message.id))
    ).first()
    if photo is not None:
        await db.delete(photo)
        storage.delete_in(db, media, photo.key)


async def photos_of(db: AsyncSession, messages: Iterable[Message]) -> dict[int, MessagePhoto]:
    """The photos of these messages, by message id."""
    ids = [message.id for message in messages]
    rows = await db.exec(select(MessagePhoto).where(col(MessagePhoto.message_id).in_(ids)))
    return {photo.message_id: photo for photo in rows}


async def shown(db: AsyncSession, view: ProjectView, key: str) -> MessagePhoto:
    """A photo of this project that the person may see: NotFound for any other."""
    row = (
        await db.exec(
            select(MessagePhoto, Message)
            .join(Message, col(Message.id) == MessagePhoto.message_id)
            .where(MessagePhoto.key == key, Message.project_id == view.project.id)
        )
    ).first()
    if row is None:
        raise NotFound
    photo, message = row
    hidden = message.hidden_reason is not None
    if not permissions.can_see_message_photo(view.user, hidden, message.deleted):
        raise NotFound
    return photo

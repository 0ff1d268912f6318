"""Whose catalogue a person reads: the provider they work for, or those whose groups they
learn in. Another provider's scenes, headsets and slots are not there (404)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from community import permissions
from community.errors import NotFound
from community.models import Role, User
from community.tutoring.peers import provider_ids


@dataclass(frozen=True)
class Reach:
    user: User
    providers: frozenset[int]  # the providers whose catalogue the person reads
    enrolled: frozenset[int]  # those whose groups they learn in

    def opens(self, provider_id: int) -> bool:
        return permissions.can_open_vr_scene(
            self.user, provider_id, enrolled=provider_id in self.enrolled
        )

    def practises(self, provider_id: int) -> bool:
        return permissions.can_practise_vr(self.user, enrolled=provider_id in self.enrolled)

    def books(self, provider_id: int) -> bool:
        return permissions.can_book_headset(self.user, enrolled=provider_id in self.enrolled)

    def check_opens(self, provider_id: int) -> None:
        if not self.opens(provider_id):
            raise NotFound

    @property
    def kept(self) -> int | None:
        """The provider whose catalogue this person keeps, if any."""
        own = self.user.provider_id
        return own if own is not None and permissions.can_add_vr_scene(self.user, own) else None


async def reach(db: AsyncSession, user: User) -> Reach:
    enrolled = frozenset(await provider_ids(db, user)) if user.role == Role.LEARNER else frozenset()
    own = {user.provider_id} if user.provider_id is not None else set()
    return Reach(user, enrolled | own, enrolled)

"""The rotation pool: learners who opt in to replace an employee on training, with the
consent they gave and when; withdrawing takes them out of every future match."""

from __future__ import annotations

from collections.abc import Mapping

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import forms, permissions
from community.errors import Forbidden
from community.i18n import _
from community.models import Enrolment, Iteration, PoolMember, Training, User, utcnow
from community.rotation.fields import Count, Postcode

POOL_FIELDS = (
    forms.Text("skills", max_length=500, multiline=True),
    forms.Day("available_from"),
    Count("hours_per_week"),
    Postcode("postcode"),
    Count("travel_km", high=200, low=0),
    forms.Choice("consent", choices=("yes",), required=False),
)
STATED = ("skills", "available_from", "hours_per_week", "postcode", "travel_km")


def skill_labels(member: PoolMember) -> list[str]:
    """The skills as the person wrote them, one per comma or line."""
    parts = member.skills.replace("\n", ",").split(",")
    return [part.strip() for part in parts if part.strip()]


async def membership(db: AsyncSession, user: User) -> PoolMember | None:
    return (await db.exec(select(PoolMember).where(PoolMember.user_id == user.id))).first()


async def _provider_of(db: AsyncSession, user: User) -> int | None:
    """The provider of the learner's latest group: the one whose coordinators see them."""
    query = (
        select(Training.provider_id)
        .join(Iteration, col(Iteration.training_id) == Training.id)
        .join(Enrolment, col(Enrolment.iteration_id) == Iteration.id)
        .where(Enrolment.user_id == user.id)
        .order_by(col(Enrolment.created_at).desc())
    )
    return (await db.exec(query)).first()


async def join(db: AsyncSession, user: User, data: Mapping[str, str]) -> PoolMember:
    """Opt in, or change what one said; each opt-in records the consent and its date."""
    if not permissions.can_join_rotation_pool(user):
        raise Forbidden
    values = forms.parse(data, *POOL_FIELDS)
    if values["consent"] != "yes":
        raise forms.FormError({"consent": _("Tick the box to agree.")}, data)
    provider_id = await _provider_of(db, user)
    if provider_id is None:
        raise forms.FormError({"skills": _("Join your training's group first.")}, data)
    stated = {name: values[name] for name in STATED}
    member = await membership(db, user)
    if member is None:
        member = PoolMember(user_id=user.id or 0, provider_id=provider_id, **stated)
    else:
        member.sqlmodel_update({**stated, "provider_id": provider_id})
        if member.withdrawn_at is not None:
            # Coming back is a new consent, dated today.
            member.consented_at = utcnow()
            member.withdrawn_at = None
    db.add(member)
    return member


async def withdraw(db: AsyncSession, user: User) -> None:
    if not permissions.can_leave_rotation_pool(user):
        raise Forbidden
    member = await membership(db, user)
    if member is not None and member.withdrawn_at is None:
        member.withdrawn_at = utcnow()
        db.add(member)


async def available(db: AsyncSession, provider_id: int) -> list[tuple[PoolMember, User]]:
    """Who a provider's coordinators may propose: opted in and not withdrawn."""
    query = (
        select(PoolMember, User)
        .join(User, col(User.id) == PoolMember.user_id)
        .where(
            PoolMember.provider_id == provider_id,
            col(PoolMember.withdrawn_at).is_(None),
            col(User.erased_at).is_(None),
        )
    )
    return list(await db.exec(query))

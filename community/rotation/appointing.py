"""Regional coordinators: an admin appoints a person to run the job rotation of several
providers (their region), and changes which providers later. A new person is invited by
mail to choose their password; an address that already has another kind of account is
refused, so that nobody's role changes under them."""

from __future__ import annotations

from collections.abc import Mapping

from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import forms, parsing, permissions
from community.errors import NotFound
from community.i18n import _
from community.mail.letter import Letter
from community.models import Provider, RegionCoordinator, Role, User
from community.rotation import companies


async def providers(db: AsyncSession) -> list[Provider]:
    return list(await db.exec(select(Provider).order_by(col(Provider.name))))


async def coordinators(db: AsyncSession) -> list[tuple[User, list[Provider]]]:
    """Every regional coordinator with the providers of their region, by name."""
    query = (
        select(User, Provider)
        .join(RegionCoordinator, col(RegionCoordinator.user_id) == User.id)
        .join(Provider, col(Provider.id) == RegionCoordinator.provider_id)
        .where(User.role == Role.COORDINATOR)
        .order_by(col(User.display_name), col(User.id), col(Provider.name))
    )
    found: dict[int, tuple[User, list[Provider]]] = {}
    for person, provider in await db.exec(query):
        found.setdefault(person.id or 0, (person, []))[1].append(provider)
    return list(found.values())


async def _chosen(db: AsyncSession, data: Mapping[str, str]) -> set[int]:
    """The ticked providers (`provider_ids`, comma-separated), each one that exists."""
    known = {p.id for p in await providers(db)}
    raw = data.get("provider_ids", "")
    ids = {parsing.ident(value) for value in raw.split(",")} if raw else set()
    if not ids or not ids <= known:
        raise forms.FormError(
            {"provider_ids": _("Choose at least one provider of the list.")}, data
        )
    return {i for i in ids if i is not None}


async def appoint(
    db: AsyncSession,
    user: User,
    data: Mapping[str, str],
    inviting: companies.Inviting,
) -> User:
    """Appoints the person at this address, or gives an appointed one this region."""
    if not permissions.can_appoint_regional_coordinator(user):
        raise NotFound
    values = forms.parse(data, *companies.CONTACT_FIELDS)
    region = await _chosen(db, data)
    # Locked: two admins saving the same person at once give one region, not a mix.
    query = select(User).where(User.email == values["email"]).with_for_update()
    found = (await db.exec(query)).first()
    if found is not None and found.role != Role.COORDINATOR:
        raise forms.FormError(
            {"email": _("This address already has an account: ask for another one.")}, data
        )
    person = found or await companies.new_account(
        db, values, Role.COORDINATOR, None, inviting.passwords, data
    )
    await db.exec(delete(RegionCoordinator).where(col(RegionCoordinator.user_id) == person.id))
    db.add_all(RegionCoordinator(user_id=person.id or 0, provider_id=p) for p in sorted(region))
    if found is None:
        companies.mail_link(
            db,
            person,
            "rotation-coordinator",
            lambda url: _invitation(person, url),
            inviting.base_url,
            inviting.mail_from,
        )
    return person


def _invitation(person: User, url: str) -> Letter:
    return Letter(
        subject=_("You coordinate job rotation in Ruche"),
        greeting=_("Hello %(name)s,", name=person.display_name),
        paragraphs=(
            _(
                "You are appointed regional coordinator of job rotation in Ruche: you will "
                "run the rotation pool, check eligibility and propose replacements for the "
                "providers of your region."
            ),
            _("Choose your password with this link; it works once, within seven days."),
        ),
        action=_("Choose my password"),
        url=url,
        closing=(_("If you do not expect this message, ignore it."),),
    )

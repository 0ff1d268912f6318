"""Partner companies and the people who speak for them, invited by the provider's staff."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import forms, permissions
from community.accounts import Passwords
from community.errors import NotFound
from community.i18n import _
from community.mail import tokens
from community.mail.letter import Letter
from community.mail.sender import queue
from community.models import CompanyContact, Role, RotationCompany, User
from community.rotation import region

COMPANY_FIELDS = (
    forms.Text("name", max_length=120),
    forms.Text("sector", max_length=80, required=False),
)
CONTACT_FIELDS = (forms.Text("display_name", max_length=80), forms.Email("email"))
# An invitation is a link to choose a password: long enough to be read after a weekend.
INVITATION_LIFETIME = timedelta(days=7)


@dataclass(frozen=True)
class Inviting:
    """What an invitation mail needs from the running app."""

    passwords: Passwords
    base_url: str
    mail_from: str


async def coordinated_provider(db: AsyncSession, user: User, asked: str | None) -> int:
    """The provider whose rotation this person runs (the one asked for, for a regional
    coordinator); to anyone else it is not there."""
    provider = region.chosen(await region.coordinated(db, user), asked)
    if provider is None or provider.id is None:
        raise NotFound
    return provider.id


async def companies(db: AsyncSession, provider_id: int) -> list[RotationCompany]:
    query = select(RotationCompany).where(RotationCompany.provider_id == provider_id)
    return list(await db.exec(query.order_by(col(RotationCompany.name))))


async def contacts(db: AsyncSession, company_ids: list[int]) -> dict[int, list[User]]:
    """Each company's contacts, by company id."""
    query = (
        select(CompanyContact.company_id, User)
        .join(User, col(User.id) == CompanyContact.user_id)
        .where(col(CompanyContact.company_id).in_(company_ids))
        .order_by(col(User.display_name))
    )
    found: dict[int, list[User]] = {ident: [] for ident in company_ids}
    for company_id, person in await db.exec(query):
        found[company_id].append(person)
    return found


async def create(db: AsyncSession, user: User, data: Mapping[str, str]) -> RotationCompany:
    provider_id = await coordinated_provider(db, user, data.get("provider_id"))
    values = forms.parse(data, *COMPANY_FIELDS)
    company = RotationCompany(provider_id=provider_id, **values)
    try:
        async with db.begin_nested():
            db.add(company)
    except IntegrityError:
        raise forms.FormError({"name": _("This company is already a partner.")}, data) from None
    return company


def _invitation(user: User, company: RotationCompany, url: str) -> Letter:
    return Letter(
        subject=_("You are invited to Ruche for %(company)s", company=company.name),
        greeting=_("Hello %(name)s,", name=user.display_name),
        paragraphs=(
            _(
                "A training provider invites you to Ruche to declare the employees of "
                "%(company)s who leave for a training, and to choose who replaces them.",
                company=company.name,
            ),
            _("Choose your password with this link; it works once, within seven days."),
        ),
        action=_("Choose my password"),
        url=url,
        closing=(_("If you do not know this company, ignore this message."),),
    )


async def invite(
    db: AsyncSession,
    user: User,
    company_id: int,
    data: Mapping[str, str],
    *,
    passwords: Passwords,
    base_url: str,
    mail_from: str,
) -> User:
    """A company contact's account, without a usable password, and a mail with the link to
    choose one (the link of a forgotten password, valid longer)."""
    company = await db.get(RotationCompany, company_id)
    allowed = await region.region_of(db, user)
    if company is None or not permissions.can_invite_company_contact(
        user, company.provider_id, allowed
    ):
        raise NotFound
    values = forms.parse(data, *CONTACT_FIELDS)
    contact = await new_account(db, values, Role.COMPANY, company.provider_id, passwords, data)
    await attach(db, user, company, contact)
    mail_link(
        db,
        contact,
        "rotation-invite",
        lambda url: _invitation(contact, company, url),
        base_url,
        mail_from,
    )
    return contact


async def new_account(
    db: AsyncSession,
    values: Mapping[str, str],
    role: Role,
    provider_id: int | None,
    passwords: Passwords,
    data: Mapping[str, str],
) -> User:
    """An invited person's account, without a usable password until they choose theirs."""
    person = User(
        email=values["email"],
        display_name=values["display_name"],
        # Nobody knows this password: the invited person chooses theirs through the link.
        password_hash=await passwords.hash(secrets.token_urlsafe(32)),
        role=role,
        provider_id=provider_id,
    )
    try:
        async with db.begin_nested():
            db.add(person)
    except IntegrityError:
        raise forms.FormError(
            {"email": _("This address already has an account: ask for another one.")}, data
        ) from None
    return person


def mail_link(
    db: AsyncSession,
    person: User,
    kind: str,
    letter: Callable[[str], Letter],
    base_url: str,
    mail_from: str,
) -> None:
    """The mail with the link to choose a password (a forgotten password's, valid longer)."""
    token = tokens.issue(db, person, tokens.RESET, INVITATION_LIFETIME)
    url = f"{base_url}/password/reset/{token}"
    queue(db, person, kind, lambda: letter(url), mail_from)


async def attach(db: AsyncSession, user: User, company: RotationCompany, contact: User) -> None:
    """The account speaks for the company from now on."""
    allowed = await region.region_of(db, user)
    if not permissions.can_invite_company_contact(user, company.provider_id, allowed):
        raise NotFound
    assert contact.id is not None and contact.role == Role.COMPANY
    db.add(CompanyContact(company_id=company.id or 0, user_id=contact.id))


async def company_of(db: AsyncSession, user: User) -> RotationCompany | None:
    """The company this person speaks for, if any."""
    if not permissions.is_company_contact(user):
        return None
    query = (
        select(RotationCompany)
        .join(CompanyContact, col(CompanyContact.company_id) == RotationCompany.id)
        .where(CompanyContact.user_id == user.id)
    )
    return (await db.exec(query)).first()

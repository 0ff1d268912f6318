"""Accounts: sign-up, passwords, server-side sessions, profiles."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import anyio
from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy.exc import IntegrityError
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import forms, permissions
from community.errors import Forbidden
from community.i18n import LOCALES, _
from community.models import Role, User, WebSession, utcnow

# Each hash takes 64 MiB: a few at a time keeps a burst of sign-ins from eating memory.
_HASHING_SLOTS = anyio.CapacityLimiter(4)
_HASHERS = {
    "default": PasswordHasher(),
    "fast": PasswordHasher.from_parameters(profiles.CHEAPEST),
}

SIGNUP_FIELDS = (
    forms.Text("display_name", max_length=80),
    forms.Email("email"),
    forms.Password("password"),
)
SIGNIN_FIELDS = (forms.Email("email"), forms.Text("password", max_length=128))
PROFILE_FIELDS = (
    forms.Text("display_name", max_length=80),
    forms.Choice("locale", choices=LOCALES),
)
# Each language named in itself, so that anyone finds theirs.
LANGUAGE_NAMES = {"fr": "Français", "en": "English"}
LANGUAGES = tuple((code, LANGUAGE_NAMES[code]) for code in LOCALES)


class AddressTaken(Exception):
    """The address has an account already: the view answers as for a new one, so that
    sign-up does not tell who has an account here, and the owner gets a mail."""

    def __init__(self, email: str) -> None:
        super().__init__("address taken")
        self.email = email


class Passwords:
    def __init__(self, profile: str) -> None:
        self._hasher = _HASHERS[profile]
        # Verified when the email is unknown, so that answering takes as long either way.
        self._dummy = self._hasher.hash(secrets.token_urlsafe(16))

    async def hash(self, password: str) -> str:
        return await anyio.to_thread.run_sync(self._hasher.hash, password, limiter=_HASHING_SLOTS)

    async def verify(self, stored: str | None, password: str) -> bool:
        def check() -> bool:
            try:
                return self._hasher.verify(stored or self._dummy, password) and stored is not None
            except (VerifyMismatchError, VerificationError, InvalidHashError):
                return False

        return await anyio.to_thread.run_sync(check, limiter=_HASHING_SLOTS)

    def needs_rehash(self, stored: str) -> bool:
        return self._hasher.check_needs_rehash(stored)


async def sign_up(
    db: AsyncSession,
    passwords: Passwords,
    data: dict[str, str],
    *,
    locale: str,
    role: Role = Role.LEARNER,
    provider_id: int | None = None,
) -> User:
    values = forms.parse(data, *SIGNUP_FIELDS)
    user = User(
        email=values["email"],
        display_name=values["display_name"],
        password_hash=await passwords.hash(values["password"]),
        role=role,
        provider_id=provider_id,
        locale=locale,
    )
    # The address may be taken, even a moment ago by a second submit: the database says so,
    # and only this savepoint is undone.
    try:
        async with db.begin_nested():
            db.add(user)
    except IntegrityError:
        raise AddressTaken(values["email"]) from None
    return user


async def authenticate(db: AsyncSession, passwords: Passwords, data: dict[str, str]) -> User:
    values = forms.parse(data, *SIGNIN_FIELDS)
    user = (await db.exec(select(User).where(User.email == values["email"]))).first()
    if not await passwords.verify(user.password_hash if user else None, values["password"]):
        raise forms.FormError({"password": _("Wrong email or password.")}, data)
    assert user is not None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = await passwords.hash(values["password"])
        db.add(user)
    return user


def new_token() -> str:
    return secrets.token_urlsafe(32)


def session_id(token: str) -> str:
    # Only a hash is stored: a leaked database does not hand out live sessions.
    return hashlib.sha256(token.encode()).hexdigest()


async def start_session(db: AsyncSession, user: User, days: int) -> str:
    token = new_token()
    assert user.id is not None
    db.add(
        WebSession(
            id=session_id(token), user_id=user.id, expires_at=utcnow() + timedelta(days=days)
        )
    )
    return token


async def end_session(db: AsyncSession, token: str) -> None:
    row = await db.get(WebSession, session_id(token))
    if row is not None and row.revoked_at is None:
        row.revoked_at = utcnow()
        db.add(row)


async def update_profile(db: AsyncSession, user: User, data: dict[str, str]) -> User:
    """The signed-in person's own name and language."""
    if not permissions.can_edit_profile(user):
        raise Forbidden
    values = forms.parse(data, *PROFILE_FIELDS)
    mine = await db.get(User, user.id)
    assert mine is not None
    mine.display_name = values["display_name"]
    mine.locale = values["locale"] or None
    db.add(mine)
    return mine

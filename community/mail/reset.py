"""A forgotten password: a link by mail, one hour, once; then every session ends."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import forms
from community.accounts import Passwords
from community.i18n import _
from community.mail import tokens
from community.mail.letter import Letter
from community.mail.sender import queue
from community.models import User, WebSession, utcnow

LIFETIME = timedelta(hours=1)
FORGOT_FIELDS = (forms.Email("email"),)
NEW_PASSWORD_FIELDS = (forms.Password("password"),)


def _reset_letter(user: User, url: str) -> Letter:
    return Letter(
        subject=_("Choose a new password for Ruche"),
        greeting=_("Hello %(name)s,", name=user.display_name),
        paragraphs=(
            _("Someone, probably you, asked to choose a new password for your Ruche account."),
            _("This link works once, within the hour."),
        ),
        action=_("Choose a new password"),
        url=url,
        closing=(_("If it was not you, ignore this message: your password stays the same."),),
    )


def _taken_letter(user: User, url: str) -> Letter:
    return Letter(
        subject=_("Someone tried to create a Ruche account with your address"),
        greeting=_("Hello %(name)s,", name=user.display_name),
        paragraphs=(
            _(
                "Someone tried to create a Ruche account with this address. It already has "
                "one, yours: no other account was created."
            ),
            _("If it was you, sign in as usual; if you forgot your password, choose a new one."),
        ),
        action=_("Choose a new password"),
        url=url,
        closing=(_("If it was not you, you have nothing to do."),),
    )


async def account_for(db: AsyncSession, email: str) -> User | None:
    """The account at this address, unless it was erased."""
    found = select(User).where(User.email == email, col(User.erased_at).is_(None))
    return (await db.exec(found)).first()


async def send_link(db: AsyncSession, email: str, base_url: str, mail_from: str) -> None:
    """A reset link to the account at this address, if there is one; nothing otherwise."""
    user = await account_for(db, email)
    if user is None:
        return
    token = tokens.issue(db, user, tokens.RESET, LIFETIME)
    url = f"{base_url}/password/reset/{token}"
    queue(db, user, "reset", lambda: _reset_letter(user, url), mail_from)


async def tell_owner(db: AsyncSession, email: str, base_url: str, mail_from: str) -> None:
    """Someone signed up with an address that has an account: its owner hears of it."""
    user = await account_for(db, email)
    if user is not None:
        url = f"{base_url}/password/forgot"
        queue(db, user, "signup-taken", lambda: _taken_letter(user, url), mail_from)


async def reset(
    db: AsyncSession, passwords: Passwords, token: str, data: dict[str, str]
) -> tuple[User, list[str]] | None:
    """The new password set and every session of the person ended (their ids, so that
    their sockets close); None when the link was used or expired."""
    values = forms.parse(data, *NEW_PASSWORD_FIELDS)
    user = await tokens.use(db, token, tokens.RESET)
    if user is None:
        return None
    await tokens.retire(db, user, tokens.RESET)
    user.password_hash = await passwords.hash(values["password"])
    # The link reached this address: it is the person's.
    user.email_confirmed_at = user.email_confirmed_at or utcnow()
    db.add(user)
    return user, await end_every_session(db, user)


async def end_every_session(db: AsyncSession, user: User) -> list[str]:
    """Each row changed one by one, so that the session cache hears of it
    (session_cache.track_changes) and no process keeps one signed in."""
    open_sessions = select(WebSession).where(
        WebSession.user_id == user.id, col(WebSession.revoked_at).is_(None)
    )
    ended = list((await db.exec(open_sessions)).all())
    for row in ended:
        row.revoked_at = utcnow()
        db.add(row)
    return [row.id for row in ended]

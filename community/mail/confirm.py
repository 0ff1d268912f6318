"""The address check: at sign-up, a link that confirms the address is the person's."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from community import permissions
from community.errors import Forbidden
from community.i18n import _
from community.mail import tokens
from community.mail.letter import Letter
from community.mail.sender import queue
from community.models import User, utcnow

LIFETIME = timedelta(days=7)


def _confirm_letter(user: User, url: str) -> Letter:
    return Letter(
        subject=_("Confirm your address for Ruche"),
        greeting=_("Hello %(name)s,", name=user.display_name),
        paragraphs=(
            _("Your Ruche account is ready. Confirm that this address is yours:"),
            _("This link works once, within seven days."),
        ),
        action=_("Confirm my address"),
        url=url,
        closing=(_("If you did not create this account, ignore this message."),),
    )


def send_link(db: AsyncSession, user: User, base_url: str, mail_from: str) -> None:
    token = tokens.issue(db, user, tokens.CONFIRM, LIFETIME)
    url = f"{base_url}/confirm/{token}"
    queue(db, user, "confirm", lambda: _confirm_letter(user, url), mail_from)


async def send_again(db: AsyncSession, user: User, base_url: str, mail_from: str) -> None:
    """From the profile, for an address not confirmed yet."""
    mine = await db.get(User, user.id)
    if mine is None or not permissions.can_ask_address_check(mine):
        raise Forbidden
    send_link(db, mine, base_url, mail_from)


async def confirm(db: AsyncSession, token: str) -> User | None:
    """The account whose address is now confirmed; None when the link was used or expired."""
    user = await tokens.use(db, token, tokens.CONFIRM)
    if user is None:
        return None
    user.email_confirmed_at = user.email_confirmed_at or utcnow()
    db.add(user)
    return user

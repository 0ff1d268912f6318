"""E-mail digests: what the home showed a learner over a day or a week, by mail.

The content is the home's (community/home.py), kept to what happened in the period and to
the kinds the person chose. Nothing anonymous goes into a mail: no feedback content, no pulse,
no report figure (the learner's blocks carry none). Only confirmed addresses get one.

A background job (app.py) looks for people whose last period has no digest yet. Each digest
is recorded (person, period) under a unique constraint in the same transaction as its mail
in the outbox: two rounds, two processes or a restart never make two. A period with nothing
to tell is recorded too, and sends nothing.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from markupsafe import Markup
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import forms, home, permissions
from community.database import Database, insert_once
from community.errors import Forbidden
from community.i18n import _, current_locale, using
from community.mail.letter import Letter
from community.mail.sender import locale_of, queue
from community.models import DigestSent, Role, User, utcnow
from community.settings import Settings
from community.templating import environment

log = logging.getLogger(__name__)

BATCH = 50


class Every(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    NEVER = "never"

    @property
    def label(self) -> str:
        return {
            Every.DAILY: _("Every day"),
            Every.WEEKLY: _("Every week"),
            Every.NEVER: _("Never"),
        }[self]


def kinds() -> list[tuple[str, str]]:
    """The kinds of news a digest carries (the home's block keys), each opt-out."""
    return [
        ("mentions", _("Mentions and replies")),
        ("projects", _("Your projects")),
        ("help", _("Help you can give")),
        ("feedback", _("Feedback to give")),
    ]


KINDS = ("mentions", "projects", "help", "feedback")


# --- periods -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    key: str  # unique per person: "day:2026-12-01", "week:2026-W48"
    start: datetime
    end: datetime


def last_period(every: str, now: datetime) -> Period:
    """The last day or ISO week that is over (UTC)."""
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if every == Every.DAILY:
        start = today - timedelta(days=1)
        return Period(f"day:{start.date().isoformat()}", start, today)
    monday = today - timedelta(days=today.weekday())
    start = monday - timedelta(days=7)
    year, week, _day = start.isocalendar()
    return Period(f"week:{year}-W{week:02d}", start, monday)


# --- the choice, in the profile ------------------------------------------------------------


def choices(user: User) -> dict[str, object]:
    skipped = set(user.digest_skips.split(",")) if user.digest_skips else set()
    return {"every": user.digest_every, "kinds": [k for k in KINDS if k not in skipped]}


async def choose(db: AsyncSession, user: User, data: dict[str, str]) -> None:
    """How often, and which kinds: each box ticked (`kind_mentions`…) keeps its kind."""
    if not permissions.can_choose_digests(user):
        raise Forbidden
    every = forms.parse(data, forms.Choice("every", choices=tuple(Every)))["every"]
    mine = await db.get(User, user.id)
    if mine is None:
        raise Forbidden
    mine.digest_every = every
    mine.digest_skips = ",".join(k for k in KINDS if not data.get(f"kind_{k}"))
    db.add(mine)


# --- unsubscribing without signing in ------------------------------------------------------


def _signature(secret: str, user_id: int) -> str:
    message = f"digest-unsubscribe:{user_id}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:32]


def unsubscribe_token(secret: str, user_id: int) -> str:
    return f"{user_id}-{_signature(secret, user_id)}"


def token_owner(secret: str, token: str) -> int | None:
    """The person the link was made for; None when it was altered."""
    number, _dash, signature = token.partition("-")
    if not number.isascii() or not number.isdigit() or len(number) > 10:
        return None
    user_id = int(number)
    if not hmac.compare_digest(signature.encode(), _signature(secret, user_id).encode()):
        return None
    return user_id


def unsubscribe_url(settings: Settings, user_id: int) -> str:
    token = unsubscribe_token(settings.secret_key, user_id)
    return f"{settings.public_url}/digests/unsubscribe/{token}"


async def unsubscribe(db: AsyncSession, user_id: int) -> None:
    user = await db.get(User, user_id)
    if user is not None:
        user.digest_every = Every.NEVER
        db.add(user)


# --- composing and sending -----------------------------------------------------------------


@dataclass(frozen=True)
class DigestLetter(Letter):
    """A letter with the news of the period, section by section."""

    sections: tuple[tuple[str, tuple[home.Item, ...]], ...] = ()
    base: str = ""
    unsubscribe: str = ""

    def text(self) -> str:
        parts = [self.greeting, *self.paragraphs]
        for title, items in self.sections:
            lines = [f"- {_plain(item.text)}\n  {self.base}{item.link}" for item in items]
            parts.append("\n".join([title, *lines]))
        parts += [f"{self.action}\n{self.url}", *self.closing, self.unsubscribe]
        return "\n\n".join(parts) + "\n\n-- \nRuche\n"

    def html(self) -> str:
        template = environment.get_template("mail/digest.html")
        return template.render(letter=self, locale=current_locale())


def _plain(text: str) -> str:
    """A notification's text is markup (its subject in <bdi>): the mail's text has none."""
    return text.striptags() if isinstance(text, Markup) else text


async def news(db: AsyncSession, user: User, period: Period) -> list[home.Block]:
    """The learner's blocks, kept to what happened in the period and the kinds they want."""
    skipped = set(user.digest_skips.split(","))
    blocks = await home.learner_blocks(db, user, digest=True)
    kept = []
    for block in blocks:
        items = [i for i in block.items if i.at and period.start <= i.at < period.end]
        if items and block.key in KINDS and block.key not in skipped:
            kept.append(home.Block(block.key, block.title, block.empty, items))
    return kept


def _letter(user: User, blocks: list[home.Block], settings: Settings, stop: str) -> DigestLetter:
    return DigestLetter(
        subject=_("Your news on Ruche"),
        greeting=_("Hello %(name)s,", name=user.display_name),
        paragraphs=(_("Here is what happened for you on Ruche:"),),
        action=_("Open Ruche"),
        url=f"{settings.public_url}/",
        closing=(_("You can choose how often this comes, and what it says, in your profile."),),
        sections=tuple((b.title, tuple(b.items)) for b in blocks),
        base=settings.public_url,
        unsubscribe=_("Stop these e-mails: %(url)s", url=stop),
    )


async def send_one(db: AsyncSession, user: User, settings: Settings, now: datetime) -> bool:
    """The person's digest for their last period, in the caller's transaction: True when a
    mail was queued. Recorded first: whoever records the period second writes nothing."""
    assert user.id is not None
    period = last_period(user.digest_every, now)
    with using(locale_of(user)):
        blocks = await news(db, user, period)
    if not await insert_once(
        db, DigestSent, user_id=user.id, period=period.key, mailed=bool(blocks), created_at=now
    ):
        return False
    if not blocks:
        return False
    stop = unsubscribe_url(settings, user.id)
    headers = {
        "List-Unsubscribe": f"<{stop}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    compose = lambda: _letter(user, blocks, settings, stop)  # noqa: E731
    queue(db, user, "digest", compose, settings.mail_from, headers)
    return True


async def _due(db: AsyncSession, now: datetime) -> list[User]:
    """Confirmed learners whose last period has no digest yet."""
    conditions = []
    for every in (Every.DAILY, Every.WEEKLY):
        done = select(DigestSent.user_id).where(DigestSent.period == last_period(every, now).key)
        conditions.append((col(User.digest_every) == every) & col(User.id).not_in(done))
    rows = await db.exec(
        select(User)
        .where(
            User.role == Role.LEARNER,
            col(User.email_confirmed_at).is_not(None),
            col(User.erased_at).is_(None),
            conditions[0] | conditions[1],
        )
        .order_by(col(User.id))
        .limit(BATCH)
    )
    return list(rows)


async def send_due(database: Database, settings: Settings, now: datetime | None = None) -> int:
    """One round: every digest due, each in its own transaction; how many mails were queued."""
    now = now or utcnow()
    queued = 0
    while True:
        async with database.session() as db:
            people = await _due(db, now)
        for person in people:
            async with database.session() as db:
                queued += await send_one(db, person, settings, now)
                await db.commit()
        if len(people) < BATCH:
            return queued


async def keep_sending(database: Database, settings: Settings, wake: Callable[[], None]) -> None:
    """For the life of the process (app.py): a round every `settings.digest_every` seconds;
    `wake` is the mailer's, called once digests were queued."""
    while True:
        try:
            if await send_due(database, settings):
                wake()
        except Exception as exc:  # nothing recorded is lost: the next round goes on
            log.error("digests: a round failed (%s), retried later", type(exc).__name__)
        await asyncio.sleep(settings.digest_every)

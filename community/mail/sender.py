"""The outbox and its sender.

A mail is a row of the outbox, written in the same transaction as what caused it: if that
transaction is undone, no mail; if the process dies after it, the mail waits. A background
sender (started by the app, app.py) claims due rows for a few minutes, sends them, and marks
them sent; a failure is retried later, later each time. Claiming is one UPDATE over rows
picked with FOR UPDATE SKIP LOCKED (PostgreSQL) or under the write lock (SQLite): two
processes never hold the same mail. Without a mail server the sender writes each mail's
recipient and subject to the log (and, in development only, its text, links included);
mails stay in the outbox, where admins read them.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from typing import Protocol

import aiosmtplib
from sqlalchemy import or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community.database import Database
from community.i18n import DEFAULT_LOCALE, using
from community.mail.letter import Letter
from community.models import OutboxMail, User, utcnow
from community.settings import Settings, Smtp

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)  # longer than a send may take: then the mail is free again
BATCH = 20
LONGEST_WAIT = timedelta(hours=6)


def locale_of(user: User) -> str:
    return user.locale or DEFAULT_LOCALE


def queue(
    db: AsyncSession,
    user: User,
    kind: str,
    compose: Callable[[], Letter],
    mail_from: str,
    headers: dict[str, str] | None = None,
) -> None:
    """Add the mail, composed in the recipient's language, to the caller's transaction; an
    erased account never gets one. `headers`: extra ones, such as List-Unsubscribe."""
    if user.erased_at is not None or user.id is None:
        return
    queue_to(db, user.id, user.email, locale_of(user), kind, compose, mail_from, headers)


def queue_to(
    db: AsyncSession,
    on_behalf_of: int,
    address: str,
    locale: str,
    kind: str,
    compose: Callable[[], Letter],
    mail_from: str,
    headers: dict[str, str] | None = None,
) -> None:
    """A mail to an address, composed in `locale`, that an account sends or receives (the
    outbox row is theirs: a learner's mail to their workplace mentor, who has no account)."""
    with using(locale):
        letter = compose()
        html = letter.html()
    domain = parseaddr(mail_from)[1].rpartition("@")[2] or "localhost"
    db.add(
        OutboxMail(
            user_id=on_behalf_of,
            to_address=address,
            kind=kind,
            subject=letter.subject,
            text_body=letter.text(),
            html_body=html,
            headers=json.dumps(headers) if headers else "",
            message_id=make_msgid(domain=domain),
        )
    )


def message(mail: OutboxMail, mail_from: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = mail_from
    msg["To"] = mail.to_address
    msg["Subject"] = mail.subject
    msg["Date"] = format_datetime(mail.created_at)
    msg["Message-ID"] = mail.message_id
    for name, value in (json.loads(mail.headers) if mail.headers else {}).items():
        msg[name] = value
    msg.set_content(mail.text_body)
    msg.add_alternative(mail.html_body, subtype="html")
    return msg


class Delivery(Protocol):
    console: bool

    async def deliver(self, mail: OutboxMail) -> None: ...


class SmtpDelivery:
    console = False

    def __init__(self, smtp: Smtp, mail_from: str) -> None:
        self.smtp = smtp
        self.mail_from = mail_from

    async def deliver(self, mail: OutboxMail) -> None:
        await aiosmtplib.send(
            message(mail, self.mail_from),
            hostname=self.smtp.host,
            port=self.smtp.port,
            username=self.smtp.username,
            password=self.smtp.password,
            use_tls=self.smtp.use_tls,
            start_tls=self.smtp.start_tls,
            timeout=30,
        )


class ConsoleDelivery:
    """No mail server: the log says who would get what. The text (reset links included)
    only in development, where the log is the developer's own."""

    console = True

    def __init__(self, development: bool) -> None:
        self.development = development

    async def deliver(self, mail: OutboxMail) -> None:
        log.warning("mail not sent (no SMTP_URL) to %s: %s", mail.to_address, mail.subject)
        if self.development:
            log.warning("mail text:\n%s", mail.text_body)


def _stop_if_cancelled() -> None:
    """The SMTP client turns a cancellation in the middle of a send into an error of its
    own: the process is stopping, and must not go on to the next round."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


def backoff(attempts: int) -> timedelta:
    """One minute, then twice as long each time, at most six hours."""
    return min(timedelta(minutes=2 ** min(attempts - 1, 16)), LONGEST_WAIT)


class Mailer:
    def __init__(self, db: Database, delivery: Delivery) -> None:
        self.db = db
        self.delivery = delivery
        self._wake = asyncio.Event()

    @classmethod
    def from_settings(cls, db: Database, settings: Settings) -> Mailer:
        if settings.smtp is None:
            return cls(db, ConsoleDelivery(development=not settings.production))
        return cls(db, SmtpDelivery(settings.smtp, settings.mail_from))

    def wake(self) -> None:
        """A mail was committed: send it now rather than at the next round."""
        self._wake.set()

    async def keep_sending(self, every: float) -> None:
        """For the life of the process (app.py): a round when a mail is committed, and every
        `every` seconds for those whose retry is due."""
        while True:
            self._wake.clear()
            try:
                while await self.send_due():
                    pass
            except Exception as exc:  # the mails stay in the outbox: the next round takes them
                _stop_if_cancelled()
                log.error("mail sender: a round failed (%s), retried later", type(exc).__name__)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), every)

    async def send_due(self, now: datetime | None = None) -> int:
        """One batch: claim, deliver, mark; how many were claimed."""
        now = now or utcnow()
        claim = secrets.token_hex(16)
        mails = await self._claim(claim, now)
        for mail in mails:
            try:
                await self.delivery.deliver(mail)
            except (aiosmtplib.SMTPException, OSError) as exc:
                _stop_if_cancelled()
                await self._failed(mail, claim, type(exc).__name__, now)
            else:
                await self._done(mail, claim)
        return len(mails)

    async def _claim(self, claim: str, now: datetime) -> list[OutboxMail]:
        waiting = (
            col(OutboxMail.logged_at).is_(None)
            if self.delivery.console
            else col(OutboxMail.sent_at).is_(None) & (col(OutboxMail.next_attempt_at) <= now)
        )
        free = or_(col(OutboxMail.claimed_until).is_(None), col(OutboxMail.claimed_until) < now)
        living = select(User.id).where(col(User.erased_at).is_(None))
        due = (
            select(OutboxMail.id)
            .where(waiting, free, col(OutboxMail.user_id).in_(living))
            .order_by(col(OutboxMail.id))
            .limit(BATCH)
            .with_for_update(skip_locked=True)
        )
        taking = (
            update(OutboxMail)
            .where(col(OutboxMail.id).in_(due))
            .values(claim=claim, claimed_until=now + LEASE)
            .returning(col(OutboxMail.id))
        )
        async with self.db.session() as db:
            ids = (await (await db.connection()).execute(taking)).scalars().all()
            await db.commit()
            if not ids:
                return []
            rows = await db.exec(
                select(OutboxMail).where(col(OutboxMail.id).in_(ids)).order_by(col(OutboxMail.id))
            )
            return list(rows.all())

    async def _mark(self, mail: OutboxMail, claim: str, **values: object) -> None:
        async with self.db.session() as db:
            await (await db.connection()).execute(
                update(OutboxMail)
                .where(col(OutboxMail.id) == mail.id, col(OutboxMail.claim) == claim)
                .values(claim=None, claimed_until=None, **values)
            )
            await db.commit()

    async def _done(self, mail: OutboxMail, claim: str) -> None:
        if self.delivery.console:
            await self._mark(mail, claim, logged_at=utcnow())
        else:
            await self._mark(mail, claim, sent_at=utcnow(), text_body="", html_body="", headers="")

    async def _failed(self, mail: OutboxMail, claim: str, error: str, now: datetime) -> None:
        attempts = mail.attempts + 1
        log.warning("mail %s not sent (%s), attempt %d: retried later", mail.id, error, attempts)
        await self._mark(
            mail,
            claim,
            attempts=attempts,
            last_error=error,
            next_attempt_at=now + backoff(attempts),
        )

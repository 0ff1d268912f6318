"""A real SMTP server in the test process, and the links that mails carry."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from sqlmodel import col, select

from community.database import Database
from community.models import OutboxMail
from tests.servers import free_port


class Inbox:
    """What the server received; it refuses the next `refuse` mails with a temporary error."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse = 0

    async def handle_DATA(self, server: object, session: object, envelope) -> str:
        if self.refuse:
            self.refuse -= 1
            return "451 4.3.0 Try again later"
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    async def wait_for(self, address: str, count: int = 1) -> list[EmailMessage]:
        """The mails to `address` once `count` arrived (the app's sender runs on its own)."""
        for _ in range(200):
            if len(self.to(address)) >= count:
                return self.to(address)
            await asyncio.sleep(0.05)
        raise AssertionError(f"no mail to {address} within 10 s: {self.messages}")

    def arrived(self, address: str, subject: str) -> EmailMessage:
        """For browser tests (no event loop here): the mail once the server's sender sent it."""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            for mail in self.to(address):
                if mail["Subject"] == subject:
                    return mail
            time.sleep(0.05)
        raise AssertionError(f"no mail {subject!r} to {address} within 10 s")


@contextmanager
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def text_of(mail: EmailMessage) -> str:
    part = mail.get_body(("plain",))
    assert part is not None
    return part.get_content()


def html_of(mail: EmailMessage) -> str:
    part = mail.get_body(("html",))
    assert part is not None
    return part.get_content()


LINK = re.compile(r"https?://[^/\s]+(/(?:password/reset|confirm)/[0-9a-f]+)")


def link_in(text: str) -> str:
    """The path of the link a mail carries."""
    match = LINK.search(text)
    assert match, f"no link in {text!r}"
    return match.group(1)


async def outbox_to(db: Database, address: str, kind: str | None = None) -> list[OutboxMail]:
    async with db.session() as session:
        found = select(OutboxMail).where(OutboxMail.to_address == address)
        if kind:
            found = found.where(OutboxMail.kind == kind)
        return list((await session.exec(found.order_by(col(OutboxMail.id)))).all())


async def last_link(db: Database, address: str, kind: str) -> str:
    mails = await outbox_to(db, address, kind)
    assert mails, f"no {kind} mail to {address}"
    return link_in(mails[-1].text_body)

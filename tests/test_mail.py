"""The mailer and the address check: a real SMTP server in the test process receives the
mails; the outbox keeps what it could not send."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from datetime import timedelta
from email.utils import parsedate_to_datetime

import pytest
from sqlmodel import select

from community import accounts
from community.accounts import Passwords
from community.database import Database
from community.mail import sender
from community.mail.letter import Letter
from community.models import OutboxMail, User, utcnow
from community.settings import ConfigurationError, Settings, Smtp, parse_smtp_url
from tests.conftest import make_client
from tests.helpers import post_form, sign_in, sign_up
from tests.mail_helpers import html_of, link_in, outbox_to, smtp_server, text_of

MAIL_FROM = "Ruche <ruche@ruche.test>"


@pytest.fixture
def smtp():
    with smtp_server() as running:
        yield running


@pytest.fixture
def settings(settings: Settings, smtp) -> Settings:
    """The app of these tests sends to the test's SMTP server."""
    return replace(settings, smtp=Smtp("127.0.0.1", smtp[1]), mail_from=MAIL_FROM)


async def a_person(db: Database, email: str, locale: str = "fr") -> User:
    async with db.session() as session:
        user = await accounts.sign_up(
            session,
            Passwords("fast"),
            {"email": email, "display_name": "Camille", "password": "une phrase secrète"},
            locale=locale,
        )
        await session.commit()
        return user


def hello(n: int = 0) -> Letter:
    return Letter("Sujet", "Bonjour,", (f"Message {n}.",), "Ouvrir", f"http://x.test/{n}")


async def queue_mails(db: Database, user: User, count: int) -> None:
    async with db.session() as session:
        for n in range(count):
            sender.queue(session, user, "test", lambda n=n: hello(n), MAIL_FROM)
        await session.commit()


def smtp_mailer(db: Database, port: int) -> sender.Mailer:
    return sender.Mailer(db, sender.SmtpDelivery(Smtp("127.0.0.1", port), MAIL_FROM))


def test_smtp_url_gives_host_port_credentials_and_tls():
    plain = parse_smtp_url("smtp://ruche%40x.fr:p%40ss@mail.x.fr:587?starttls=1")
    assert (plain.host, plain.port, plain.username, plain.password) == (
        "mail.x.fr",
        587,
        "ruche@x.fr",
        "p@ss",
    )
    assert plain.start_tls and not plain.use_tls
    tls = parse_smtp_url("smtps://u:p@mail.x.fr")
    assert (tls.port, tls.use_tls, tls.start_tls) == (465, True, False)
    assert "p@ss" not in repr(plain)  # a password never reaches a log through the settings
    with pytest.raises(ConfigurationError):
        parse_smtp_url("http://mail.x.fr")
    assert Settings.from_env({}).smtp is None
    assert Settings.from_env({"SMTP_URL": "smtp://h:2525", "MAIL_FROM": "a@b.fr"}).mail_from == (
        "a@b.fr"
    )


async def test_sign_up_mails_reach_the_server_in_each_persons_language_with_their_headers(
    app, smtp
):
    inbox, _port = smtp
    async with make_client(app) as french, make_client(app) as english:
        english.headers["Accept-Language"] = "en"
        await sign_up(french, "camille@example.fr", "Camille")
        await sign_up(english, "sam@example.org", "Sam")
    [fr] = await inbox.wait_for("camille@example.fr")
    [en] = await inbox.wait_for("sam@example.org")
    assert fr["Subject"] == "Confirmez votre adresse pour Ruche"
    assert "Bonjour Camille," in text_of(fr) and "Confirmer mon adresse" in html_of(fr)
    assert en["Subject"] == "Confirm your address for Ruche"
    assert "Hello Sam," in text_of(en) and "Confirm my address" in html_of(en)
    for mail in (fr, en):
        assert mail["From"] == MAIL_FROM
        assert abs(parsedate_to_datetime(mail["Date"]) - utcnow()) < timedelta(minutes=1)
        assert mail["Message-ID"].endswith("@ruche.test>")
        assert link_in(text_of(mail)) == link_in(html_of(mail))
    assert fr["Message-ID"] != en["Message-ID"]


async def test_a_refused_mail_is_retried_later_and_sent_once(db, smtp):
    inbox, port = smtp
    user = await a_person(db, "camille@example.fr")
    await queue_mails(db, user, 1)
    mailer = smtp_mailer(db, port)
    now = utcnow()
    inbox.refuse = 1
    assert await mailer.send_due(now) == 1
    [waiting] = await outbox_to(db, "camille@example.fr")
    assert (waiting.sent_at, waiting.attempts, waiting.last_error) == (None, 1, "SMTPDataError")
    assert waiting.next_attempt_at == now + timedelta(minutes=1)
    assert await mailer.send_due(now) == 0  # not before its time
    assert await mailer.send_due(now + timedelta(minutes=2)) == 1
    assert await mailer.send_due(now + timedelta(hours=7)) == 0
    assert len(inbox.messages) == 1
    [sent] = await outbox_to(db, "camille@example.fr")
    assert sent.sent_at is not None and sent.text_body == ""  # its links are not kept


async def test_a_server_that_cannot_be_reached_loses_nothing(db, smtp):
    inbox, port = smtp
    user = await a_person(db, "camille@example.fr")
    await queue_mails(db, user, 2)
    down = smtp_mailer(db, 1)  # nothing listens there
    now = utcnow()
    assert await down.send_due(now) == 2
    assert [m.attempts for m in await outbox_to(db, "camille@example.fr")] == [1, 1]
    assert sender.backoff(1) < sender.backoff(2) < sender.backoff(30) == sender.LONGEST_WAIT
    assert await smtp_mailer(db, port).send_due(now + timedelta(minutes=1)) == 2
    assert len(inbox.messages) == 2


async def test_two_senders_at_once_send_each_mail_once(db, settings, smtp):
    inbox, port = smtp
    user = await a_person(db, "camille@example.fr")
    await queue_mails(db, user, 3 * sender.BATCH)
    other = Database(settings.database_url)
    try:
        first, second = smtp_mailer(db, port), smtp_mailer(other, port)
        while sum(await asyncio.gather(first.send_due(), second.send_due())):
            pass
    finally:
        await other.dispose()
    ids = [m["Message-ID"] for m in inbox.messages]
    assert len(ids) == len(set(ids)) == 3 * sender.BATCH


async def test_without_a_mail_server_mails_wait_and_production_logs_no_link(db, caplog):
    user = await a_person(db, "camille@example.fr")
    await queue_mails(db, user, 1)
    console = sender.Mailer(db, sender.ConsoleDelivery(development=False))
    with caplog.at_level(logging.INFO, logger="community.mail.sender"):
        assert await console.send_due() == 1
        assert await console.send_due() == 0  # logged once
    logged = caplog.text
    assert "camille@example.fr" in logged and "Sujet" in logged
    assert "http://x.test/0" not in logged
    [kept] = await outbox_to(db, "camille@example.fr")
    assert kept.sent_at is None and kept.logged_at is not None
    assert "http://x.test/0" in kept.text_body


async def test_the_development_log_shows_the_text_with_its_link(db, caplog):
    user = await a_person(db, "camille@example.fr")
    await queue_mails(db, user, 1)
    with caplog.at_level(logging.INFO, logger="community.mail.sender"):
        await sender.Mailer(db, sender.ConsoleDelivery(development=True)).send_due()
    assert "http://x.test/0" in caplog.text


async def test_an_erased_account_gets_no_mail(db, smtp):
    inbox, port = smtp
    user = await a_person(db, "camille@example.fr")
    await queue_mails(db, user, 1)  # written before the account was erased
    async with db.session() as session:
        mine = await session.get(User, user.id)
        assert mine is not None
        mine.erased_at = utcnow()
        session.add(mine)
        await session.commit()
        await queue_mails(db, mine, 1)
    assert len(await outbox_to(db, "camille@example.fr")) == 1
    assert await smtp_mailer(db, port).send_due() == 0
    assert inbox.messages == []


async def test_a_taken_address_creates_nothing_signs_nobody_in_and_tells_the_owner(
    app, client, db, smtp
):
    inbox, _port = smtp
    await sign_up(client, "camille@example.fr", "Camille")
    async with make_client(app) as stranger:
        answer = await sign_up(stranger, "CAMILLE@example.fr", "Quelqu'un")
        assert answer.status_code == 303 and answer.headers["location"] == "/signup/sent"
        page = await stranger.get("/signup/sent")
        assert "Vérifiez votre messagerie" in page.text
        assert (await stranger.get("/profile")).status_code == 303  # not signed in
    mails = await inbox.wait_for("camille@example.fr", 2)
    notice = next(m for m in mails if "essayé de créer" in m["Subject"])
    assert "/password/forgot" in text_of(notice)
    async with db.session() as session:
        assert len((await session.exec(select(User))).all()) == 1


async def test_owner_notices_are_few_whatever_the_number_of_attempts(app, client, db):
    await sign_up(client, "camille@example.fr")
    async with make_client(app) as stranger:
        for _ in range(5):
            assert (await sign_up(stranger, "camille@example.fr")).status_code == 303
    assert len(await outbox_to(db, "camille@example.fr", "signup-taken")) == 3


async def test_the_confirmation_link_confirms_the_address_once(app, client, db, smtp):
    inbox, _port = smtp
    await sign_up(client, "camille@example.fr")
    profile = await client.get("/profile")
    assert "pas encore confirmée" in profile.text
    [mail] = await inbox.wait_for("camille@example.fr")
    link = link_in(text_of(mail))
    async with make_client(app) as elsewhere:  # the mail may be read on another device
        assert "Confirmer mon adresse" in (await elsewhere.get(link)).text
        done = await post_form(elsewhere, link, {}, page=link)
        assert "Adresse confirmée" in done.text
        again = await post_form(elsewhere, link, {}, page="/")
        assert "Ce lien ne fonctionne plus" in again.text
    assert "Votre adresse est confirmée" in (await client.get("/profile")).text
    async with db.session() as session:
        user = (await session.exec(select(User))).one()
    assert user.email_confirmed_at is not None


async def test_the_link_is_sent_again_from_the_profile_a_few_times(client, db):
    await sign_up(client, "camille@example.fr")
    answers = [
        (await post_form(client, "/profile/confirmation", {}, page="/profile")).status_code
        for _ in range(4)
    ]
    assert answers == [303, 303, 303, 429]
    assert len(await outbox_to(db, "camille@example.fr", "confirm")) == 1 + 3


async def test_a_confirmed_address_is_not_sent_another_link(client, db):
    await sign_up(client, "camille@example.fr")
    async with db.session() as session:
        user = (await session.exec(select(User))).one()
        user.email_confirmed_at = utcnow()
        session.add(user)
        await session.commit()
    refused = await post_form(client, "/profile/confirmation", {}, page="/profile")
    assert refused.status_code == 403
    assert len(await outbox_to(db, "camille@example.fr", "confirm")) == 1


async def test_admins_read_the_outbox_and_nobody_else_does(client, db, demo_data, smtp):
    smtp[0].refuse = 1000  # the mail waits, its text kept, whenever the app's sender tries
    user = await a_person(db, "camille@example.fr")
    await queue_mails(db, user, 1)
    async with db.session() as session:
        mail = (await session.exec(select(OutboxMail).where(OutboxMail.user_id == user.id))).one()
    await sign_in(client, "apprenant1@demo.test")
    assert (await client.get("/admin/outbox")).status_code == 403
    assert (await client.get(f"/admin/outbox/{mail.id}")).status_code == 403
    await sign_in(client, "admin@demo.test")
    listing = await client.get("/admin/outbox")
    assert "camille@example.fr" in listing.text and f"/admin/outbox/{mail.id}" in listing.text
    one = await client.get(f"/admin/outbox/{mail.id}")
    assert "http://x.test/0" in one.text and "En attente" in one.text
    assert (await client.get("/admin/outbox/999999")).status_code == 404

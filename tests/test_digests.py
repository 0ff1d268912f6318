"""E-mail digests: one per person and period whatever runs them, in the person's language,
only what they chose, nothing when there is nothing, and an unsubscribe that needs no
sign-in."""

from __future__ import annotations

import asyncio
import re
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlmodel import select

from community import digests
from community.database import Database
from community.models import DigestSent, Notification, OutboxMail, User, utcnow
from community.settings import Settings, Smtp
from tests.conftest import make_client
from tests.helpers import post_form, sign_in
from tests.mail_helpers import smtp_server, text_of

NOW = utcnow()
WEEK = digests.last_period("weekly", NOW)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The app's own digest job stays idle: each test runs the job's rounds itself."""
    return replace(settings, digest_every=0, public_url="https://ruche.example")


async def person(db: Database, email: str, **changes: object) -> User:
    """A demo learner, address confirmed unless told otherwise, with a mention last week."""
    async with db.session() as session:
        user = (await session.exec(select(User).where(User.email == email))).one()
        user.email_confirmed_at = NOW - timedelta(days=30)
        for name, value in changes.items():
            setattr(user, name, value)
        session.add(user)
        await session.commit()
        await session.refresh(user)
        return user


async def news(db: Database, user: User, kind: str = "mention", subject: str = "Potager") -> None:
    async with db.session() as session:
        session.add(
            Notification(
                user_id=user.id or 0,
                kind=kind,
                subject=subject,
                link="/projects/1",
                created_at=WEEK.start + timedelta(days=2),
            )
        )
        await session.commit()


async def digests_to(db: Database, user: User) -> list[OutboxMail]:
    async with db.session() as session:
        found = select(OutboxMail).where(OutboxMail.user_id == user.id, OutboxMail.kind == "digest")
        return list((await session.exec(found)).all())


async def recorded(db: Database, user: User) -> list[DigestSent]:
    async with db.session() as session:
        return list(await session.exec(select(DigestSent).where(DigestSent.user_id == user.id)))


async def test_one_digest_per_person_and_week_in_their_language(db, settings, demo_data):
    french = await person(db, "apprenant1@demo.test")
    english = await person(db, "apprenant3@demo.test", locale="en")
    await news(db, french)
    await news(db, english)
    assert await digests.send_due(db, settings, NOW) == 2
    assert await digests.send_due(db, settings, NOW) == 0  # the same week again: nothing
    (fr,) = await digests_to(db, french)
    (en,) = await digests_to(db, english)
    assert fr.subject == "Vos nouvelles sur Ruche" and "Mentions et réponses" in fr.text_body
    assert "On vous a mentionné·e dans « Potager »." in fr.text_body
    assert en.subject == "Your news on Ruche" and "You were mentioned in “Potager”." in en.text_body
    assert "https://ruche.example/projects/1" in fr.text_body
    assert [r.period for r in await recorded(db, french)] == [WEEK.key]


async def test_a_new_job_instance_after_a_restart_sends_nothing_twice(db, settings, demo_data):
    learner = await person(db, "apprenant1@demo.test")
    await news(db, learner)
    assert await digests.send_due(db, settings, NOW) == 1
    restarted = Database(settings.database_url)  # another process, after a restart
    try:
        assert await digests.send_due(restarted, settings, NOW + timedelta(hours=5)) == 0
    finally:
        await restarted.dispose()
    assert len(await digests_to(db, learner)) == 1


async def test_two_jobs_at_once_make_one_mail(db, settings, demo_data):
    learners = [await person(db, f"apprenant{n}@demo.test") for n in (1, 2, 3, 4)]
    for learner in learners:
        await news(db, learner)
    processes = [Database(settings.database_url) for _ in range(2)]
    try:
        await asyncio.gather(*(digests.send_due(p, settings, NOW) for p in processes))
    finally:
        for process in processes:
            await process.dispose()
    for learner in learners:
        assert len(await digests_to(db, learner)) == 1


async def test_a_daily_digest_covers_yesterday(db, settings, demo_data):
    learner = await person(db, "apprenant1@demo.test", digest_every="daily")
    day = digests.last_period("daily", NOW)
    async with db.session() as session:
        session.add(
            Notification(
                user_id=learner.id or 0, kind="joined", subject="Lucas Martin",
                link="/projects/1", created_at=day.start + timedelta(hours=3),
            )
        )  # fmt: skip
        await session.commit()
    assert await digests.send_due(db, settings, NOW) == 1
    (mail,) = await digests_to(db, learner)
    assert "Lucas Martin a rejoint votre projet." in mail.text_body
    assert [r.period for r in await recorded(db, learner)] == [day.key]


async def test_an_opted_out_kind_is_left_out(db, settings, demo_data):
    learner = await person(db, "apprenant1@demo.test", digest_skips="mentions")
    await news(db, learner)
    await news(db, learner, "joined", "Lucas Martin")
    assert await digests.send_due(db, settings, NOW) == 1
    (mail,) = await digests_to(db, learner)
    assert "Lucas Martin a rejoint votre projet." in mail.text_body
    assert "Potager" not in mail.text_body and "Mentions" not in mail.text_body


async def test_nothing_to_tell_sends_nothing_and_is_not_looked_at_again(db, settings, demo_data):
    quiet = await person(db, "apprenant1@demo.test", digest_skips="mentions,projects,help,feedback")
    await news(db, quiet)  # a kind they left out
    assert await digests.send_due(db, settings, NOW) == 0
    assert await digests_to(db, quiet) == []
    assert [(r.period, r.mailed) for r in await recorded(db, quiet)] == [(WEEK.key, False)]


async def test_unconfirmed_addresses_and_people_who_said_never_get_nothing(db, settings, demo_data):
    unconfirmed = await person(db, "apprenant1@demo.test", email_confirmed_at=None)
    never = await person(db, "apprenant3@demo.test", digest_every="never")
    for learner in (unconfirmed, never):
        await news(db, learner)
    assert await digests.send_due(db, settings, NOW) == 0
    assert await recorded(db, unconfirmed) == [] and await recorded(db, never) == []


async def test_what_happened_outside_the_period_is_not_in_it(db, settings, demo_data):
    learner = await person(db, "apprenant1@demo.test", digest_skips="feedback")
    async with db.session() as session:
        session.add(
            Notification(
                user_id=learner.id or 0, kind="mention", subject="Ancien",
                link="/projects/1", created_at=WEEK.start - timedelta(days=3),
            )
        )  # fmt: skip
        await session.commit()
    assert await digests.send_due(db, settings, NOW) == 0


# --- unsubscribing ---------------------------------------------------------------------------


def stop_path(settings: Settings, user: User) -> str:
    return digests.unsubscribe_url(settings, user.id or 0).removeprefix(settings.public_url)


async def every(db: Database, user: User) -> str:
    async with db.session() as session:
        return (await session.get(User, user.id)).digest_every  # type: ignore[union-attr]


async def test_unsubscribing_from_the_page_needs_no_sign_in(client, db, settings, demo_data):
    learner = await person(db, "apprenant1@demo.test")
    path = stop_path(settings, learner)
    page = await client.get(path)
    assert page.status_code == 200 and "Arrêter les récapitulatifs" in page.text
    assert await every(db, learner) == "weekly"  # opening the link changes nothing
    done = await client.post(path, data={})
    assert done.status_code == 200 and "vous ne recevrez plus de récapitulatifs" in done.text
    assert await every(db, learner) == "never"


async def test_the_one_click_post_of_a_mail_client_unsubscribes(app, db, settings, demo_data):
    learner = await person(db, "apprenant1@demo.test")
    async with make_client(app) as mail_client:  # no cookie, no Origin, no CSRF token
        answer = await mail_client.post(
            stop_path(settings, learner),
            content=b"List-Unsubscribe=One-Click",
            headers={"Content-Type": "application/x-www-form-urlencoded", "Origin": ""},
        )
    assert answer.status_code == 200
    assert await every(db, learner) == "never"


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_a_tampered_link_is_refused_with_a_clear_message(
    client, db, settings, demo_data, method
):
    learner = await person(db, "apprenant1@demo.test")
    someone_else = await person(db, "apprenant3@demo.test")
    token = digests.unsubscribe_token(settings.secret_key, learner.id or 0)
    tampered = token.replace(f"{learner.id}-", f"{someone_else.id}-", 1)
    for bad in (tampered, token[:-4], "abc", "1-", "-"):
        answer = await client.request(method, f"/digests/unsubscribe/{bad}")
        assert answer.status_code == 400
        assert "Ce lien de désabonnement n’est pas valide" in answer.text
    assert await every(db, learner) == await every(db, someone_else) == "weekly"


# --- the choice in the profile ---------------------------------------------------------------


async def test_a_learner_chooses_how_often_and_what(client, db, demo_data):
    learner = await person(db, "apprenant1@demo.test")
    await sign_in(client, "apprenant1@demo.test")
    profile = await client.get("/profile")
    assert "Récapitulatifs par e-mail" in profile.text
    chosen = await post_form(
        client, "/profile/digests", {"every": "daily", "kind_help": "1"}, page="/profile"
    )
    assert chosen.status_code == 303
    async with db.session() as session:
        mine = await session.get(User, learner.id)
        assert mine is not None
        assert (mine.digest_every, mine.digest_skips) == ("daily", "mentions,projects,feedback")
    wrong = await post_form(client, "/profile/digests", {"every": "hourly"}, page="/profile")
    assert wrong.status_code == 422 and "Choisissez l&#39;une des options proposées." in wrong.text


async def test_trainers_have_no_digest_to_choose(client, db, demo_data):
    await sign_in(client, "formateur1@demo.test")
    assert "Récapitulatifs par e-mail" not in (await client.get("/profile")).text
    refused = await post_form(client, "/profile/digests", {"every": "daily"}, page="/profile")
    assert refused.status_code == 403


# --- the real mail -------------------------------------------------------------------------


async def test_the_smtp_server_receives_the_digest_with_its_unsubscribe_headers(
    database_url, redis_url, demo_data, db
):
    from community.app import create_app

    learner = await person(db, "apprenant1@demo.test")
    await news(db, learner)
    with smtp_server() as (inbox, port):
        settings = Settings(
            database_url=database_url,
            redis_url=redis_url,
            secret_key="test-secret-" + "x" * 32,
            hashing_profile="fast",
            allowed_hosts=("testserver",),
            smtp=Smtp("127.0.0.1", port),
            mail_from="Ruche <ruche@ruche.example>",
            public_url="https://ruche.example",
            digest_every=0.2,
        )
        app = create_app(settings)
        async with app.router.lifespan_context(app):  # the app's own job and sender
            (mail,) = await inbox.wait_for(learner.email)
    stop = digests.unsubscribe_url(settings, learner.id or 0)
    assert mail["Subject"] == "Vos nouvelles sur Ruche"
    assert mail["List-Unsubscribe"] == f"<{stop}>"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert stop in text_of(mail)
    assert re.search(r"/digests/unsubscribe/\d+-[0-9a-f]{32}", text_of(mail))

"""A forgotten password, through the HTTP app: the links are read from the outbox (no mail
server configured, the mails wait there)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from sqlmodel import select

from community.mail import reset
from community.models import MailToken, User, utcnow
from tests.conftest import make_client
from tests.helpers import post_form, sign_in, sign_up
from tests.mail_helpers import last_link, outbox_to

NEW_PASSWORD = "un tout nouveau mot de passe"


async def forgot(client, email: str):  # type: ignore[no-untyped-def]
    return await post_form(client, "/password/forgot", {"email": email}, page="/password/forgot")


async def choose(client, link: str, password: str = NEW_PASSWORD):  # type: ignore[no-untyped-def]
    return await post_form(client, link, {"password": password}, page=link)


async def signed_in_as(client) -> bool:  # type: ignore[no-untyped-def]
    return (await client.get("/profile")).status_code == 200


async def test_the_sign_in_page_offers_a_forgotten_password(client):
    page = await client.get("/signin")
    assert 'href="/password/forgot"' in page.text
    assert "Mot de passe oublié ?" in page.text


async def test_known_and_unknown_addresses_get_the_same_answer_and_only_the_known_a_mail(
    client, db
):
    await sign_up(client, "camille@example.fr")
    known = await forgot(client, "camille@example.fr")
    unknown = await forgot(client, "personne@example.fr")
    assert known.status_code == unknown.status_code == 303
    assert known.headers["location"] == unknown.headers["location"] == "/password/sent"
    assert known.text == unknown.text
    page = await client.get("/password/sent")
    assert "Si un compte existe pour cette adresse" in page.text
    assert len(await outbox_to(db, "camille@example.fr", "reset")) == 1
    assert await outbox_to(db, "personne@example.fr") == []


async def test_the_link_sets_a_new_password_ends_every_other_session_and_signs_in_here(
    app, client, db
):
    await sign_up(client, "camille@example.fr")  # signed in in this browser
    async with make_client(app) as phone, make_client(app) as forgetful:
        await sign_in(phone, "camille@example.fr", "une phrase secrète")
        assert await signed_in_as(phone) and await signed_in_as(client)
        await forgot(forgetful, "camille@example.fr")
        link = await last_link(db, "camille@example.fr", "reset")
        form = await forgetful.get(link)
        assert "Choisir un nouveau mot de passe" in form.text
        done = await choose(forgetful, link)
        assert done.status_code == 303
        assert await signed_in_as(forgetful)
        assert not await signed_in_as(phone)  # the old cookies open nothing any more
        assert not await signed_in_as(client)
        await sign_in(phone, "camille@example.fr", NEW_PASSWORD)
        old = await post_form(
            client,
            "/signin",
            {"email": "camille@example.fr", "password": "une phrase secrète"},
            page="/signin",
        )
        assert old.status_code == 422


async def test_a_link_works_once(client, db):
    await sign_up(client, "camille@example.fr")
    await forgot(client, "camille@example.fr")
    link = await last_link(db, "camille@example.fr", "reset")
    assert (await choose(client, link)).status_code == 303
    again = await choose(client, link, "encore un autre mot de passe")
    assert "Ce lien ne fonctionne plus" in again.text
    assert 'href="/password/forgot"' in again.text  # a new one is offered
    assert "Ce lien ne fonctionne plus" in (await client.get(link)).text
    await sign_in(client, "camille@example.fr", NEW_PASSWORD)


async def test_a_new_password_retires_the_other_links_still_out(client, db):
    await sign_up(client, "camille@example.fr")
    await forgot(client, "camille@example.fr")
    older = await last_link(db, "camille@example.fr", "reset")
    await forgot(client, "camille@example.fr")
    newer = await last_link(db, "camille@example.fr", "reset")
    assert (await choose(client, newer)).status_code == 303
    assert "Ce lien ne fonctionne plus" in (await choose(client, older, "pas celui-là")).text


async def test_a_link_expires_after_one_hour(client, db):
    await sign_up(client, "camille@example.fr")
    await forgot(client, "camille@example.fr")
    link = await last_link(db, "camille@example.fr", "reset")
    async with db.session() as session:
        token = (await session.exec(select(MailToken).where(MailToken.purpose == "reset"))).one()
        assert token.expires_at - token.created_at == timedelta(hours=1) == reset.LIFETIME
        assert token.id not in link  # only a hash is stored
        await session.exec(update(MailToken).values(expires_at=utcnow()))  # type: ignore[call-overload]
        await session.commit()
    assert "Ce lien ne fonctionne plus" in (await client.get(link)).text
    refused = await choose(client, link)
    assert "Ce lien ne fonctionne plus" in refused.text
    await sign_in(client, "camille@example.fr", "une phrase secrète")  # unchanged


async def test_a_new_password_follows_the_sign_up_rules_and_the_link_stays_usable(client, db):
    await sign_up(client, "camille@example.fr")
    await forgot(client, "camille@example.fr")
    link = await last_link(db, "camille@example.fr", "reset")
    short = await choose(client, link, "court")
    assert short.status_code == 422
    assert "Au moins 10 caractères" in short.text
    assert (await choose(client, link)).status_code == 303


async def test_asking_is_throttled_per_address_and_per_ip(app, client, db):
    answers = [(await forgot(client, "camille@example.fr")).status_code for _ in range(6)]
    assert answers == [303] * 5 + [429]
    async with make_client(app, ip="10.0.0.9") as crowd:
        spread = [(await forgot(crowd, f"p{n}@example.fr")).status_code for n in range(21)]
    assert spread == [303] * 20 + [429]


async def test_an_erased_account_gets_no_link(client, db):
    await sign_up(client, "camille@example.fr")
    async with db.session() as session:
        user = (await session.exec(select(User))).one()
        user.erased_at = utcnow()
        session.add(user)
        await session.commit()
    assert (await forgot(client, "camille@example.fr")).status_code == 303
    assert await outbox_to(db, "camille@example.fr", "reset") == []

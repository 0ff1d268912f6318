"""Sign-up, sign-in, sign-out and profile, through the HTTP app."""

from __future__ import annotations

import re

from sqlmodel import col, func, select

from community.models import User
from tests.conftest import make_client
from tests.helpers import csrf_token, post_form, sign_in, sign_up


async def count_users(db) -> int:
    async with db.session() as session:
        return (await session.exec(select(func.count(col(User.id))))).one()


async def test_sign_up_signs_in_and_lands_home(client, db):
    response = await sign_up(client, "Camille@Example.fr", "Camille Durand")
    assert response.status_code == 303
    home = await client.get("/")
    assert "Bonjour <bdi>Camille Durand</bdi>" in home.text
    assert "Rejoignez votre formation" in home.text
    async with db.session() as session:
        user = (await session.exec(select(User))).one()
    assert user.email == "camille@example.fr"
    assert user.password_hash.startswith("$argon2id$")


async def test_sign_up_with_bad_fields_says_what_is_wrong_and_writes_nothing(client, db):
    response = await post_form(
        client,
        "/signup",
        {"email": "pas-une-adresse", "display_name": "x" * 81, "password": "court"},
        page="/signup",
    )
    assert response.status_code == 422
    assert "Indiquez une adresse e-mail valide" in response.text
    assert "80 caractères au maximum" in response.text
    assert "Au moins 10 caractères" in response.text
    assert 'value="pas-une-adresse"' in response.text  # what was typed is kept
    assert "court" not in response.text  # passwords are never echoed
    assert await count_users(db) == 0


async def test_a_taken_address_gets_the_answer_a_new_one_gets_and_no_account(client, app, db):
    new = await sign_up(client, "nouvelle@example.fr")
    async with make_client(app) as other:
        taken = await post_form(
            other,
            "/signup",
            {"email": "Nouvelle@example.fr", "display_name": "B", "password": "une autre phrase"},
            page="/signup",
        )
        assert taken.status_code == new.status_code == 303
        assert taken.headers["location"] == new.headers["location"] == "/signup/sent"
        page = await other.get("/signup/sent")
    assert "Vérifiez votre messagerie" in page.text
    assert "existe déjà" not in page.text
    assert await count_users(db) == 1


async def test_wrong_password_and_unknown_email_get_the_same_answer(client, demo_data):
    wrong = await post_form(
        client,
        "/signin",
        {"email": "apprenant1@demo.test", "password": "mauvais mot de passe"},
        page="/signin",
    )
    unknown = await post_form(
        client,
        "/signin",
        {"email": "personne@demo.test", "password": "mauvais mot de passe"},
        page="/signin",
    )
    assert wrong.status_code == unknown.status_code == 422
    assert "Adresse e-mail ou mot de passe incorrect." in wrong.text

    def errors(html: str) -> list[str]:
        return re.findall(r'class="field-error">([^<]*)<', html)

    assert (
        errors(wrong.text) == errors(unknown.text) == ["Adresse e-mail ou mot de passe incorrect."]
    )


async def test_sign_in_rotates_the_session_and_sign_out_kills_it(client, app, demo_data):
    await client.get("/")
    before = client.cookies["ruche"]
    await sign_in(client, "apprenant1@demo.test")
    after = client.cookies["ruche"]
    assert after != before
    assert "Amina" in (await client.get("/")).text

    stolen = after
    response = await post_form(client, "/signout", {})
    assert response.status_code == 303
    assert client.cookies["ruche"] != stolen
    from tests.conftest import make_client

    async with make_client(app) as thief:
        thief.cookies.set("ruche", stolen)
        page = await thief.get("/profile")
    assert page.status_code == 303
    assert page.headers["location"].startswith("/signin")


async def test_sign_in_returns_to_the_page_asked_for_but_never_offsite(client, demo_data):
    token = await csrf_token(client, "/signin")
    response = await client.post(
        "/signin",
        data={
            "email": "apprenant1@demo.test",
            "password": "demo-ruche-2026",
            "next": "//evil.example/",
            "csrf_token": token,
        },
    )
    assert response.headers["location"] == "/"


async def test_profile_changes_name_and_language(client, demo_data):
    await sign_in(client, "apprenant1@demo.test")
    response = await post_form(
        client, "/profile", {"display_name": "Amina B.", "locale": "en"}, page="/profile"
    )
    assert response.status_code == 303
    page = await client.get("/profile?saved=1")
    assert "Your profile is saved." in page.text
    assert '<html lang="en">' in page.text
    bad = await post_form(client, "/profile", {"display_name": "", "locale": "de"}, page="/profile")
    assert bad.status_code == 422
    assert "This field is required." in bad.text
    assert "Choose one of the options." in bad.text
    assert "Amina B." in (await client.get("/")).text


async def test_profile_needs_an_account(client):
    response = await client.get("/profile")
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?next=/profile"

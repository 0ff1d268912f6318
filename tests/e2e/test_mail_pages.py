"""A forgotten password in Chromium at phone size: the link comes by mail, through a real
SMTP server in the test process, from a server started with SMTP_URL pointing at it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from community.demo import PASSWORD
from tests.conftest import empty_database
from tests.e2e.conftest import assert_accessible, menu, shot
from tests.mail_helpers import Inbox, link_in, smtp_server, text_of
from tests.servers import Server, prepare, ruche_env, serve


@pytest.fixture(scope="module")
def mail_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Inbox]]:
    """A server of this module's own, whose mail goes to the test's SMTP server (the
    shared demo server keeps its mails in the outbox)."""
    folder = tmp_path_factory.mktemp("mail-server")
    with smtp_server() as (inbox, port), empty_database(folder) as database_url:
        env = ruche_env(database_url, SMTP_URL=f"smtp://127.0.0.1:{port}")
        prepare(env)
        running = serve(env, folder)
        try:
            yield running, inbox
        finally:
            running.stop()


@pytest.fixture
def mail_phone(browser, mail_server):
    server, _inbox = mail_server
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        locale="fr-FR",
        base_url=server.url,
        is_mobile=True,
        has_touch=True,
        bypass_csp=True,  # for axe-core
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert errors == [], f"errors in the browser: {errors}"


def sign_out(page) -> None:
    menu(page).get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("heading", name="Apprendre ensemble, en faisant")).to_be_visible()


def sign_in(page, email: str, password: str) -> None:
    page.goto("/signin")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")


def test_a_learner_resets_a_forgotten_password_from_the_mailed_link(mail_phone, mail_server):
    page, (_server, inbox) = mail_phone, mail_server
    email = f"lea-{uuid.uuid4().hex[:8]}@example.fr"
    page.goto("/signup")
    page.get_by_label("Votre nom").fill("Léa Oublieuse")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill("une phrase vite oubliée")
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_role("heading", name="Vérifiez votre messagerie")).to_be_visible()
    assert_accessible(page)
    inbox.arrived(email, "Confirmez votre adresse pour Ruche")
    sign_out(page)

    page.goto("/signin")
    page.get_by_role("link", name="Mot de passe oublié ?").click()
    expect(page.get_by_role("heading", name="Mot de passe oublié ?")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_role("button", name="M’envoyer un lien").click()
    expect(page.get_by_role("heading", name="Vérifiez votre messagerie")).to_be_visible()
    expect(page.get_by_text("Si un compte existe pour cette adresse")).to_be_visible()
    assert_accessible(page)
    shot(page, "password-sent-390")

    mail = inbox.arrived(email, "Choisissez un nouveau mot de passe pour Ruche")
    link = link_in(text_of(mail))
    page.goto(link)
    expect(page.get_by_role("heading", name="Choisir un nouveau mot de passe")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Nouveau mot de passe").fill("un souvenir tout neuf")
    page.get_by_role("button", name="Enregistrer mon nouveau mot de passe").click()
    expect(page.get_by_text("Votre nouveau mot de passe est enregistré")).to_be_visible()
    assert_accessible(page)
    shot(page, "password-reset-done-390")

    sign_out(page)
    sign_in(page, email, "un souvenir tout neuf")
    page.goto(link)  # a link works once
    expect(page.get_by_role("heading", name="Ce lien ne fonctionne plus")).to_be_visible()
    expect(page.get_by_role("link", name="Recevoir un nouveau lien")).to_be_visible()
    assert_accessible(page)


def test_the_admin_reads_the_outbox_on_accessible_pages(mail_phone, mail_server):
    page, (_server, inbox) = mail_phone, mail_server
    page.goto("/password/forgot")
    page.get_by_label("Adresse e-mail").fill("admin@demo.test")
    page.get_by_role("button", name="M’envoyer un lien").click()
    subject = "Choisissez un nouveau mot de passe pour Ruche"
    inbox.arrived("admin@demo.test", subject)
    sign_in(page, "admin@demo.test", PASSWORD)
    page.goto("/admin/outbox")
    expect(page.get_by_role("heading", name="Boîte d’envoi")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=subject).first.click()
    expect(page.get_by_role("heading", name=subject)).to_be_visible()
    expect(page.get_by_text("Son texte n’est plus conservé une fois envoyé")).to_be_visible()
    assert_accessible(page)
    shot(page, "outbox-mail-390")

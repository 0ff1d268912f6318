"""A newcomer and a demo learner, in Chromium at phone size, against a real server."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

from tests.e2e.conftest import menu, shot, sign_in


def test_a_newcomer_signs_up_joins_with_a_code_and_sees_the_training(phone, server):
    assert server.codes, "the demo printed no join code"
    page = phone
    page.goto("/")
    expect(page).to_have_title(re.compile("Accueil"))
    page.evaluate("window.stillTheSamePage = true")
    page.get_by_role("button", name="Créer un compte").first.click()
    expect(page.get_by_role("heading", name="Créez votre compte")).to_be_visible()

    page.get_by_label("Votre nom").fill("Nadia Nouvelle")
    page.get_by_label("Adresse e-mail").fill(f"nadia-{uuid.uuid4().hex[:8]}@example.fr")
    page.get_by_label("Mot de passe").fill("mon vélo est rouge")
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_role("heading", name="Vérifiez votre messagerie")).to_be_visible()
    page.get_by_role("link", name="Rejoignez votre formation").click()
    expect(page.get_by_role("heading", name="Bonjour Nadia Nouvelle")).to_be_visible()
    # htmx boosted the navigation: no full page load happened.
    assert page.evaluate("window.stillTheSamePage") is True

    page.get_by_label("Code d'accès").fill("ZZZ-ZZZ")
    page.get_by_role("button", name="Rejoindre").click()
    expect(page.get_by_text("Ce code n'existe pas")).to_be_visible()
    expect(page.get_by_label("Code d'accès")).to_have_value("ZZZ-ZZZ")
    shot(page, "join-wrong-code-390")

    page.get_by_label("Code d'accès").fill(server.codes[0].lower().replace("-", " "))
    page.get_by_role("button", name="Rejoindre").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Assistant·e de vie aux familles")
    expect(page.locator(".people").get_by_text("Nadia Nouvelle")).to_be_visible()
    # Her own socket announced her: the "here now" list shows her without a reload.
    expect(page.get_by_role("list", name="Présent·es en ce moment")).to_contain_text(
        "Nadia Nouvelle"
    )
    shot(page, "iteration-390")

    page.get_by_role("link", name="Ruche").click()
    expect(page.get_by_role("heading", name="Mes formations")).to_be_visible()
    expect(page.get_by_role("link", name="Assistant·e de vie aux familles")).to_be_visible()
    shot(page, "home-learner-390")


def test_a_demo_learner_signs_in_and_out(phone):
    page = phone
    sign_in(page, "apprenant1@demo.test")
    expect(page.get_by_role("heading", name="Bonjour Amina Benali")).to_be_visible()
    expect(page.get_by_role("link", name="Assistant·e de vie aux familles")).to_be_visible()
    menu(page).get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("heading", name="Apprendre ensemble, en faisant")).to_be_visible()


def test_a_wrong_password_is_said_plainly(phone):
    page = phone
    page.goto("/signin")
    page.get_by_label("Adresse e-mail").fill("apprenant2@demo.test")
    page.get_by_label("Mot de passe").fill("pas le bon mot de passe")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_text("Adresse e-mail ou mot de passe incorrect.")).to_be_visible()
    expect(page.get_by_label("Adresse e-mail")).to_have_value("apprenant2@demo.test")


def test_pages_are_english_with_accept_language_en(browser, server):
    context = browser.new_context(locale="en-US", base_url=server.url)
    page = context.new_page()
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Learn together, by doing")).to_be_visible()
    page.get_by_role("link", name="Sign in").click()
    expect(page.get_by_label("Email")).to_be_visible()
    context.close()


def test_no_horizontal_scroll_on_a_small_phone(browser, server):
    context = browser.new_context(
        viewport={"width": 360, "height": 640}, locale="fr-FR", base_url=server.url
    )
    page = context.new_page()
    for path in ("/", "/signup", "/signin"):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
    sign_in(page, "organisme@demo.test")
    for path in ("/", "/trainings", "/trainings/1", "/iterations/2", "/profile"):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
    shot(page, "iteration-staff-360")
    context.close()

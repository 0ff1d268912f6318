"""The home at phone size: what a peer does reaches an open home without a reload, and each
role's home, and the unsubscribe page, pass axe-core. The learner here is a fresh account:
the demo accounts other tests use keep what they had."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

from community import digests
from community.settings import Settings
from tests.e2e.conftest import assert_accessible, shot, sign_in


def phone(browser, server):
    context = browser.new_context(
        locale="fr-FR", base_url=server.url, viewport={"width": 390, "height": 844},
        is_mobile=True, has_touch=True, bypass_csp=True,
    )  # fmt: skip
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.errors = errors  # type: ignore[attr-defined]
    return page


def newcomer_in_a_project(browser, server):
    """A learner who signs up, joins the demo's second group and its website project (the
    first group's project has a single free place, which the discussion's tests take)."""
    page = phone(browser, server)
    page.goto("/signup")
    page.get_by_label("Votre nom").fill("Yanis Accueil")
    page.get_by_label("Adresse e-mail").fill(f"yanis-{uuid.uuid4().hex[:8]}@example.fr")
    page.get_by_label("Mot de passe").fill("mon vélo est rouge")
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_role("heading", name="Vérifiez votre messagerie")).to_be_visible()
    page.get_by_role("link", name="Rejoignez votre formation").click()
    expect(page.get_by_role("heading", name="Bonjour Yanis Accueil")).to_be_visible()
    page.get_by_label("Code d'accès").fill(server.codes[1])
    page.get_by_role("button", name="Rejoindre").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Développeur·se web et web mobile")
    page.goto("/projects/3")
    page.get_by_role("button", name=re.compile("^Rejoindre comme")).first.click()
    expect(page.get_by_role("combobox", name="Votre message (mentionnez")).to_be_visible()
    return page


def test_a_mention_appears_on_the_open_home_without_reload(browser, server):
    learner = newcomer_in_a_project(browser, server)
    learner.goto("/")
    now = learner.locator("#home-now")
    expect(now.get_by_role("heading", name="Mentions et réponses")).to_be_visible()
    expect(now).not_to_contain_text("vous a mentionné·e")
    learner.evaluate("window.notReloaded = true")

    peer = phone(browser, server)
    sign_in(peer, "apprenant9@demo.test")  # a member of the website project
    peer.goto("/projects/3")
    peer.get_by_role("combobox", name="Votre message (mentionnez").fill(
        "@Yanis tu relis la fiche ?"
    )
    peer.get_by_role("button", name="Envoyer").click()

    fresh = now.locator("section.fresh")
    expect(fresh.get_by_role("heading", name="Depuis votre dernière visite")).to_be_visible()
    expect(fresh).to_contain_text(
        "Fatou Diop vous a mentionné·e dans « Un site accessible pour l'association du quartier »"
    )
    assert learner.evaluate("window.notReloaded") is True
    shot(learner, "home-mention-390")
    assert_accessible(learner)
    assert learner.errors == [] and peer.errors == []  # type: ignore[attr-defined]
    learner.context.close()
    peer.context.close()


def test_each_roles_home_passes_axe(browser, server):
    for email, block in (
        ("apprenant2@demo.test", "Vos projets"),
        ("formateur1@demo.test", "Commentaires à relire"),
        ("organisme@demo.test", "Actions d’amélioration à échéance"),
    ):
        page = phone(browser, server)
        sign_in(page, email)
        expect(page.get_by_role("heading", name=block)).to_be_visible()
        shot(page, f"home-{email.split('@')[0]}-390")
        assert_accessible(page)
        page.set_viewport_size({"width": 1280, "height": 800})  # readable at desktop size too
        assert_accessible(page)
        page.context.close()


def test_the_unsubscribe_page_passes_axe_without_signing_in(browser, server):
    page = phone(browser, server)
    token = digests.unsubscribe_token(Settings.from_env().secret_key, 5)
    page.goto(f"/digests/unsubscribe/{token}")
    expect(page.get_by_role("button", name="Arrêter les récapitulatifs")).to_be_visible()
    assert_accessible(page)
    page.goto(f"/digests/unsubscribe/{token[:-3]}")
    expect(page.get_by_role("alert")).to_contain_text("Ce lien de désabonnement n’est pas valide")
    assert_accessible(page)
    page.context.close()

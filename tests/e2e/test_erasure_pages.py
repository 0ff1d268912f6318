"""Deleting one's account at phone size. The server is shared with the other browser tests:
the account deleted here is a fresh one, made in the test, never a demo account."""

from __future__ import annotations

import uuid
import zipfile

from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, menu, shot, sign_in, sign_up

PASSWORD = "mon vélo est rouge"


def phone(browser, server):
    context = browser.new_context(
        locale="fr-FR", base_url=server.url, viewport={"width": 390, "height": 844},
        is_mobile=True, has_touch=True, bypass_csp=True, accept_downloads=True,
    )  # fmt: skip
    return context.new_page()


def newcomer(browser, server):
    """A learner who signs up, joins a demo group with its code and asks their peers for help
    (a skill nobody offers: no demo account is notified). Returns their page and the request's
    address."""
    page = phone(browser, server)
    sign_up(page, "Zoé Éphémère", f"zoe-{uuid.uuid4().hex[:8]}@example.fr", PASSWORD)
    page.get_by_label("Code d'accès").fill(server.codes[0])
    page.get_by_role("button", name="Rejoindre").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Assistant·e de vie aux familles")

    page.goto("/help")
    page.get_by_label("Compétence").select_option(label="Accessibilité numérique")
    page.get_by_label("Ce dont vous avez besoin").fill("Comment tester un site au clavier ?")
    page.get_by_role("button", name="Demander à mes pairs").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aide en Accessibilité numérique")
    return page, page.url


def test_a_learner_downloads_their_data_then_deletes_their_account_and_peers_see_it(
    browser, server
):
    learner, request_url = newcomer(browser, server)
    peer = phone(browser, server)
    sign_in(peer, "apprenant5@demo.test")
    peer.goto(request_url)
    expect(peer.locator("hgroup").get_by_text("Zoé Éphémère")).to_be_visible()

    menu(learner).get_by_role("link", name="Mon profil").click()
    learner.get_by_role("button", name="Supprimer mon compte…").click()
    expect(learner.get_by_role("heading", name="Supprimer mon compte")).to_be_visible()
    expect(learner.get_by_role("heading", name="Supprimé définitivement")).to_be_visible()
    expect(learner.get_by_text("Vos notifications.")).to_be_visible()
    expect(
        learner.get_by_role("heading", name="Conservé, sous « ancien·ne membre »")
    ).to_be_visible()
    expect(learner.get_by_text("L’aide que vous avez demandée.")).to_be_visible()
    assert_accessible(learner)
    shot(learner, "erasure-explained-390")

    # First, as the page suggests, a copy of their data.
    learner.get_by_role("link", name="Télécharger mes données").click()
    learner.get_by_role("button", name="Demander mes données").click()
    link = learner.get_by_role("link", name="Télécharger mon archive (zip)")
    with learner.expect_download() as waiting:
        link.click(timeout=30_000)
    with zipfile.ZipFile(waiting.value.path()) as archive:
        assert "Comment tester un site au clavier ?" in archive.read("tutoring.json").decode()
    menu(learner).get_by_role("link", name="Mon profil").click()
    learner.get_by_role("button", name="Supprimer mon compte…").click()

    # A wrong password: nothing happens, and the field says why.
    learner.get_by_label("Votre mot de passe, pour confirmer que c'est bien vous").fill(
        "pas le bon"
    )
    learner.get_by_label("Je comprends que mon compte sera supprimé définitivement.").check()
    learner.get_by_role("button", name="Supprimer mon compte").click()
    expect(learner.get_by_text("Ce n'est pas votre mot de passe.")).to_be_visible()
    assert_accessible(learner)
    shot(learner, "erasure-wrong-password-390")

    learner.get_by_label("Votre mot de passe, pour confirmer que c'est bien vous").fill(PASSWORD)
    learner.get_by_label("Je comprends que mon compte sera supprimé définitivement.").check()
    learner.get_by_role("button", name="Supprimer mon compte").click()
    expect(learner.get_by_role("heading", name="Votre compte est supprimé")).to_be_visible()
    expect(learner.get_by_role("link", name="Se connecter")).to_be_visible()  # signed out
    assert_accessible(learner)
    shot(learner, "erasure-goodbye-390")

    # The peer's open page follows: the request is called off, under "former member".
    expect(peer.locator("hgroup").get_by_text("ancien·ne membre")).to_be_visible()
    expect(peer.get_by_text("Zoé Éphémère")).to_have_count(0)
    shot(peer, "erasure-peer-390")
    learner.context.close()
    peer.context.close()

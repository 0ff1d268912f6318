"""Peer help at phone size: a request reaches an online peer live, and goes to its end."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, menu, shot, sign_in


def phone(browser, server):
    context = browser.new_context(
        locale="fr-FR", base_url=server.url, viewport={"width": 390, "height": 844},
        is_mobile=True, has_touch=True, bypass_csp=True,
    )  # fmt: skip
    return context.new_page()


def test_a_request_reaches_a_peer_live_and_ends_thanked(browser, server):
    tutor = phone(browser, server)
    sign_in(tutor, "apprenant4@demo.test")  # offers "Gestes et postures"
    menu(tutor).get_by_role("link", name="Entraide").click()
    expect(tutor.get_by_role("heading", name="Entraide")).to_be_visible()
    tutor.evaluate("window.notReloaded = true")
    assert_accessible(tutor)

    learner = phone(browser, server)
    sign_in(learner, "apprenant3@demo.test")
    menu(learner).get_by_role("link", name="Entraide").click()
    learner.get_by_label("Compétence").select_option(label="Gestes et postures")
    learner.get_by_label("Ce dont vous avez besoin").fill("Comment porter sans se faire mal ?")
    learner.get_by_label("Quand").select_option(label="Maintenant, en cours")
    learner.get_by_role("button", name="Demander à mes pairs").click()
    expect(learner.get_by_role("heading", level=1)).to_have_text("Aide en Gestes et postures")
    assert_accessible(learner)

    # The tutor's page shows it without a reload, and the counter of notifications moves.
    expect(tutor.get_by_role("link", name="Gestes et postures")).to_be_visible()
    assert tutor.evaluate("window.notReloaded") is True
    tutor.get_by_role("link", name="Gestes et postures").click()
    tutor.get_by_role("button", name="Je peux aider").click()

    accept = learner.get_by_role("button", name="Accepter l'aide de Youssef El Amrani")
    expect(accept).to_be_visible()  # live on the requester's page
    accept.click()
    start = datetime.now(ZoneInfo("Europe/Paris")) - timedelta(minutes=30)
    learner.get_by_label("Quand").fill(start.strftime("%Y-%m-%dT%H:%M"))
    learner.get_by_label("Où, ou le lien").fill("Salle B2, à la pause")
    learner.get_by_role("button", name="Enregistrer").click()
    expect(learner.get_by_text("Salle B2, à la pause")).to_be_visible()
    expect(tutor.get_by_text("Salle B2, à la pause")).to_be_visible()  # both see it, live
    shot(tutor, "help-scheduled-390")

    learner.get_by_role("button", name="Elle a eu lieu").click()
    tutor.get_by_role("button", name="Elle a eu lieu").click()
    learner.get_by_role("group", name="Cette aide vous a-t-elle été utile ?").get_by_label(
        "5"
    ).check()
    learner.get_by_label("Un mot de remerciement (facultatif)").fill("Merci, c'était clair !")
    learner.get_by_role("button", name="Remercier Youssef El Amrani").click()
    expect(learner.get_by_text("Remerciement envoyé")).to_be_visible()

    tutor.goto("/help")
    expect(tutor.locator(".ledger")).to_contain_text("Vous avez aidé 1 fois")
    expect(tutor.get_by_text("Merci, c'était clair !")).to_be_visible()
    assert_accessible(tutor)
    shot(tutor, "help-ledger-390")
    learner.context.close()
    tutor.context.close()

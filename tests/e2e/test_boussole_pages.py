"""The compass at phone size: a peer who can help, with the reason; the card changes live
when that peer offers help on the learner's request."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, menu, shot, sign_in


def phone(browser, server):
    context = browser.new_context(
        locale="fr-FR", base_url=server.url, viewport={"width": 390, "height": 844},
        is_mobile=True, has_touch=True, bypass_csp=True,
    )  # fmt: skip
    return context.new_page()


def test_the_compass_shows_a_peer_with_a_reason_and_follows_their_offer_live(browser, server):
    learner = phone(browser, server)
    sign_in(learner, "apprenant12@demo.test")  # wants to learn SQL
    menu(learner).get_by_role("link", name="Ma boussole").click()
    expect(learner.get_by_role("heading", level=1)).to_have_text("Ma boussole")
    card = learner.locator(".compass-card").filter(has_text="Nathan Roux")
    expect(card).to_contain_text("Parce que vous voulez apprendre SQL, et Nathan Roux")
    assert_accessible(learner)

    # The card's link opens the help form with the skill chosen.
    card.get_by_role("link", name="Demander de l'aide").click()
    expect(learner.get_by_label("Compétence").locator("option:checked")).to_have_text("SQL")
    learner.get_by_label("Ce dont vous avez besoin").fill("Je bloque sur les jointures.")
    learner.get_by_role("button", name="Demander à mes pairs").click()
    expect(learner.get_by_role("heading", level=1)).to_have_text("Aide en SQL")
    request_path = learner.url.removeprefix(server.url)

    learner.goto("/boussole")
    expect(learner.locator(".compass-card").first).to_be_visible()
    learner.evaluate("window.notReloaded = true")

    peer = phone(browser, server)
    sign_in(peer, "apprenant10@demo.test")  # offers SQL
    peer.goto(request_path)
    peer.get_by_role("button", name="Je peux aider").click()

    offered = learner.locator(".compass-card").filter(
        has_text="Nathan Roux a proposé de vous aider sur votre demande en SQL."
    )
    expect(offered).to_be_visible()
    assert learner.evaluate("window.notReloaded") is True
    expect(offered.get_by_role("link", name="Voir sa proposition")).to_have_attribute(
        "href", request_path
    )
    assert_accessible(learner)
    shot(learner, "boussole-offer-390")
    peer.context.close()
    learner.context.close()

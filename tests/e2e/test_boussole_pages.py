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


WEB_PROJECT = "Un site accessible pour l'association du quartier"


def open_project(page) -> None:
    page.goto("/projects")
    page.get_by_role("link", name=WEB_PROJECT).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(WEB_PROJECT)


def open_compass(page):
    """The learner's compass, marked so that a reload would show."""
    page.goto("/boussole")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ma boussole")
    page.evaluate("window.notReloaded = true")
    return page.locator(".mastery")


def expect_gained_live(page, masteries, evidence: str, name: str) -> None:
    """The web project uses HTML and CSS: each gains the evidence, on the page left open."""
    for skill in ("HTML", "CSS"):
        expect(masteries.filter(has=page.get_by_role("heading", name=skill))).to_contain_text(
            evidence
        )
    assert page.evaluate("window.notReloaded") is True
    assert_accessible(page)
    shot(page, name)


def test_the_open_compass_gains_a_role_taken_in_another_tab_live(browser, server):
    compass_tab = phone(browser, server)
    sign_in(compass_tab, "apprenant10@demo.test")  # supports the web project, holds no role
    masteries = open_compass(compass_tab)
    role_taken = f"Vous avez pris un rôle dans le projet {WEB_PROJECT}"
    expect(masteries.filter(has_text=role_taken)).to_have_count(0)

    project_tab = compass_tab.context.new_page()
    open_project(project_tab)
    project_tab.get_by_role("button", name="Rejoindre comme Design").click()
    expect(project_tab.get_by_role("button", name="Quitter le projet")).to_be_visible()

    expect_gained_live(compass_tab, masteries, role_taken, "boussole-role-390")
    compass_tab.context.close()


def test_the_open_compass_gains_a_task_the_lead_marks_done_live(browser, server):
    learner = phone(browser, server)
    sign_in(learner, "apprenant11@demo.test")  # "Vérifier les contrastes" is theirs, to do
    masteries = open_compass(learner)
    task_done = f"Vous avez terminé une tâche dans le projet {WEB_PROJECT}."
    expect(masteries.filter(has_text=task_done)).to_have_count(0)

    lead = phone(browser, server)
    sign_in(lead, "apprenant8@demo.test")
    open_project(lead)
    lead.get_by_role("button", name="Déplacer « Vérifier les contrastes » vers Terminé").click()

    expect_gained_live(learner, masteries, task_done, "boussole-task-390")
    lead.context.close()
    learner.context.close()

"""Asking for help at phone size: the skill of a typed need is suggested, picked, and sent."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, menu, shot, sign_in
from tests.e2e.test_tutoring_pages import phone

NEED = "jsp cmt faire les premier secour sur qqn qui tombe"


def test_a_learner_picks_the_suggested_skill_and_the_request_carries_it(browser, server):
    learner = phone(browser, server)  # 390 x 844, French
    sign_in(learner, "apprenant10@demo.test")
    menu(learner).get_by_role("link", name="Entraide").click()
    skill = learner.get_by_label("Compétence")
    expect(skill).to_have_value("")  # nothing chosen for the learner
    learner.get_by_label("Ce dont vous avez besoin").press_sequentially(NEED, delay=20)
    suggested = learner.get_by_role("group", name="Votre besoin concerne peut-être :")
    pick = suggested.get_by_role("button", name="Premiers secours")
    expect(pick).to_be_visible()
    expect(skill).to_have_value("")  # suggested, not chosen
    assert_accessible(learner)
    pick.click()
    expect(pick).to_have_attribute("aria-pressed", "true")
    expect(skill.locator("option:checked")).to_have_text("Premiers secours")
    skill.select_option(label="Gestes et postures")  # changing one's mind in the list
    expect(pick).to_have_attribute("aria-pressed", "false")
    pick.click()
    expect(skill.locator("option:checked")).to_have_text("Premiers secours")
    shot(learner, "help-suggested-skill-390")
    learner.get_by_role("button", name="Demander à mes pairs").click()
    expect(learner.get_by_role("heading", level=1)).to_have_text("Aide en Premiers secours")
    expect(learner.get_by_text(NEED)).to_be_visible()
    learner.context.close()

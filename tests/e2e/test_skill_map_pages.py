"""The skill map in a browser: a trainer at a desk adds a prerequisite on the map, and the
learner who wants the later skill reads it, at phone size, with a way to practise it."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, shot, sign_in


def person(browser, server, email: str, width: int, height: int):
    context = browser.new_context(
        locale="fr-FR", base_url=server.url, viewport={"width": width, "height": height},
        is_mobile=width < 600, has_touch=width < 600, bypass_csp=True,
    )  # fmt: skip
    page = context.new_page()
    sign_in(page, email)
    return page


def test_a_prerequisite_added_on_the_map_is_named_on_the_learners_skills_page(browser, server):
    trainer = person(browser, server, "formateur2@demo.test", 1280, 800)
    trainer.get_by_role("link", name="Carte des compétences").click()
    expect(trainer.get_by_role("heading", level=1)).to_have_text("Carte des compétences")
    assert_accessible(trainer)
    links = trainer.get_by_role("article").filter(has_text="Liens entre compétences")
    links.get_by_label("Compétence", exact=True).select_option(label="Git")
    links.get_by_label("Lien", exact=True).select_option(label="vient avant")
    links.get_by_label("Autre compétence").select_option(label="SQL")
    links.get_by_role("button", name="Ajouter le lien").click()
    expect(trainer.get_by_text("Git avant SQL")).to_be_visible()
    sql = trainer.get_by_role("listitem").filter(has_text="requiert : Git")
    expect(sql.first).to_contain_text("SQL")
    shot(trainer, "skill-map-1280")

    learner = person(browser, server, "apprenant12@demo.test", 390, 844)  # wants SQL
    learner.goto("/skills")
    before = learner.get_by_role("region", name="Avant ce que je veux apprendre")
    expect(before).to_contain_text("SQL : pratiquer d'abord")
    practise = before.get_by_role("link", name="Demander à un pair de pratiquer Git")
    expect(practise).to_be_visible()
    assert_accessible(learner)
    shot(learner, "skills-prerequisites-390")
    practise.click()
    expect(learner).to_have_url(re.compile(r"/help\?skill_id=\d+#ask-title$"))
    chosen = learner.get_by_label("Compétence", exact=True).locator("option:checked")
    expect(chosen).to_have_text("Git")  # the request form comes with the skill chosen
    learner.context.close()
    trainer.context.close()

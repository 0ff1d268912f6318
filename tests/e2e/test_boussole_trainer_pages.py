"""The group's compass at phone size: a trainer pins a card for a learner and removes
another, and the learner's open compass follows each change without a reload; then the
report of how suggestions reach the training's groups."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, shot, sign_in
from tests.e2e.test_boussole_pages import phone

NOTE = "Voyez avec elle"


def group_of(learner) -> str:
    """The group the learner belongs to, from the link on their home."""
    learner.goto("/")
    href = learner.locator("a[href^='/iterations/']").first.get_attribute("href")
    assert href is not None
    return href.rstrip("/").split("/")[2]


def test_a_trainer_pins_and_removes_a_card_and_the_learners_compass_follows_live(browser, server):
    learner = phone(browser, server)
    sign_in(learner, "apprenant1@demo.test")  # Amina, in formateur1's current group
    group = group_of(learner)
    learner.goto("/boussole")
    cards = learner.locator(".compass-card")
    expect(cards.first).to_be_visible()
    learner.evaluate("window.notReloaded = true")

    trainer = phone(browser, server)
    sign_in(trainer, "formateur1@demo.test")
    trainer.goto(f"/iterations/{group}/boussole")
    expect(trainer.get_by_role("heading", level=1)).to_have_text("La boussole du groupe")
    trainer.get_by_label("Pour", exact=True).select_option(label="Amina Benali")
    trainer.get_by_label("Carte", exact=True).select_option(label="Pair : Chloé Dubois")
    trainer.get_by_label("Compétence, pour un pair").select_option(label="Relation d'aide")
    trainer.get_by_label("Votre note (facultatif)").fill(NOTE)
    trainer.get_by_role("button", name="Épingler cette carte").click()

    pinned = learner.locator(".compass-card").filter(has_text=NOTE)
    expect(pinned).to_contain_text("Chloé Dubois peut vous aider en Relation d'aide.")
    assert learner.evaluate("window.notReloaded") is True

    # The trainer looks at Amina's cards and removes one that Ruche computed.
    trainer.get_by_label("Apprenant·e", exact=True).select_option(label="Amina Benali")
    trainer.get_by_role("button", name="Voir ses cartes").click()
    computed = trainer.locator("#learner-cards ~ ul .compass-card").filter(
        has=trainer.get_by_role("button", name="Retirer de sa boussole")
    )
    expect(computed.first).to_be_visible()
    key = computed.first.get_attribute("data-card")
    assert key is not None
    expect(learner.locator(f'[data-card="{key}"]')).to_be_visible()
    assert_accessible(trainer)
    shot(trainer, "boussole-group-390")
    computed.first.get_by_role("button", name="Retirer de sa boussole").click()

    expect(learner.locator(f'[data-card="{key}"]')).to_have_count(0)
    expect(
        learner.get_by_text("Votre équipe de formation a écarté 1 carte pour vous.")
    ).to_be_visible()
    assert learner.evaluate("window.notReloaded") is True
    assert_accessible(learner)
    shot(learner, "boussole-removed-390")

    # Put back, and the pin taken off: the learner's compass is as it was.
    removed = trainer.get_by_role("region", name="Cartes retirées pour des apprenants")
    removed.get_by_role("button", name="La remettre").click()
    expect(learner.locator(f'[data-card="{key}"]')).to_be_visible()
    trainer.get_by_role("region", name="Cartes épinglées pour les apprenants").get_by_role(
        "button", name="Retirer", exact=True
    ).click()
    expect(pinned).to_have_count(0)
    assert learner.evaluate("window.notReloaded") is True

    trainer.get_by_role("link", name="Comparer comment les suggestions").click()
    expect(trainer.get_by_role("heading", level=1)).to_have_text(
        "Les suggestions selon les groupes"
    )
    expect(trainer.get_by_text("Apprenants atteints").first).to_be_visible()
    assert_accessible(trainer)
    shot(trainer, "boussole-fairness-390")
    trainer.context.close()
    learner.context.close()

"""The compass and the capsule at phone size: a trainer tags a resource with a skill, the
learner who wants that skill finds it on their compass, answers its checkpoint in another tab,
and the compass left open shows the new evidence without a reload."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, shot, sign_in
from tests.e2e.test_boussole_pages import phone  # a phone-sized page, axe allowed in

TITLE = "Les écouteurs d'événements"
QUESTION = "Quelle méthode ajoute un écouteur ?"


def add_tagged_resource(browser, server, capsule_path: str) -> None:
    trainer = phone(browser, server)
    sign_in(trainer, "formateur2@demo.test")
    trainer.goto(capsule_path)
    expect(trainer.get_by_role("heading", level=1)).to_contain_text("À explorer avant")
    trainer.locator("#add-title").click()
    form = trainer.locator("#add-resource form")
    form.get_by_label("Type").select_option("link")
    form.get_by_label("Titre").fill(TITLE)
    form.get_by_label("Lien (http ou https)").fill("https://developer.mozilla.org/fr/")
    form.get_by_label("Compétence travaillée (facultatif)").select_option(label="JavaScript")
    form.get_by_label("Durée estimée, en minutes").fill("6")
    form.get_by_label("Question", exact=True).fill(QUESTION)
    form.get_by_label("Choix, un par ligne").fill("addEventListener\nonclick")
    form.get_by_label("Numéro du bon choix").fill("1")
    assert_accessible(trainer)
    form.get_by_role("button", name="Ajouter la ressource").click()
    added = trainer.locator("article.capsule-resource").filter(has_text=TITLE)
    expect(added).to_contain_text("Compétence : JavaScript")
    trainer.context.close()


def test_a_checkpoint_answered_on_a_tagged_resource_reaches_the_open_compass(browser, server):
    learner = phone(browser, server)
    sign_in(learner, "apprenant7@demo.test")  # wants to learn JavaScript
    learner.get_by_role("link", name="À explorer avant").first.click()
    expect(learner.get_by_role("heading", level=1)).to_contain_text("À explorer avant")
    capsule_path = learner.url.removeprefix(server.url).split("#")[0]
    add_tagged_resource(browser, server, capsule_path)

    learner.goto("/boussole")
    card = learner.locator(".compass-card").filter(has_text=f"« {TITLE} »")
    expect(card).to_contain_text("Parce que vous voulez apprendre JavaScript")
    javascript = learner.locator(".mastery").filter(
        has=learner.get_by_role("heading", name="JavaScript")
    )
    answered = f"Vous avez répondu juste à la question « {QUESTION} » de « {TITLE} »"
    expect(javascript).not_to_contain_text(answered)
    assert_accessible(learner)
    learner.evaluate("window.notReloaded = true")

    capsule_tab = learner.context.new_page()
    capsule_tab.goto(card.get_by_role("link", name="L'explorer").get_attribute("href") or "")
    resource = capsule_tab.locator("article.capsule-resource").filter(has_text=TITLE)
    resource.get_by_label("addEventListener", exact=True).check()
    resource.get_by_role("button", name="Je l'ai explorée").click()
    expect(capsule_tab.get_by_text("Bonne réponse.")).to_be_visible()

    expect(javascript).to_contain_text(answered)
    expect(card).to_have_count(0)  # explored: no longer a resource to explore
    assert learner.evaluate("window.notReloaded") is True
    assert_accessible(learner)
    shot(learner, "boussole-checkpoint-390")
    learner.context.close()

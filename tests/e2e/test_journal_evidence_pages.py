"""Evidence of skills at phone size: the group's trainer validates a skill from an entry a
learner shared, from the pooling prepared by skill; the learner then finds that skill with
its three sources side by side (her entry, her mentor's confirmation, the trainer's
validation) and prints her dossier for her funder."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, menu, shot, sign_in
from tests.e2e.test_boussole_pages import phone  # a phone-sized page, axe allowed in

AUDIT = "Un formulaire de contact refusé par l'audit"  # Inès's, shared and confirmed (demo)


def test_a_trainer_validates_a_skill_and_the_learner_sees_it_beside_her_other_sources(
    browser, server
):
    learner = phone(browser, server)
    sign_in(learner, "apprenant7@demo.test")
    menu(learner).get_by_role("link", name="Journal").click()
    learner.get_by_role("link", name=AUDIT).click()
    pooling = learner.get_by_role("link", name="Mise en commun", exact=True).get_attribute("href")

    trainer = phone(browser, server)
    sign_in(trainer, "formateur2@demo.test")
    trainer.goto(pooling)
    trainer.get_by_role("button", name="Préparer la mise en commun par compétence").click()
    trainer.locator("article.skill-group", has=trainer.get_by_role("heading", name="HTML")) \
        .get_by_role("link", name=AUDIT).click()  # fmt: skip
    form = trainer.locator("#validations form")
    form.get_by_label("Compétence", exact=True).select_option(label="HTML")
    form.get_by_label("Ce que vous avez constaté").select_option(label="Compétence validée")
    form.get_by_label("Votre commentaire").fill("Formulaire balisé correctement en séance.")
    assert_accessible(trainer)
    form.get_by_role("button", name="Enregistrer cette compétence").click()
    done = trainer.locator("#validations ul.validations li", has_text="HTML")
    expect(done).to_contain_text("Compétence validée")
    expect(done).to_contain_text("Formulaire balisé correctement en séance.")

    learner.get_by_role("link", name="Mes preuves par compétence").click()
    expect(learner.get_by_role("heading", level=1)).to_have_text("Mes preuves")
    html = learner.locator(
        "article.skill-evidence", has=learner.get_by_role("heading", name="HTML")
    )
    expect(html.get_by_role("region", name="Moi : HTML")).to_contain_text(AUDIT)
    expect(html.get_by_role("region", name="Tuteur ou tutrice : HTML")).to_contain_text(
        "Sabine Lefèvre a confirmé"
    )
    expect(html.get_by_role("region", name="Formateur·rice : HTML")).to_contain_text(
        "Compétence validée · Karim Formateur"
    )
    assert_accessible(learner)
    shot(learner, "journal-evidence-390")

    learner.get_by_role("link", name="Imprimer mon dossier").click()
    expect(learner.get_by_label(AUDIT)).to_be_checked()
    learner.get_by_role("button", name="Afficher le dossier à imprimer").click()
    expect(learner.get_by_role("heading", level=1)).to_have_text(
        "Dossier de compétences de Inès Moreau"
    )
    expect(learner.locator("table.evidence", has_text="HTML")).to_contain_text("Karim Formateur")
    expect(learner.locator(".site-header")).to_have_count(0)
    assert_accessible(learner)
    shot(learner, "journal-dossier-390")
    for page in (learner, trainer):
        page.context.close()

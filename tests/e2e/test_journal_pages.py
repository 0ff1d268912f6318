"""The journal at phone size: a learner writes a work situation and shares it for a session;
a peer's comment appears on the learner's open pooling page without a reload. The learner
sends an entry to their workplace mentor, who confirms it from the mailed link in a browser
without any account; once revoked, the link shows nothing."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from community.journal.demo import TITLE
from tests.e2e.conftest import assert_accessible, menu, shot, sign_in
from tests.e2e.test_boussole_pages import phone  # a phone-sized page, axe allowed in
from tests.e2e.test_mail_pages import mail_server  # noqa: F401 - a server whose mail arrives
from tests.mail_helpers import text_of

SITUATION = "Un client mécontent au téléphone"


def write_entry(page, title: str) -> None:
    menu(page).get_by_role("link", name="Journal").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon journal")
    page.get_by_label("Un titre pour cette situation").fill(title)
    page.get_by_label("Que s'est-il passé ?").fill("Le client appelait pour un site en panne.")
    page.get_by_label("Qu'ai-je fait ?").fill("J'ai écouté, puis relancé le serveur.")
    page.get_by_label("Qu'est-ce qui a été difficile ?").fill("Garder mon calme.")
    page.get_by_label("Git").check()
    page.get_by_role("button", name="Enregistrer dans mon journal").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_text("Privée : vous seul·e pouvez la lire")).to_be_visible()


def test_a_shared_entry_gets_a_peers_comment_live(browser, mail_server):  # noqa: F811
    server, _inbox = mail_server
    learner = phone(browser, server)
    sign_in(learner, "apprenant8@demo.test")
    write_entry(learner, SITUATION)
    assert_accessible(learner)
    sessions = learner.get_by_label("Pour la séance")
    sessions.select_option(sessions.locator("option", has_text=TITLE).get_attribute("value"))
    learner.get_by_role("button", name="Partager avec le groupe").click()
    expect(learner.get_by_role("heading", level=1)).to_have_text(f"Mise en commun : {TITLE}")
    mine = learner.locator("article.pooled-entry", has_text=SITUATION)
    expect(mine).to_be_visible()
    assert_accessible(learner)
    learner.evaluate("window.notReloaded = true")

    peer = phone(browser, server)
    sign_in(peer, "apprenant9@demo.test")
    peer.goto(learner.url.removeprefix(server.url))
    theirs = peer.locator("article.pooled-entry", has_text=SITUATION)
    theirs.get_by_label("Votre commentaire").fill("Même chose la semaine dernière chez nous.")
    theirs.get_by_role("button", name="Commenter").click()
    expect(mine.locator(".comment")).to_contain_text("Même chose la semaine dernière")
    assert learner.evaluate("window.notReloaded") is True
    assert_accessible(learner)
    shot(learner, "journal-pooling-390")
    for page in (learner, peer):
        page.context.close()


def test_a_mentor_confirms_from_the_link_without_an_account(browser, mail_server):  # noqa: F811
    server, inbox = mail_server
    learner = phone(browser, server)
    sign_in(learner, "apprenant9@demo.test")
    write_entry(learner, "Une mise en ligne un vendredi")
    learner.get_by_label("Nom du tuteur ou de la tutrice").fill("Paul Girard")
    learner.get_by_label("Adresse électronique du tuteur ou de la tutrice").fill(
        "paul@atelier.test"
    )
    learner.get_by_role("button", name="Envoyer le lien").click()
    expect(learner.get_by_text("Paul Girard (paul@atelier.test)")).to_be_visible()
    mail = inbox.arrived(
        "paul@atelier.test", "Fatou Diop vous demande de confirmer une situation de travail"
    )
    found = re.search(r"/mentor/[0-9a-f]{32}", text_of(mail))
    assert found, "no link in the mail"
    link = found.group(0)

    mentor = phone(browser, server)  # a browser of its own, signed in to nothing
    mentor.goto(link)
    expect(mentor.get_by_role("heading", level=1)).to_have_text("Une mise en ligne un vendredi")
    assert mentor.locator("a[href='/journal']").count() == 0
    assert_accessible(mentor)
    mentor.get_by_label("Votre commentaire (facultatif pour confirmer)").fill("Bien géré.")
    mentor.get_by_role("button", name="Je confirme cette situation").click()
    expect(mentor.get_by_text("Merci : votre réponse a été transmise")).to_be_visible()
    expect(mentor.get_by_text("Vous avez confirmé cette situation.")).to_be_visible()
    assert_accessible(mentor)
    shot(mentor, "journal-mentor-390")

    learner.reload()
    expect(learner.locator(".mentor-links")).to_contain_text("Confirmée")
    learner.get_by_role("button", name="Révoquer le lien envoyé à Paul Girard").click()
    expect(learner.locator(".mentor-links")).to_contain_text("Lien révoqué")
    mentor.goto(link)
    expect(mentor.get_by_role("heading", level=1)).to_have_text("Ce lien ne fonctionne plus")
    expect(mentor.get_by_text("Une mise en ligne un vendredi")).to_have_count(0)
    assert_accessible(mentor)
    for page in (learner, mentor):
        page.context.close()


def test_an_entry_written_offline_is_kept_then_sent_once_back_online(browser, server):
    title = "Écrite sur le chantier, sans réseau"
    learner = phone(browser, server)
    sign_in(learner, "apprenant10@demo.test")
    menu(learner).get_by_role("link", name="Journal").click()
    expect(learner.get_by_text("photos pourront être ajoutées une fois")).to_be_visible()
    assert_accessible(learner)

    learner.context.set_offline(True)
    learner.get_by_label("Un titre pour cette situation").fill(title)
    learner.get_by_label("Que s'est-il passé ?").fill("La livraison est arrivée sans bon.")
    learner.get_by_label("Qu'ai-je fait ?").fill("J'ai appelé le fournisseur.")
    learner.get_by_role("button", name="Enregistrer dans mon journal").click()
    outbox = learner.locator("#outbox")
    expect(outbox).to_contain_text("Pas de connexion : votre situation sera envoyée")
    expect(learner.get_by_label("Un titre pour cette situation")).to_have_value("")
    shot(learner, "journal-kept-offline-390")

    learner.context.set_offline(False)
    expect(outbox).to_contain_text("Envoyée : votre situation est dans votre journal.")
    learner.reload()  # a new page load sends nothing again
    mine = learner.locator("ul.journal-entries li", has_text=title)
    expect(mine).to_have_count(1)
    expect(mine).to_contain_text("Privée")


def test_a_trainers_pick_appears_on_a_learners_open_pooling_page(browser, server):
    learner = phone(browser, server)
    sign_in(learner, "apprenant7@demo.test")  # Inès shared the demo's picked entry
    menu(learner).get_by_role("link", name="Journal").click()
    learner.get_by_role("link", name="Un formulaire de contact refusé par l'audit").click()
    learner.get_by_role("link", name="Mise en commun", exact=True).click()
    expect(learner.get_by_role("heading", level=1)).to_have_text(f"Mise en commun : {TITLE}")
    discussed = learner.locator("section.picked")
    expect(discussed.get_by_role("heading", name="À discuter en séance")).to_be_visible()
    expect(discussed).not_to_contain_text("Mise en page cassée sur téléphone")
    learner.evaluate("window.notReloaded = true")

    trainer = phone(browser, server)
    sign_in(trainer, "formateur2@demo.test")
    trainer.goto(learner.url.removeprefix(server.url))
    trainer.get_by_role("button", name="Préparer la mise en commun par compétence").click()
    trainer.get_by_role(
        "button", name="Discuter de « Mise en page cassée sur téléphone » en séance"
    ).first.click()
    picks = trainer.locator("#picks ol.picks > li")
    expect(picks.last).to_contain_text("Mise en page cassée sur téléphone")
    assert_accessible(trainer)
    shot(trainer, "journal-picks-390")

    expect(discussed).to_contain_text("Mise en page cassée sur téléphone")
    assert learner.evaluate("window.notReloaded") is True
    assert_accessible(learner)
    for page in (learner, trainer):
        page.context.close()

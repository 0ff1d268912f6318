"""Feedback from a phone in three taps, and the trainer's pulse screen updating live."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, menu, shot, sign_in

PARIS = ZoneInfo("Europe/Paris")


def context(browser, server, **options):
    return browser.new_context(locale="fr-FR", base_url=server.url, bypass_csp=True, **options)


def phone(browser, server):
    return context(browser, server, viewport={"width": 390, "height": 844}, is_mobile=True)


def test_a_learner_gives_feedback_in_three_taps(browser, server):
    learner = phone(browser, server).new_page()
    sign_in(learner, "apprenant4@demo.test")
    assert_accessible(learner)

    learner.get_by_role(
        "link", name="Comment s'est passée la séance « Situations d'urgence » ?"
    ).click()  # 1
    expect(learner.get_by_role("heading", level=1)).to_contain_text("Situations d'urgence")
    assert_accessible(learner)
    overall = learner.get_by_role("group", name="Dans l'ensemble, cette séance était…")
    overall.locator("label").nth(3).click()  # 2: the fourth face
    learner.get_by_role("button", name="Envoyer mon avis").click()  # 3
    expect(
        learner.get_by_role("status").filter(has_text="Merci ! Votre avis est enregistré")
    ).to_be_visible()
    shot(learner, "feedback-sent-390")

    learner.get_by_role("link", name="Notifications").click()
    expect(learner.get_by_role("heading", name="Notifications")).to_be_visible()
    assert_accessible(learner)
    learner.context.close()


BROWSER_COOKIES = {"ruche", "ruche_lang"}  # the session's, and the language: nobody's own


def open_latest_feedback(page) -> None:
    page.get_by_role(
        "link", name="Comment s'est passée la séance « Situations d'urgence » ?"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Situations d'urgence")


def answer(page, face: int, comment: str) -> None:
    page.get_by_role("group", name="Dans l'ensemble, cette séance était…").locator("label").nth(
        face
    ).click()
    page.get_by_label("Un commentaire (facultatif)").fill(comment)
    page.get_by_role("button", name="Envoyer mon avis").click()
    expect(
        page.get_by_role("status").filter(has_text="Merci ! Votre avis est enregistré")
    ).to_be_visible()


def sign_out(page) -> None:
    menu(page).get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("heading", name="Apprendre ensemble, en faisant")).to_be_visible()


def test_two_learners_on_one_shared_browser_never_see_each_others_feedback(browser, server):
    shared = phone(browser, server)
    page = shared.new_page()
    sign_in(page, "apprenant5@demo.test")
    open_latest_feedback(page)
    form_url = page.url
    answer(page, 1, "Avis de Léa, pour elle seule")
    page.goto(form_url)
    expect(page.get_by_label("Un commentaire (facultatif)")).to_have_value(
        "Avis de Léa, pour elle seule"
    )  # she may read and change hers…
    left_behind = [c for c in shared.cookies() if c["name"] not in BROWSER_COOKIES]
    assert left_behind  # what lets her browser find her answer
    sign_out(page)
    assert {c["name"] for c in shared.cookies()} <= BROWSER_COOKIES  # …until she signs out

    sign_in(page, "apprenant6@demo.test")
    shared.add_cookies(left_behind)  # even a copy kept of her cookie gives nothing away
    open_latest_feedback(page)
    expect(page.get_by_label("Un commentaire (facultatif)")).to_have_value("")
    expect(page.get_by_text("Avis de Léa")).to_have_count(0)
    answer(page, 4, "Avis de Mathis")  # his own answer, not an edit of hers
    sign_out(page)

    sign_in(page, "apprenant5@demo.test")
    page.goto(form_url)
    expect(page.get_by_text("Vous avez déjà donné votre avis sur cette séance.")).to_be_visible()
    expect(page.get_by_text("Avis de Mathis")).to_have_count(0)
    expect(page.get_by_label("Un commentaire (facultatif)")).to_have_count(0)
    shared.close()


def add_live_session(browser, server) -> None:
    staff = context(browser, server).new_page()
    sign_in(staff, "organisme@demo.test")
    staff.goto("/iterations/2")
    staff.get_by_text("Ajouter une séance").click()
    start = datetime.now(PARIS) - timedelta(minutes=10)
    staff.get_by_label("Titre").fill("Atelier pratique en direct")
    staff.get_by_label("Début").fill(start.strftime("%Y-%m-%dT%H:%M"))
    staff.get_by_label("Fin").fill((start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    staff.get_by_role("button", name="Ajouter la séance").click()
    expect(staff.get_by_text("Atelier pratique en direct")).to_be_visible()
    staff.context.close()


def test_the_trainer_screen_updates_live_when_learners_tap_too_fast(browser, server):
    add_live_session(browser, server)
    trainer = context(browser, server).new_page()
    sign_in(trainer, "formateur1@demo.test")
    trainer.goto("/iterations/2")
    trainer.get_by_role("link", name="Écran du baromètre").click()
    expect(trainer.get_by_role("heading", name="Baromètre de la salle")).to_be_visible()
    trainer.evaluate("window.notReloaded = true")
    too_fast = trainer.locator(".pulse-too_fast .pulse-count")
    expect(too_fast).to_have_text("0")
    assert_accessible(trainer)

    learner = phone(browser, server).new_page()
    sign_in(learner, "apprenant5@demo.test")
    learner.goto("/iterations/2")
    learner.get_by_role("link", name="Baromètre en direct").click()
    assert_accessible(learner)
    learner.get_by_role("button", name="Trop vite").click()
    expect(learner.get_by_role("status").filter(has_text="Envoyé")).to_be_visible()
    expect(too_fast).to_have_text("1")
    other = phone(browser, server).new_page()  # the same learner again would count once
    sign_in(other, "apprenant6@demo.test")
    other.goto(learner.url)
    other.get_by_role("button", name="Trop vite").click()
    expect(too_fast).to_have_text("2")
    other.context.close()
    assert trainer.evaluate("window.notReloaded") is True
    shot(trainer, "pulse-screen-desktop")
    shot(learner, "pulse-390")
    learner.context.close()
    trainer.context.close()

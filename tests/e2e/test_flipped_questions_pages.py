"""Questions before the session at phone size: a learner asks about the capsule, a peer
sees the question arrive and answers it, and the asker sees the answer without a reload;
the trainer's readiness board follows too."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, shot, sign_in
from tests.e2e.test_boussole_pages import phone  # a phone-sized page, axe allowed in
from tests.e2e.test_flipped_pages import open_capsule

QUESTION = "Un placeholder peut-il remplacer l'étiquette d'un champ ?"
ANSWER = "Non : il disparaît dès qu'on tape, l'étiquette doit rester."


def test_a_learner_asks_and_a_peers_answer_appears_live(browser, server):
    asker = open_capsule(browser, server, "apprenant11@demo.test")
    capsule_path = asker.url.removeprefix(server.url).split("#")[0]
    peer = open_capsule(browser, server, "apprenant12@demo.test")
    trainer = phone(browser, server)
    sign_in(trainer, "formateur2@demo.test")
    trainer.goto(capsule_path.replace("/capsule", "/readiness"))
    for page in (asker, peer, trainer):
        page.evaluate("window.notReloaded = true")

    expect(asker.get_by_text("Votre nom est affiché avec votre question")).to_be_visible()
    asker.get_by_label("Votre question sur la capsule").fill(QUESTION)
    asker.get_by_role("button", name="Poser la question").click()

    arrived = peer.locator("article.capsule-question").filter(has_text=QUESTION)
    expect(arrived).to_be_visible()
    expect(trainer.locator("article.capsule-question").filter(has_text=QUESTION)).to_be_visible()
    arrived.get_by_label("Répondre, en signant de votre nom").fill(ANSWER)
    arrived.get_by_role("button", name="Répondre", exact=True).click()

    mine = asker.locator("article.capsule-question").filter(has_text=QUESTION)
    expect(mine.locator(".capsule-answers li").filter(has_text=ANSWER)).to_be_visible()
    for page in (asker, trainer):
        assert page.evaluate("window.notReloaded") is True
    assert_accessible(asker)
    assert_accessible(trainer)
    shot(asker, "flipped-questions-390")
    for page in (asker, peer, trainer):
        page.context.close()

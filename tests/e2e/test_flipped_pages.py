"""Before the session at phone size: two learners explore the capsule and say what blocks
them; the trainer's readiness board follows without a reload, shows topics once k learners
answered (three did in the demo data, k is 5) and verbatim examples once a topic holds k
answers, which merging topics can reach. The trainer renames a topic and tells the group what
the session changes: a learner's open capsule shows it without a reload."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, shot, sign_in
from tests.e2e.test_boussole_pages import phone  # a phone-sized page, axe allowed in

FIRST = "Étiqueter chaque champ"
ANSWER_A = "Relier l'étiquette au champ avec for, je ne vois pas comment faire."
ANSWER_B = "Annoncer les erreurs de saisie au lecteur d'écran reste flou pour moi."
CHANGE = "Nous ouvrirons la séance par vos champs sans étiquette, à corriger ensemble."


# Sets window.answered once the answer to a form posted to a path ending so is swapped in.
ANSWERED = """path => document.addEventListener("htmx:after:swap", (event) => {
  if (event.detail.ctx?.request?.action?.endsWith(path)) window.answered = true;
})"""


def open_capsule(browser, server, email: str):
    """From the learner's home, as they would: "À explorer avant <jour>"."""
    learner = phone(browser, server)
    sign_in(learner, email)
    learner.get_by_role("link", name="À explorer avant").first.click()
    expect(learner.get_by_role("heading", level=1)).to_contain_text("À explorer avant")
    return learner


def explore(learner, usefulness: str, choice: str | None = None) -> None:
    resource = learner.locator("article.capsule-resource").filter(has_text=FIRST)
    resource.get_by_role("group", name="Était-ce utile ? (facultatif)").get_by_label(
        usefulness, exact=True
    ).check()
    if choice:
        resource.get_by_label(choice, exact=True).check()
    resource.get_by_role("button", name="Je l'ai explorée").click()
    expect(resource.get_by_role("button", name="Enregistrer mes réponses")).to_be_visible()


def say_what_blocks(learner, text: str) -> None:
    learner.get_by_label("Votre réponse").fill(text)
    learner.get_by_role("button", name="Envoyer ma réponse").click()
    expect(learner.get_by_text("Réponse envoyée.")).to_be_visible()


def merge_all(trainer) -> None:
    """Topics under k answers show no example: merged into the first, they reach k."""
    topics = trainer.locator("article.topic")
    while topics.count() > 1:
        count, last = topics.count(), topics.last
        last.get_by_text("Fusionner avec un autre thème").click()
        last.get_by_role("button", name="Fusionner", exact=True).click()
        expect(topics).to_have_count(count - 1)


def answer_anyway(learner, text: str) -> None:
    """A first answer or a new one: the test may run after others that answered."""
    learner.get_by_label("Votre réponse").fill(text)
    # "Réponse envoyée." may already show: wait for this answer's own reply.
    with learner.expect_response(lambda reply: reply.url.endswith("/capsule/blocking")):
        learner.locator("#blocking").get_by_role("button").click()
    expect(learner.get_by_label("Votre réponse")).to_have_value(text)


def test_two_learners_prepare_and_the_board_follows_live_then_shows_topics(browser, server):
    first = open_capsule(browser, server, "apprenant7@demo.test")
    assert_accessible(first)
    capsule_path = first.url.removeprefix(server.url).split("#")[0]

    trainer = phone(browser, server)
    sign_in(trainer, "formateur2@demo.test")
    trainer.goto(capsule_path.replace("/capsule", "/readiness"))
    expect(trainer.get_by_role("heading", level=1)).to_have_text("Tableau de préparation")
    explored = trainer.locator("tr", has_text=FIRST).locator("td.explored")
    expect(explored).to_have_text("3 sur 6")
    expect(trainer.locator(".blocking-count")).to_have_text("3 apprenant·es sur 6 ont répondu.")
    assert_accessible(trainer)
    trainer.evaluate("window.notReloaded = true")

    explore(first, "5", "for")
    # The answer to this resource's checkpoint (others of the capsule may have theirs).
    answered = first.locator("article.capsule-resource").filter(has_text=FIRST)
    expect(answered.get_by_text("Bonne réponse.")).to_be_visible()
    expect(explored).to_have_text("4 sur 6")
    say_what_blocks(first, ANSWER_A)
    expect(trainer.locator(".blocking-count")).to_have_text("4 apprenant·es sur 6 ont répondu.")
    expect(trainer.get_by_text("Les thèmes s'affichent à partir de 5 réponses")).to_be_visible()
    expect(trainer.locator("q")).to_have_count(0)

    second = open_capsule(browser, server, "apprenant8@demo.test")
    explore(second, "3")
    say_what_blocks(second, ANSWER_B)
    expect(explored).to_have_text("5 sur 6")
    expect(trainer.locator(".blocking-count")).to_have_text("5 apprenant·es sur 6 ont répondu.")
    expect(trainer.locator("article.topic").first).to_be_visible()
    expect(trainer.locator("article.topic h3").first).to_contain_text("À propos de")
    merge_all(trainer)
    expect(
        trainer.locator("q", has_text=ANSWER_B).or_(trainer.locator("q", has_text=ANSWER_A)).first
    ).to_be_visible()
    assert trainer.evaluate("window.notReloaded") is True
    assert_accessible(trainer)
    shot(trainer, "flipped-board-390")

    topic = trainer.locator("article.topic").first
    topic.get_by_text("Renommer ce thème").click()
    topic.get_by_label("Nom du thème").fill("Étiquettes et erreurs")
    topic.get_by_role("button", name="Renommer").click()
    expect(trainer.locator("article.topic h3").first).to_have_text("Étiquettes et erreurs")
    assert_accessible(second)
    shot(second, "flipped-capsule-390")
    for page in (first, second, trainer):
        page.context.close()


def test_the_trainer_renames_a_topic_and_tells_the_group_what_changes_live(browser, server):
    other = open_capsule(browser, server, "apprenant7@demo.test")
    answer_anyway(other, ANSWER_A)
    other.context.close()
    learner = open_capsule(browser, server, "apprenant12@demo.test")
    answer_anyway(learner, ANSWER_B)  # with the demo's three, k answers: topics show
    learner.evaluate("window.notReloaded = true")

    trainer = phone(browser, server)
    sign_in(trainer, "formateur2@demo.test")
    trainer.goto(
        learner.url.removeprefix(server.url).split("#")[0].replace("/capsule", "/readiness")
    )
    topic = trainer.locator("article.topic").first
    topic.get_by_text("Renommer ce thème").click()
    topic.get_by_label("Nom du thème").fill("Champs et messages d'erreur")
    # The change is written before the rename is sent: the rename's answer is the board alone,
    # and the box outside it keeps what was typed.
    changes = trainer.locator("#changes")
    changes.get_by_label("Ce que nous changeons").fill(CHANGE)
    trainer.evaluate(ANSWERED, "/readiness/topics")
    topic.get_by_role("button", name="Renommer").click()
    trainer.wait_for_function("window.answered === true")
    expect(trainer.locator("article.topic h3").first).to_have_text("Champs et messages d'erreur")
    expect(changes.get_by_label("Ce que nous changeons")).to_have_value(CHANGE)
    changes.get_by_role("button", name="Le dire aux apprenant·es").click()
    expect(trainer.locator("#changes li", has_text=CHANGE)).to_be_visible()
    assert_accessible(trainer)

    note = learner.locator("[data-live-channel^='capsule:'] li", has_text=CHANGE)
    expect(note).to_have_text(re.compile(f"Nous avons fait : {re.escape(CHANGE)}"))
    assert learner.evaluate("window.notReloaded") is True
    assert_accessible(learner)
    shot(learner, "flipped-change-390")
    for page in (learner, trainer):
        page.context.close()

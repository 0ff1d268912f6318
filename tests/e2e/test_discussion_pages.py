"""A project's discussion on a phone: replying deep in a long discussion keeps the page where
it is, peers see it live (or are told of it when they read higher up), and a mention is
completed with the keyboard alone."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, shot
from tests.e2e.test_project_pages import person

PASSWORD = "une phrase secrète"
PROJECT = "/projects/1"  # the demo's "Guide des gestes du quotidien", in the group of codes[0]


@pytest.fixture(scope="module")
def fanny(browser, server) -> str:
    """A newcomer who signs up, joins the group with its code and takes the project's free
    writing seat: her e-mail address."""
    email = f"fanny-{uuid.uuid4().hex[:8]}@example.fr"
    context = browser.new_context(locale="fr-FR", base_url=server.url)
    page = context.new_page()
    page.goto("/signup")
    page.get_by_label("Votre nom").fill("Fanny Nouvelle")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_role("heading", name="Vérifiez votre messagerie")).to_be_visible()
    page.goto("/")  # the account can be used before the address is confirmed
    expect(page.get_by_role("heading", name="Bonjour Fanny Nouvelle")).to_be_visible()
    page.get_by_label("Code d'accès").fill(server.codes[0])
    page.get_by_role("button", name="Rejoindre").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Assistant·e de vie aux familles")
    page.goto(PROJECT)
    page.get_by_role("button", name="Rejoindre comme Rédaction").click()
    expect(page.get_by_role("button", name="Quitter le projet")).to_be_visible()
    context.close()
    return email


def signed_in_as(browser, server, email: str):
    """A phone signed in through the form with a password of its own."""
    context = browser.new_context(
        locale="fr-FR", base_url=server.url, bypass_csp=True,
        viewport={"width": 390, "height": 844},
    )  # fmt: skip
    page = context.new_page()
    page.goto("/signin")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    return page


def post_many(page, count: int) -> None:
    """Messages sent as a form would send them, to make the discussion long."""
    page.evaluate(
        """async (count) => {
            const token = document.getElementById("viewer").dataset.csrf;
            for (let n = 1; n <= count; n++) {
                const body = new URLSearchParams({body: `Point d'étape numéro ${n}`});
                await fetch(location.pathname + "/messages", {
                    method: "POST", body, headers: {"X-CSRF-Token": token},
                });
            }
        }""",
        count,
    )


def test_a_reply_deep_in_a_long_discussion_keeps_the_page_and_reaches_peers(browser, server, fanny):
    writer = signed_in_as(browser, server, fanny)
    writer.goto(PROJECT)
    post_many(writer, 14)
    writer.reload()
    peer = person(browser, server, "apprenant3@demo.test")
    peer.goto(PROJECT)
    expect(peer.locator(".messages")).to_contain_text("Point d'étape numéro 14")
    peer.evaluate("window.scrollTo(0, 0)")  # reading higher up

    target = writer.locator(".message", has_text="Point d'étape numéro 5")
    target.scroll_into_view_if_needed()
    writer.evaluate("window.scrollBy(0, 200)")
    target.locator("summary", has_text="Répondre").click()
    box = target.get_by_label("Votre réponse")
    box.fill("Je m'en charge")
    scrolled = writer.evaluate("window.scrollY")
    assert scrolled > 500, "the discussion is long enough to be read scrolled down"
    writer.evaluate("window.notReloaded = true")
    target.get_by_role("button", name="Répondre").click()

    thread = writer.locator(".thread", has=writer.locator(".message", has_text="numéro 5"))
    reply = thread.locator(".replies .message", has_text="Je m'en charge")
    expect(reply).to_be_visible()
    expect(writer.get_by_label("Votre réponse").and_(writer.locator(":focus"))).to_have_value("")
    assert writer.evaluate("window.notReloaded") is True
    now = writer.evaluate("window.scrollY")
    in_view = reply.evaluate(
        "el => el.getBoundingClientRect().top >= 0"
        " && el.getBoundingClientRect().bottom <= innerHeight"
    )
    assert abs(now - scrolled) < 150 or in_view, (scrolled, now)

    # The peer reading higher up is told, and taken to it.
    expect(peer.locator(".messages")).to_contain_text("Je m'en charge")
    note = peer.get_by_role("button", name="1 nouveau message")
    expect(note).to_be_visible()
    note.click()
    expect(note).to_be_hidden()
    expect(peer.locator(".message", has_text="Je m'en charge")).to_be_in_viewport()
    shot(writer, "discussion-thread-390")
    writer.context.close()
    peer.context.close()


def test_a_reply_answered_after_its_own_push_empties_and_focuses_its_box_in_place(
    browser, server, fanny
):
    """The push of one's own reply can overtake the answer to the form, and replace the form
    the answer was meant for: the answer is held back here until the push has shown it."""
    writer = signed_in_as(browser, server, fanny)
    writer.goto(PROJECT)
    held = []

    def hold_answer(route):
        if route.request.method != "POST":
            return route.fallback()
        held.append((route, route.fetch()))  # the server has acted; the page waits

    writer.route("**/projects/1/messages", hold_answer)
    target = writer.locator(".message", has_text="Je commence les pictogrammes")
    target.locator("summary", has_text="Répondre").click()
    target.get_by_label("Votre réponse").fill("Super, merci")
    on_screen = "el => el.getBoundingClientRect().top"
    read_at = target.evaluate(on_screen)
    target.get_by_role("button", name="Répondre").click()
    thread = writer.locator(".thread", has=target)
    expect(thread.locator(".replies .message", has_text="Super, merci")).to_be_visible()
    for _ in range(100):  # the handler may still be reading the answer it holds
        if held:
            break
        writer.wait_for_timeout(50)
    ((route, answer),) = held  # the reply shown came from the push: its answer is held
    route.fulfill(response=answer)
    box = target.get_by_label("Votre réponse")
    expect(box).to_be_focused()
    expect(box).to_have_value("")
    expect(thread.locator(".replies .message", has_text="Super, merci")).to_have_count(1)
    assert abs(target.evaluate(on_screen) - read_at) < 2, "the message stays where it was read"
    writer.context.close()


def test_an_edited_message_takes_the_focus_and_a_refused_edit_keeps_it_in_its_box(
    browser, server, fanny
):
    writer = signed_in_as(browser, server, fanny)
    writer.goto(PROJECT)
    writer.get_by_role("combobox", name="Votre message (mentionnez").fill("Relu : fiche 3")
    writer.get_by_role("button", name="Envoyer").click()
    sent = writer.locator(".message", has_text="Relu : fiche 3")
    mine = writer.locator(f"#{sent.get_attribute('id')}")
    mine.locator("summary", has_text="Modifier").click()
    box = mine.get_by_label("Modifier votre message")
    box.fill("")
    mine.get_by_role("button", name="Enregistrer").click()
    expect(box).to_have_attribute("aria-invalid", "true")
    expect(box).to_be_focused()
    box.fill("Relu : fiches 3 et 4")
    mine.get_by_role("button", name="Enregistrer").click()
    expect(mine.locator(".message-body")).to_have_text("Relu : fiches 3 et 4")
    expect(mine).to_be_focused()  # a keyboard reader goes on from the message they changed
    writer.context.close()


def test_a_box_a_reader_unfolded_stays_open_when_a_peers_message_is_pushed(browser, server, fanny):
    reader = signed_in_as(browser, server, fanny)
    reader.goto(PROJECT)
    target = reader.locator(".message", has_text="Je commence les pictogrammes")
    target.locator("summary", has_text="Répondre").click()
    box = target.get_by_label("Votre réponse")
    expect(box).to_be_visible()  # unfolded, nothing typed yet
    peer = person(browser, server, "apprenant3@demo.test")
    peer.goto(PROJECT)
    post_many(peer, 1)
    expect(reader.locator(".messages")).to_contain_text("Point d'étape numéro 1")
    expect(box).to_be_visible()
    peer.context.close()
    reader.context.close()


def test_a_mention_is_completed_with_the_keyboard_and_names_who_and_where(browser, server, fanny):
    author = person(browser, server, "apprenant4@demo.test")  # Youssef, in the same team
    author.goto(PROJECT)
    box = author.get_by_role("combobox", name="Votre message (mentionnez")
    box.click()
    options = author.get_by_role("listbox", name="Personnes à mentionner")
    author.keyboard.type("@Youss")  # oneself is never offered
    expect(box).to_have_value("@Youss")
    expect(options).to_be_hidden()
    box.fill("")
    author.keyboard.type("Merci @Fa")
    expect(options.get_by_role("option", name="Fanny Nouvelle")).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    assert_accessible(author)
    shot(author, "discussion-mention-390")
    author.keyboard.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", "mention-option-0")
    author.keyboard.press("Enter")
    expect(options).to_be_hidden()
    expect(box).to_have_value("Merci @Fanny ")
    author.keyboard.type("pour la relecture")
    author.get_by_role("button", name="Envoyer").click()
    expect(author.locator(".messages")).to_contain_text("Merci @Fanny pour la relecture")
    expect(box).to_be_focused()
    expect(box).to_have_value("")
    # Sent empty: refused next to the box, which keeps the focus; the page stays.
    author.evaluate("window.notReloaded = true")
    author.get_by_role("button", name="Envoyer").click()
    expect(author.locator("#compose-form-1 .field-error")).to_be_visible()
    expect(box).to_have_attribute("aria-invalid", "true")
    expect(box).to_be_focused()
    assert author.evaluate("window.notReloaded") is True

    mentioned = signed_in_as(browser, server, fanny)
    mentioned.goto("/notifications")
    expect(mentioned.locator(".notifications")).to_contain_text(
        "Youssef El Amrani vous a mentionné·e dans « Guide des gestes du quotidien »."
    )
    author.context.close()
    mentioned.context.close()

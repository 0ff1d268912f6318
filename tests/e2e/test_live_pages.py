"""Live pages in Chromium: two processes behind one Redis, a phone that sleeps and wakes."""

from __future__ import annotations

import time

from playwright.sync_api import expect

from tests.e2e.conftest import KEEP, shot, sign_in

REGION = "#announcements-2"


def open_as(browser, server, email: str, **options):
    context = browser.new_context(locale="fr-FR", base_url=server.url, **options)
    page = context.new_page()
    sign_in(page, email)
    page.goto("/iterations/2")
    return page


def announce(page, text: str) -> None:
    page.get_by_label("Annoncer à la promotion").fill(text)
    page.get_by_role("button", name="Publier").click()
    expect(page.locator(REGION)).to_contain_text(text)
    # The form comes back empty once the request is over: the next one starts clean.
    expect(page.get_by_label("Annoncer à la promotion")).to_have_value("")


def set_hidden(page, hidden: bool) -> None:
    """What a phone does when the browser goes to the background, and back."""
    page.evaluate(
        """(hidden) => {
            Object.defineProperty(document, "hidden", {configurable: true, get: () => hidden});
            document.dispatchEvent(new Event("visibilitychange"));
        }""",
        hidden,
    )


def test_a_page_served_by_b_updates_when_a_trainer_writes_on_a(browser, two_processes):
    a, b = two_processes
    learner = open_as(browser, b, "apprenant1@demo.test", viewport={"width": 390, "height": 844})
    learner.evaluate("window.notReloaded = true")
    trainer = open_as(browser, a, "formateur1@demo.test")
    expect(learner.get_by_role("list", name="Présent·es en ce moment")).to_contain_text(
        "Claire Formatrice"
    )

    announce(trainer, "Rendez-vous à 14 h en salle B2")
    expect(learner.locator(REGION)).to_contain_text("Rendez-vous à 14 h en salle B2")
    assert learner.evaluate("window.notReloaded") is True
    shot(learner, "live-announcement-390")

    trainer.context.close()  # the trainer leaves: the learner sees it
    expect(learner.get_by_role("list", name="Présent·es en ce moment")).not_to_contain_text(
        "Claire Formatrice"
    )
    learner.context.close()


def test_a_phone_back_from_the_background_catches_up(browser, two_processes):
    a, b = two_processes
    learner = open_as(browser, b, "apprenant2@demo.test", viewport={"width": 390, "height": 844})
    trainer = open_as(browser, a, "formateur1@demo.test")
    announce(trainer, "Avant la pause")
    expect(learner.locator(REGION)).to_contain_text("Avant la pause")

    set_hidden(learner, True)
    for n in range(3):
        announce(trainer, f"Pendant la pause {n}")
    learner.wait_for_timeout(300)
    expect(learner.locator(REGION)).not_to_contain_text("Pendant la pause 0")

    set_hidden(learner, False)
    expect(learner.locator(REGION)).to_contain_text("Pendant la pause 2")
    expect(learner.locator(REGION)).to_contain_text("Pendant la pause 0")
    learner.context.close()
    trainer.context.close()


def test_past_the_log_the_region_is_fetched_again_and_equals_a_fresh_page(browser, two_processes):
    a, b = two_processes
    learner = open_as(browser, b, "apprenant3@demo.test")
    trainer = open_as(browser, a, "organisme@demo.test")
    set_hidden(learner, True)
    for n in range(KEEP + 3):
        announce(trainer, f"Longue absence {n}")

    set_hidden(learner, False)
    expect(learner.locator(REGION)).to_contain_text(f"Longue absence {KEEP + 2}")
    fresh = learner.context.new_page()
    fresh.goto("/iterations/2")
    assert learner.locator(REGION).inner_html() == fresh.locator(REGION).inner_html()
    learner.context.close()
    trainer.context.close()


def test_a_page_whose_scripts_arrive_slowly_still_goes_live(browser, server):
    """On a slow network the websocket extension arrives well after htmx itself; the page
    must still open its socket."""
    context = browser.new_context(locale="fr-FR", base_url=server.url)
    page = context.new_page()
    sign_in(page, "apprenant1@demo.test")
    context.route("**/hx-ws.min.js*", _late)  # routing also turns the browser's cache off
    with page.expect_websocket(timeout=5000):
        page.goto("/iterations/2")
    context.close()


def _late(route) -> None:
    time.sleep(0.8)
    route.continue_()

"""A server restarts: the open page comes back by itself and catches up."""

from __future__ import annotations

import time
from urllib.parse import urlparse

from playwright.sync_api import expect

from tests.conftest import REDIS_URL, empty_database
from tests.e2e.conftest import sign_in
from tests.e2e.test_live_pages import announce
from tests.servers import prepare, ruche_env, serve

REGION = "#announcements-2"
CAP = 14  # seconds: the longest wait between two attempts (static/js/live.js)
# Counts the page's socket openings, from the first one on.
COUNT_OPENINGS = """document.addEventListener("htmx:ws:after:connection",
    () => { window.openings = (window.openings || 0) + 1; })"""


def test_after_a_restart_the_page_reconnects_by_itself_and_shows_what_follows(browser, tmp_path):
    with empty_database(tmp_path) as database_url:
        env = ruche_env(database_url, REDIS_URL)
        prepare(env)
        server = serve(env, tmp_path)
        context = browser.new_context(locale="fr-FR", base_url=server.url)
        page = context.new_page()
        page.add_init_script(COUNT_OPENINGS)
        sign_in(page, "apprenant1@demo.test")
        page.goto("/iterations/2")
        page.wait_for_function("() => window.openings === 1")
        page.evaluate("window.notReloaded = true")

        down = time.monotonic()
        server.stop()  # uvicorn closes its sockets with 1012: the page retries, in vain
        server = serve(env, tmp_path, urlparse(server.url).port)
        up = time.monotonic()
        try:
            page.wait_for_function("() => window.openings === 2", timeout=(CAP + 2) * 1000)
            back = time.monotonic()
            print(f"server down {up - down:.2f} s, page back {back - up:.2f} s after it")
            trainer = context.browser.new_context(locale="fr-FR", base_url=server.url).new_page()
            sign_in(trainer, "formateur1@demo.test")
            trainer.goto("/iterations/2")
            announce(trainer, "Après le redémarrage")
            expect(page.locator(REGION)).to_contain_text("Après le redémarrage")
            assert page.evaluate("window.notReloaded") is True
        finally:
            context.close()
            server.stop()

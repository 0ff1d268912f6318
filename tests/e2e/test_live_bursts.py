"""Bursts of posts in a project: two open tabs end up equal to a fresh load, every time,
fetching the message list again at most once at a time."""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor

import httpx2
import pytest
from playwright.sync_api import Error as PlaywrightError

from community.demo import PASSWORD
from tests.e2e.conftest import sign_in

PROJECT = "/projects/1"  # demo: apprenant2 leads it, apprenant3 and apprenant4 are members
ROUNDS = 6
BURST = 5
APART = 0.03  # seconds between two posts of a burst
TOKEN = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')
MESSAGE = re.compile(r'id="message-(\d+)"')

# Every live region of the page and the list of who is here, by id: what a reader sees.
SNAPSHOT = """() => Object.fromEntries(
    [...document.querySelectorAll("[data-live-channel][id], ul.presence[id]")]
        .map((el) => [el.id, el.innerHTML]))"""
SAME = f"(wanted) => JSON.stringify(({SNAPSHOT})()) === JSON.stringify(wanted)"


def poster(server_url: str, email: str) -> tuple[httpx2.Client, str]:
    """A member signed in over HTTP, with the CSRF token of their session."""
    client = httpx2.Client(base_url=server_url)
    token = TOKEN.search(client.get("/signin").text)
    assert token
    signed = client.post(
        "/signin", data={"email": email, "password": PASSWORD, "csrf_token": token.group(1)}
    )
    assert signed.status_code == 303, signed.text
    token = TOKEN.search(client.get(PROJECT).text)
    assert token
    return client, token.group(1)


def post(who: tuple[httpx2.Client, str], body: str) -> int:
    client, token = who
    return client.post(f"{PROJECT}/messages", data={"body": body, "csrf_token": token}).status_code


@pytest.fixture
def posters(two_processes):
    a, b = two_processes
    people = [poster(a.url, "apprenant2@demo.test"), poster(b.url, "apprenant4@demo.test")]
    yield people
    for client, _token in people:
        client.close()


def test_after_each_burst_of_posts_both_tabs_equal_a_fresh_load_one_fetch_at_a_time(
    browser, two_processes, posters
):
    a, b = two_processes
    context = browser.new_context(locale="fr-FR", base_url=a.url)
    first = context.new_page()
    sign_in(first, "apprenant3@demo.test")
    first.goto(PROJECT)
    second = context.new_page()  # the same person, the other process (cookies ignore ports)
    second.goto(b.url + PROJECT)
    in_flight = [Fetches(page) for page in (first, second)]
    for page in (first, second):
        page.wait_for_function("() => document.querySelector('#messages-1') !== null")

    with ThreadPoolExecutor(max_workers=BURST) as pool:
        for round_ in range(ROUNDS):
            sent = []
            for n in range(BURST):
                body = f"Salve {round_}, message {n}"
                sent.append(pool.submit(post, posters[n % 2], body))
                time.sleep(APART)  # the pace of the burst, not a wait for anything
            assert [future.result() for future in sent] == [303] * BURST

            fresh = context.new_page()
            fresh.goto(PROJECT)
            wanted = fresh.evaluate(SNAPSHOT)
            fresh.close()
            assert f"Salve {round_}, message {BURST - 1}" in wanted["messages-1"]
            for page in (first, second):
                try:
                    page.wait_for_function(SAME, arg=wanted, timeout=5000)
                except PlaywrightError:
                    shown = page.evaluate(SNAPSHOT)
                    differ = sorted(k for k in wanted if shown.get(k) != wanted[k])
                    missing = set(MESSAGE.findall(wanted["messages-1"])) - set(
                        MESSAGE.findall(shown.get("messages-1", ""))
                    )
                    pytest.fail(
                        f"round {round_}, {page.url}: regions {differ} are not as a fresh load"
                        f" shows them; messages missing: {sorted(missing)}"
                    )
    # None at all once the list is pushed as a fragment; never two at once.
    assert max(fetches.most for fetches in in_flight) <= 1, "two fetches of the list at once"
    context.close()


class Fetches:
    """How many re-fetches of the message list a page has in flight, and the most at once."""

    def __init__(self, page) -> None:
        self.now = self.most = 0
        page.on("request", self.started)
        page.on("requestfinished", self.ended)
        page.on("requestfailed", self.ended)

    @staticmethod
    def of_the_list(request) -> bool:
        return "region=messages" in request.url

    def started(self, request) -> None:
        if self.of_the_list(request):
            self.now += 1
            self.most = max(self.most, self.now)

    def ended(self, request) -> None:
        if self.of_the_list(request):
            self.now -= 1

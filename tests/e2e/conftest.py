"""A real server (`ruche migrate`, `ruche demo`, `ruche serve` in a subprocess) and Chromium."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
from playwright.sync_api import expect

from tests.conftest import REDIS_URL, empty_database, need
from tests.servers import RedisServer, prepare, ruche_env, serve

CHROMIUM = Path(os.environ.get("RUCHE_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass
class DemoServer:
    url: str
    codes: list[str]


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    """The app as `make run` serves it, with the demo data, on a free port."""
    folder = tmp_path_factory.mktemp("server")
    if REDIS_URL:  # sign-in counts left by an earlier run would throttle this one
        with redis.Redis.from_url(REDIS_URL) as client:
            client.flushdb()
    with empty_database(folder) as database_url:
        env = ruche_env(database_url, REDIS_URL, RUCHE_MEDIA_DIR=str(folder / "media"))
        codes = re.findall(r"^\s+([A-Z2-9]{3}-[A-Z2-9]{3})\s", prepare(env), re.MULTILINE)
        running = serve(env, folder)
        try:
            yield DemoServer(url=running.url, codes=codes)
        finally:
            running.stop()


# Package scope: Playwright's sync API runs an event loop in this thread while it lives, so it
# must be gone before the async tests of other packages run.
@pytest.fixture(scope="package")
def browser():
    need(CHROMIUM.exists(), f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def phone(browser, server):
    """A fresh phone-sized browser, French, with nothing stored."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        locale="fr-FR",
        base_url=server.url,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda message: errors.extend(_unexpected(message)))
    yield page
    context.close()
    assert errors == [], f"errors in the browser: {errors}"


def _unexpected(message) -> list[str]:
    """Console errors, except the browser's note on a 422: a form re-rendered with messages."""
    if message.type != "error" or "status of 422" in message.text:
        return []
    return [message.text]


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def sign_in(page, email: str) -> None:
    """Through the sign-in form, as a person would (the page must be French)."""
    page.goto("/signin")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill("demo-ruche-2026")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")


def sign_up(page, name: str, email: str, password: str) -> None:
    """A new account through the sign-up form (French), then home: signed in, the address
    still to confirm."""
    page.goto("/signup")
    page.get_by_label("Votre nom").fill(name)
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_role("heading", name="Vérifiez votre messagerie")).to_be_visible()
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Bonjour {name}")


def menu(page):
    """The header's menu, opened: on a phone the links and sign-out fold into it."""
    page.locator(".nav-menu > summary").click()
    return page.locator(".nav-menu")


AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"


SETTLED = """async () => await Promise.all(document.getAnimations()
    .filter(a => a.effect?.getComputedTiming().iterations !== Infinity)
    .map(a => a.finished.catch(() => null)))"""


def assert_accessible(page) -> None:
    """axe-core finds no serious or critical violation (the context needs bypass_csp=True),
    once the page has settled: a colour halfway through its transition (a menu just opened)
    is not what the reader is left with."""
    page.evaluate(SETTLED)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]}
        })"""
    )
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], f"{page.url}: {serious}"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed browser test shows the end of its servers' logs (warnings from live updates)."""
    report = yield
    if report.failed and call.when == "call":
        servers = item.funcargs.get("two_processes") or []
        for server in servers:
            report.sections.append((f"log of {server.url}", server.log.read_text()[-4000:]))
    return report


KEEP = 5  # events a page can catch up on; more than that and it re-fetches the region


@pytest.fixture(scope="package")
def two_processes(tmp_path_factory):
    """Processes A and B on one database and one Redis of their own."""
    need(shutil.which("redis-server"), "redis-server is not installed")
    folder = tmp_path_factory.mktemp("two")
    redis = RedisServer(folder)
    redis.start()
    with empty_database(folder) as url:
        env = ruche_env(
            url, redis.url, RUCHE_LIVE_KEEP_EVENTS=str(KEEP), RUCHE_MEDIA_DIR=str(folder / "media")
        )
        prepare(env)
        servers = [serve(env, folder), serve(env, folder)]
        yield servers
        for server in servers:
            server.stop()
    redis.stop()

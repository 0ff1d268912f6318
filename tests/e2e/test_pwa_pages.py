"""Ruche on a phone as an installed app: the worker, the offline page, and a feedback or a
message written without a connection that arrives, once, when the network is back. The
server is this module's own, so that the answers can be counted in its database."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import expect
from sqlmodel import col, func, select

from community.database import Database
from community.models import FeedbackReceipt, Message, User
from tests.conftest import empty_database
from tests.e2e.conftest import assert_accessible, menu, shot, sign_in
from tests.servers import Server, prepare, ruche_env, serve

KEPT_FEEDBACK = "Pas de connexion : votre avis sera envoyé dès le retour du réseau."
KEPT_MESSAGE = "Pas de connexion : votre message sera envoyé dès le retour du réseau."


@pytest.fixture(scope="module")
def pwa_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("pwa-server")
    with empty_database(folder) as database_url:
        env = ruche_env(database_url)
        prepare(env)
        running = serve(env, folder)
        try:
            yield running
        finally:
            running.stop()


@pytest.fixture
def new_phone(browser, pwa_server):
    """A phone-sized context maker; every page's errors fail the test."""
    contexts, errors = [], []

    def make(**options):
        context = browser.new_context(
            viewport={"width": 390, "height": 844}, locale="fr-FR", base_url=pwa_server.url,
            is_mobile=True, has_touch=True, **options,
        )  # fmt: skip
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        return page

    yield make
    for context in contexts:
        context.close()
    assert errors == [], f"errors in the browser: {errors}"


def in_database(server: Server, query):
    """Runs `query(session)` against the server's database, in a thread of its own: the
    Playwright loop holds this one."""

    async def run():
        db = Database(server.env["DATABASE_URL"])
        try:
            async with db.session() as session:
                return await query(session)
        finally:
            await db.dispose()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, run()).result()


def receipts(server: Server, email: str, session_id: int) -> int:
    async def query(session):
        counted = (
            select(func.count(col(FeedbackReceipt.id)))
            .join(User, col(User.id) == FeedbackReceipt.user_id)
            .where(User.email == email, FeedbackReceipt.session_id == session_id)
        )
        return (await session.exec(counted)).one()

    return in_database(server, query)


def messages_saying(server: Server, body: str) -> int:
    async def query(session):
        counted = select(func.count(col(Message.id))).where(Message.body == body)
        return (await session.exec(counted)).one()

    return in_database(server, query)


def worker_ready(page) -> str:
    """The scope of the page's active service worker, once it is active."""
    return page.evaluate("navigator.serviceWorker.ready.then((r) => r.active && r.scope)")


def kept_on_device(page) -> list[dict]:
    return page.evaluate(
        """() => new Promise((resolve) => {
            const open = indexedDB.open("ruche-outbox", 1);
            open.onsuccess = () => {
                const all = open.result.transaction("forms").objectStore("forms").getAll();
                all.onsuccess = () => resolve(all.result);
            };
        })"""
    )


def open_feedback(page) -> int:
    """The feedback form of the group's latest session, from the home page: its id."""
    page.get_by_role(
        "link", name="Comment s'est passée la séance « Situations d'urgence » ?"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Situations d'urgence")
    found = re.search(r"/sessions/(\d+)/feedback", page.url)
    assert found
    return int(found.group(1))


def fill_feedback(page, comment: str) -> None:
    page.get_by_role("group", name="Dans l'ensemble, cette séance était…").locator("label").nth(
        3
    ).click()
    page.get_by_label("Un commentaire (facultatif)").fill(comment)
    page.get_by_role("button", name="Envoyer mon avis").click()


def test_the_worker_activates_and_a_navigation_offline_shows_the_offline_page(
    new_phone, pwa_server
):
    page = new_phone()  # with the app's own Content-Security-Policy
    page.goto("/")
    assert page.evaluate("document.querySelector('link[rel=manifest]').href") == (
        f"{pwa_server.url}/manifest.webmanifest"
    )
    assert worker_ready(page) == f"{pwa_server.url}/"
    page.reload()
    assert page.evaluate("navigator.serviceWorker.controller !== null")

    page.context.set_offline(True)
    page.goto("/signup")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vous êtes hors ligne…")
    expect(page.get_by_role("button", name="Réessayer")).to_be_visible()
    shot(page, "offline-390")
    page.context.set_offline(False)
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Créez votre compte")


def test_the_offline_page_is_accessible(new_phone):
    page = new_phone(bypass_csp=True)  # for axe-core
    page.goto("/offline")
    assert_accessible(page)


def test_a_feedback_written_offline_is_kept_then_arrives_once(new_phone, pwa_server):
    page = new_phone()
    sign_in(page, "apprenant4@demo.test")
    worker_ready(page)
    session_id = open_feedback(page)

    page.context.set_offline(True)
    fill_feedback(page, "Très clair, merci")
    expect(page.locator("#outbox")).to_contain_text(KEPT_FEEDBACK)
    shot(page, "feedback-kept-offline-390")
    assert receipts(pwa_server, "apprenant4@demo.test", session_id) == 0

    page.context.set_offline(False)
    expect(page.locator("#outbox")).to_contain_text("Envoyé : votre avis est bien arrivé.")
    assert receipts(pwa_server, "apprenant4@demo.test", session_id) == 1
    assert kept_on_device(page) == []
    page.reload()  # a new page load sends nothing again
    expect(page.get_by_text("Merci ! Votre avis est enregistré")).to_have_count(0)
    assert receipts(pwa_server, "apprenant4@demo.test", session_id) == 1


def test_a_message_written_offline_or_lost_on_the_way_arrives_once(new_phone, pwa_server):
    page = new_phone()
    sign_in(page, "apprenant4@demo.test")
    worker_ready(page)
    page.goto("/projects")
    page.get_by_role("link", name="Guide des gestes du quotidien").click()
    box = page.get_by_label("Votre message (mentionnez quelqu'un avec @Prénom)")

    page.context.set_offline(True)
    box.fill("Écrit dans le bus, sans réseau")
    page.get_by_role("button", name="Envoyer", exact=True).click()
    expect(page.locator("#outbox")).to_contain_text(KEPT_MESSAGE)
    page.context.set_offline(False)
    expect(page.locator("#outbox")).to_contain_text("Envoyé : votre message est bien arrivé.")
    expect(page.locator(".messages")).to_contain_text("Écrit dans le bus, sans réseau")
    assert messages_saying(pwa_server, "Écrit dans le bus, sans réseau") == 1

    # The phone thinks it is online, but the request never gets an answer.
    page.route("**/messages", lambda route: route.abort("internetdisconnected"))
    box.fill("Parti dans un tunnel")
    page.get_by_role("button", name="Envoyer", exact=True).click()
    expect(page.locator("#outbox")).to_contain_text(KEPT_MESSAGE)
    page.unroute("**/messages")
    page.reload()  # the next page load sends it (if nothing sent it meanwhile)
    expect(page.locator(".messages")).to_contain_text("Parti dans un tunnel")
    assert messages_saying(pwa_server, "Parti dans un tunnel") == 1
    assert messages_saying(pwa_server, "Écrit dans le bus, sans réseau") == 1


def test_one_person_s_kept_feedback_is_never_sent_under_the_next_person_s_account(
    new_phone, pwa_server
):
    page = new_phone()
    sign_in(page, "apprenant5@demo.test")
    worker_ready(page)
    session_id = open_feedback(page)
    form_url = page.url
    page.context.set_offline(True)
    fill_feedback(page, "Avis de Léa, gardé sur le téléphone")
    expect(page.locator("#outbox")).to_contain_text(KEPT_FEEDBACK)

    # Her session ends on this shared computer before the network comes back.
    page.context.clear_cookies()
    with page.expect_request(lambda request: request.url == form_url):
        page.context.set_offline(False)  # her page tries, and finds nobody signed in
    sign_in(page, "apprenant6@demo.test")
    page.goto(form_url)  # a page load of his: it sends what is his, nothing else
    expect(page.get_by_label("Un commentaire (facultatif)")).to_have_value("")
    expect(page.get_by_text("Avis de Léa")).to_have_count(0)
    assert [entry["state"] for entry in kept_on_device(page)] == ["queued"]
    assert receipts(pwa_server, "apprenant6@demo.test", session_id) == 0
    assert receipts(pwa_server, "apprenant5@demo.test", session_id) == 0

    # Back on her own account, hers leaves; signing out leaves nothing on the device.
    menu(page).get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("heading", name="Apprendre ensemble, en faisant")).to_be_visible()
    sign_in(page, "apprenant5@demo.test")
    expect(page.locator("#outbox")).to_contain_text("Envoyé : votre avis est bien arrivé.")
    assert receipts(pwa_server, "apprenant5@demo.test", session_id) == 1
    assert kept_on_device(page) == []


def test_signing_out_drops_what_the_person_kept_on_the_device(new_phone, pwa_server):
    page = new_phone()
    sign_in(page, "apprenant3@demo.test")
    worker_ready(page)
    session_id = open_feedback(page)
    form_url = page.url
    page.context.set_offline(True)
    fill_feedback(page, "Avis qui ne partira pas")
    expect(page.locator("#outbox")).to_contain_text(KEPT_FEEDBACK)
    assert len(kept_on_device(page)) == 1

    # The network returns, but her form's page cannot be reached; she signs out meanwhile.
    page.route(form_url, lambda route: route.abort("internetdisconnected"))
    with page.expect_request(form_url):
        page.context.set_offline(False)
    menu(page).get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("heading", name="Apprendre ensemble, en faisant")).to_be_visible()
    assert kept_on_device(page) == []
    page.unroute(form_url)
    sign_in(page, "apprenant3@demo.test")
    page.goto(form_url)
    assert receipts(pwa_server, "apprenant3@demo.test", session_id) == 0

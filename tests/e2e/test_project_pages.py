"""Three learners and a trainer run a project together, live across two app processes."""

from __future__ import annotations

import time

from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, menu, shot, sign_in


def person(browser, server, email: str, **size):
    context = browser.new_context(
        locale="fr-FR", base_url=server.url, bypass_csp=True,
        viewport=size or {"width": 390, "height": 844},
    )  # fmt: skip
    page = context.new_page()
    # Shown only when the test fails: what each browser said, to tell a lost update apart.
    page.on("console", lambda message: print(f"{email} console {message.type}: {message.text}"))
    page.on("pageerror", lambda error: print(f"{email} page error: {error}"))
    page.on("websocket", lambda socket: _watch(email, socket))
    sign_in(page, email)
    return page


def _watch(email: str, socket) -> None:
    print(f"{time.monotonic():.3f} {email} socket opened to {socket.url}")
    socket.on("close", lambda _s: print(f"{time.monotonic():.3f} {email} socket closed"))
    socket.on("socketerror", lambda error: print(f"{email} socket error: {error}"))
    socket.on(
        "framereceived",
        lambda frame: print(f"{time.monotonic():.3f} {email} FRAME {str(frame)[:160]}"),
    )


def test_propose_support_launch_join_talk_flag_hide(browser, two_processes):
    a, b = two_processes
    trainer = person(browser, b, "formateur1@demo.test", width=1280, height=800)
    trainer.goto("/iterations/2")
    trainer.get_by_label("Soutiens nécessaires à une proposition de projet").fill("2")
    with trainer.expect_response(lambda response: response.url.endswith("/threshold")):
        trainer.get_by_role("button", name="Enregistrer").first.click()

    author = person(browser, a, "apprenant1@demo.test")
    menu(author).get_by_role("link", name="Projets").click()
    author.get_by_text("Proposer un projet").click()
    author.get_by_label("Titre").fill("Jardin partagé du centre")
    author.get_by_label("L'idée, en quelques lignes").fill("Un potager pour la pause de midi.")
    author.get_by_label("Rôle 1").fill("Jardinage")
    author.get_by_label("Places").first.fill("2")
    author.get_by_role("button", name="Le proposer maintenant").click()
    expect(author.get_by_role("heading", level=1)).to_have_text("Jardin partagé du centre")
    project_url = author.url.replace(a.url, "")
    author.evaluate("window.notReloaded = true")
    assert_accessible(author)

    supporters = [
        person(browser, b, "apprenant2@demo.test"),
        person(browser, a, "apprenant3@demo.test"),
    ]
    for page in supporters:
        page.goto(project_url)
        page.get_by_role("button", name="Soutenir").click()
        expect(page.get_by_text("Vous soutenez ce projet.")).to_be_visible()
    expect(author.get_by_text("Le seuil est atteint")).to_be_visible()  # live, from process B too
    assert author.evaluate("window.notReloaded") is True
    author.get_by_role("button", name="Lancer le projet").click()
    expect(author.get_by_role("heading", name="Équipe")).to_be_visible()
    expect(author.locator(".badge").first).to_have_text("En cours")

    member = supporters[0]
    member.goto(project_url)
    member.get_by_role("button", name="Rejoindre comme Jardinage").click()
    member.get_by_label("Votre message").fill("J'apporte des graines de tomates !")
    member.get_by_role("button", name="Envoyer").click()
    expect(author.locator(".messages")).to_contain_text("graines de tomates")  # B → A, live
    # The same region for the whole role: its author alone is offered to edit it.
    expect(
        member.locator(".message", has_text="graines").get_by_text("Modifier", exact=True)
    ).to_be_visible()
    expect(
        author.locator(".message", has_text="graines").get_by_text("Modifier", exact=True)
    ).to_be_hidden()
    shot(author, "project-live-390")

    # Half-typed text is never wiped by a live update: the pushed region arrives while the
    # author types, and the draft, its open box and the focus stay theirs.
    tomatoes = author.locator(".message", has_text="graines de tomates")
    tomatoes.locator("summary", has_text="Répondre").click()
    reply = tomatoes.get_by_label("Votre réponse")
    reply.fill("Super, j'apporte les pots")
    member.get_by_role("combobox", name="Votre message (mentionnez").fill("Et aussi du terreau")
    member.get_by_role("button", name="Envoyer").click()
    expect(author.locator(".messages")).to_contain_text("Et aussi du terreau")
    expect(reply).to_have_value("Super, j'apporte les pots")
    expect(reply).to_be_focused()
    reply.fill("")

    trainer.goto("/iterations/2/review")
    expect(trainer.get_by_text("Aucun message signalé")).to_be_visible()
    trainer.evaluate("window.notReloaded = true")
    tomatoes = author.locator(".message", has_text="graines de tomates")
    tomatoes.get_by_text("Signaler", exact=True).click()
    tomatoes.get_by_label("Pourquoi ?").fill("Hors sujet")
    tomatoes.get_by_role("button", name="Signaler aux formateur·rices").click()
    expect(tomatoes.get_by_text("Vous avez signalé ce message")).to_be_visible()

    expect(trainer.get_by_text("Hors sujet")).to_be_visible()  # live, from process A to B
    assert trainer.evaluate("window.notReloaded") is True
    trainer.get_by_role("link", name="Jardin partagé du centre").click()
    trainer.locator(".message", has_text="graines de tomates").get_by_text(
        "Masquer", exact=True
    ).click()
    flagged = trainer.locator(".message", has_text="graines de tomates")
    flagged.get_by_label("Motif, montré à son auteur·rice").fill("Gardons le fil sur le jardin")
    flagged.get_by_role("button", name="Masquer le message").click()

    expect(author.locator(".messages")).not_to_contain_text("graines de tomates")  # live
    expect(author.locator(".messages")).to_contain_text("Message masqué")
    # The team's region only says it was hidden; its author alone is shown the way to why.
    expect(author.locator(".messages")).not_to_contain_text("Gardons le fil")
    expect(author.locator(".message", has_text="Message masqué").get_by_role("link")).to_be_hidden()
    member.locator(".message", has_text="Message masqué").get_by_role(
        "link", name="Pourquoi ?"
    ).click()
    expect(member.get_by_text("Gardons le fil sur le jardin")).to_be_visible()
    trainer.goto(project_url + "/audit")
    expect(trainer.get_by_role("table")).to_contain_text("A masqué un message")
    expect(trainer.get_by_role("table")).to_contain_text("Gardons le fil sur le jardin")
    assert_accessible(trainer)

    small = browser.new_context(
        locale="fr-FR", base_url=a.url, viewport={"width": 360, "height": 640}
    ).new_page()
    sign_in(small, "apprenant3@demo.test")
    for path in (project_url, "/projects"):
        small.goto(path)
        assert small.evaluate("document.documentElement.scrollWidth") <= 360, path
    # Under the real Content-Security-Policy, viewer.js builds the reader's rules.
    small.goto(project_url)
    rules = "document.adoptedStyleSheets.at(-1)?.cssRules.length ?? 0"
    small.wait_for_function(f"({rules}) >= 2")
    for page in (author, *supporters, trainer, small):
        page.context.close()


def test_a_lock_reaches_the_open_pages_of_the_team_with_its_reason(browser, server):
    member = person(browser, server, "apprenant9@demo.test")
    member.goto("/projects/3")
    message_box = member.get_by_role("combobox", name="Votre message (mentionnez")
    expect(message_box).to_be_visible()
    member.evaluate("window.notReloaded = true")
    trainer = person(browser, server, "formateur2@demo.test", width=1280, height=800)
    trainer.goto("/projects/3")

    def set_lock(locked: bool, reason: str) -> None:
        trainer.get_by_text("Modérer l'espace").click()
        trainer.get_by_label("Lecture seule").set_checked(locked)
        trainer.get_by_label("Pourquoi").fill(reason)
        trainer.get_by_role("button", name="Appliquer").click()
        # The trainer's page is loaded again, its moderation panel closed: until then a click
        # on the panel's summary would land on the page being replaced.
        expect(trainer.locator("details.moderation")).not_to_have_attribute("open", "")

    set_lock(True, "Pause jusqu'à lundi")
    notice = member.locator(".read-only")
    expect(notice).to_contain_text("Cet espace est en lecture seule")
    expect(notice).to_contain_text("Motif : Pause jusqu'à lundi")
    expect(message_box).to_have_count(0)
    expect(member.get_by_label("Modifier votre message")).to_have_count(0)
    expect(member.locator(".messages").get_by_text("Répondre", exact=True)).to_have_count(0)
    assert member.evaluate("window.notReloaded") is True
    shot(member, "project-locked-390")

    set_lock(False, "Reprise")
    expect(message_box).to_be_visible()
    member.context.close()
    trainer.context.close()

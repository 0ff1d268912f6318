"""Virtual reality at phone size: a learner books a headset slot and another sees it taken;
the comfort check comes before the 360° viewer, which opens in the browser and answers the
keyboard, with its text alternative beside it; a 360° video linked by the staff opens, after
the same check, in its player under the page's real Content-Security-Policy."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, menu, shot, sign_in
from tests.e2e.test_boussole_pages import phone  # a phone-sized page, axe allowed in

HEADSET = "Casque n° 1"
VIDEO_TITLE = "Appel de détresse en vidéo"
VIDEO = "https://video.ruche.test/360/appel.webm"
VIDEO_DESCRIPTION = "Un couloir, une sonnette qui clignote."
SCENE = "Malaise dans une chambre de résident"


def open_catalogue(browser, server, email: str):
    learner = phone(browser, server)
    errors: list[str] = []
    learner.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(learner, email)
    menu(learner).get_by_role("link", name="Réalité virtuelle").click()
    expect(learner.get_by_role("heading", level=1)).to_have_text("Réalité virtuelle et 360°")
    return learner, errors


def test_a_booked_slot_is_taken_for_the_next_learner_and_the_viewer_opens(browser, server):
    first, errors = open_catalogue(browser, server, "apprenant1@demo.test")
    slot = first.locator(".vr-slots li").filter(has_text=HEADSET).filter(has_text="Libre").first
    slot_id = slot.get_attribute("id")
    slot.get_by_role("button", name="Réserver ce créneau").click()
    mine = first.locator(f"#{slot_id}")
    expect(mine).to_contain_text("Réservé par vous")
    expect(mine.get_by_role("button", name="Annuler ma réservation")).to_be_visible()
    assert_accessible(first)
    shot(first, "vr-booked")

    second, second_errors = open_catalogue(browser, server, "apprenant2@demo.test")
    taken = second.locator(f"#{slot_id}")
    expect(taken).to_contain_text("Pris")
    expect(taken.get_by_role("button")).to_have_count(0)

    second.get_by_role("link", name=SCENE).click()
    expect(second.get_by_role("heading", name="Avant de commencer : votre confort")).to_be_visible()
    expect(second.get_by_role("button", name="Pratiquer avec la version fixe")).to_be_visible()
    assert_accessible(second)
    second.get_by_role("button", name="Je me sens bien : ouvrir la vue à 360°").click()
    viewer = second.get_by_role("application", name=f"Vue à 360° : {SCENE}")
    expect(viewer).to_be_visible()
    # Drawn once the picture has arrived: a canvas, and neither the loading box nor an error.
    expect(viewer.locator(".pnlm-render-container canvas")).to_have_count(1, timeout=20_000)
    expect(viewer.locator(".pnlm-load-box")).to_be_hidden()
    expect(viewer.locator(".pnlm-error-msg")).to_be_hidden()
    viewer.focus()
    expect(viewer).to_be_focused()
    second.keyboard.press("ArrowRight")
    expect(second.locator("#scene-description")).to_contain_text("lit médicalisé")
    assert_accessible(second)
    shot(second, "vr-viewer")

    second.get_by_label("Qu'est-ce qui s'est bien passé ?").fill("J'ai repéré le bouton d'appel.")
    second.get_by_label("Que feriez-vous autrement ?").fill("Protéger avant d'examiner.")
    second.get_by_role("button", name="Enregistrer mon débriefing").click()
    expect(second.get_by_text("Débriefing enregistré.")).to_be_visible()
    assert errors == [] and second_errors == []


def open_as(browser, server, email: str, address: str):
    page = phone(browser, server)
    sign_in(page, email)
    page.goto(address)
    return page


def add_video_scene(browser, server) -> str:
    """The demo's staff links a 360° video through the catalogue's form: the scene's address."""
    staff = open_as(browser, server, "organisme@demo.test", "/vr")
    form = staff.locator("details").filter(has_text="Ajouter une scène à 360°")
    form.locator("summary").click()
    form.get_by_label("Titre").fill(VIDEO_TITLE)
    form.get_by_label("Ce que montre la scène, en mots").fill(VIDEO_DESCRIPTION)
    form.get_by_label("Ou une vidéo à 360° : son adresse").fill(VIDEO)
    assert_accessible(staff)
    form.get_by_role("button", name="Ajouter la scène").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text(VIDEO_TITLE)
    address = staff.url
    staff.context.close()
    return address


def test_a_linked_360_video_opens_after_the_comfort_check_in_its_player(browser, server, phone):
    """`phone` enforces the Content-Security-Policy and fails on any console error: the
    player's scripts, styles and font, and the video's request, all pass it."""
    scene = add_video_scene(browser, server)
    asked: list[str] = []
    # The video host is this test: the request is seen, and left unanswered (no internet).
    phone.route("https://video.ruche.test/**", lambda route: asked.append(route.request.url))
    sign_in(phone, "apprenant3@demo.test")
    phone.goto(scene)
    expect(phone.get_by_role("heading", name="Avant de commencer : votre confort")).to_be_visible()
    phone.get_by_role("button", name="Je me sens bien : ouvrir la vue à 360°").click()
    viewer = phone.get_by_role("application", name=f"Vidéo à 360° : {VIDEO_TITLE}")
    expect(viewer).to_be_visible()
    # Built: Video.js's player, Pannellum's view inside it, and its French controls.
    expect(viewer.locator(".video-js .pnlm-container")).to_have_count(1, timeout=20_000)
    play = viewer.get_by_role("button", name="Lire la vidéo")
    play.focus()
    expect(play).to_be_focused()
    expect(phone.locator("#scene-description")).to_contain_text("sonnette qui clignote")
    phone.wait_for_timeout(500)
    assert asked == [VIDEO]
    shot(phone, "vr-video")
    checked = open_as(browser, server, "apprenant3@demo.test", phone.url)  # axe needs its script
    expect(checked.locator(".video-js .pnlm-container")).to_have_count(1, timeout=20_000)
    assert_accessible(checked)

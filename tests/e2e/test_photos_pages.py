"""A photo on a project message, on a phone: attached, shown live to the team, refused in
words when it is not a picture."""

from __future__ import annotations

import io

from PIL import Image
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, shot
from tests.e2e.test_project_pages import person


def picture() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (2400, 1800), (60, 140, 90)).save(out, "JPEG")
    return out.getvalue()


def test_a_member_attaches_a_photo_the_team_sees_it_live(browser, server):
    watcher = person(browser, server, "apprenant9@demo.test")
    watcher.goto("/projects/3")
    watcher.evaluate("window.notReloaded = true")
    author = person(browser, server, "apprenant11@demo.test")
    author.goto("/projects/3")

    # Not a picture: said next to the field, in French, what was typed kept.
    author.get_by_role("combobox", name="Votre message (mentionnez").fill("Le plan du potager")
    author.get_by_label("Photo (facultative)").set_input_files(
        {"name": "plan.jpg", "mimeType": "image/jpeg", "buffer": b"pas une image"}
    )
    author.get_by_role("button", name="Envoyer").click()
    expect(author.locator("#e-photo")).to_contain_text("pas une image que Ruche sait lire")
    expect(author.get_by_role("combobox", name="Votre message (mentionnez")).to_have_value(
        "Le plan du potager"
    )
    assert_accessible(author)

    author.get_by_label("Photo (facultative)").set_input_files(
        {"name": "plan.jpg", "mimeType": "image/jpeg", "buffer": picture()}
    )
    author.get_by_label("Ce que montre la photo").fill("Le plan dessiné au tableau")
    author.get_by_role("button", name="Envoyer").click()

    shown = watcher.get_by_role("img", name="Le plan dessiné au tableau")
    expect(shown).to_be_visible()  # live, without reloading
    assert watcher.evaluate("window.notReloaded") is True
    assert shown.get_attribute("width") == "1600" and shown.get_attribute("height") == "1200"
    shown.scroll_into_view_if_needed()  # loaded lazily: once it is about to be seen
    watcher.wait_for_function(
        """() => {
            const img = document.querySelector('img[alt="Le plan dessiné au tableau"]');
            return img.complete && img.naturalWidth === 1600;
        }"""
    )
    assert watcher.evaluate("document.documentElement.scrollWidth") <= 390
    shot(watcher, "project-photo-390")
    assert_accessible(watcher)

    # Tapped, it opens alone at full size.
    with watcher.context.expect_page() as opened:
        shown.click()
    full = opened.value
    full.wait_for_load_state()
    assert "/projects/3/photos/" in full.url
    for page in (watcher, author):
        page.context.close()

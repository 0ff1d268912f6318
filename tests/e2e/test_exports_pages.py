"""Download my data at phone size: a new learner asks for their archive from their profile,
watches it being prepared, and downloads a zip that holds their name."""

from __future__ import annotations

import io
import uuid
import zipfile

from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, shot, sign_up


def test_a_new_learner_downloads_an_archive_of_their_data(browser, server):
    context = browser.new_context(
        locale="fr-FR", base_url=server.url, viewport={"width": 390, "height": 844},
        is_mobile=True, has_touch=True, bypass_csp=True, accept_downloads=True,
    )  # fmt: skip
    page = context.new_page()
    name = f"Archive Testeuse {uuid.uuid4().hex[:6]}"
    sign_up(page, name, f"{uuid.uuid4().hex[:10]}@example.org", "une phrase secrète")

    page.goto("/profile")
    page.get_by_role("link", name="Télécharger mes données").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes données")
    expect(page.get_by_text("Vous n'avez pas encore demandé vos données.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Demander mes données").click()
    # Prepared in the background: the page shows its progress, then the link, without reload.
    expect(page.get_by_role("progressbar", name="Avancement")).to_be_visible()
    assert_accessible(page)
    link = page.get_by_role("link", name="Télécharger mon archive (zip)")
    expect(link).to_be_visible(timeout=30_000)
    expect(page.get_by_role("progressbar", name="Avancement")).to_have_attribute("value", "100")
    shot(page, "exports-ready-390")
    assert_accessible(page)

    with page.expect_download() as waiting:
        link.click()
    download = waiting.value
    assert download.suggested_filename.startswith("ruche-data-")
    assert download.suggested_filename.endswith(".zip")
    with open(download.path(), "rb") as file:
        opened = zipfile.ZipFile(io.BytesIO(file.read()))
    assert "index.html" in opened.namelist()
    assert name in opened.read("accounts.json").decode()
    assert name in opened.read("index.html").decode()
    context.close()

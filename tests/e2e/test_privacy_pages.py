"""A visitor reads the privacy page on a phone, in French then English; an administrator
reads the record of processing."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, shot, sign_in


def _phone(browser, server):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="fr-FR", base_url=server.url,
        is_mobile=True, has_touch=True, bypass_csp=True,
    )  # fmt: skip
    return context.new_page()


def test_a_visitor_reads_the_privacy_page_from_the_sign_up_form(browser, server):
    page = _phone(browser, server)
    page.goto("/signup")
    page.locator("form").get_by_role("link", name="vos données et votre vie privée").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vos données et votre vie privée")
    expect(page.get_by_role("link", name="Télécharger mes données")).to_be_visible()
    assert_accessible(page)
    shot(page, "privacy-390")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your data and your privacy")
    expect(page.get_by_role("link", name="cnil.fr")).to_be_visible()
    assert_accessible(page)
    page.context.close()


def test_an_administrator_reads_the_record_of_processing(browser, server):
    page = _phone(browser, server)
    sign_in(page, "admin@demo.test")
    page.goto("/admin/privacy")
    expect(page.get_by_role("heading", level=1)).to_have_text("Registre des traitements")
    expect(page.get_by_role("heading", name="Tâche de conservation")).to_be_visible()
    expect(page.get_by_role("link", name="Télécharger le registre (CSV)")).to_be_visible()
    assert_accessible(page)
    shot(page, "privacy-record-390")
    page.context.close()

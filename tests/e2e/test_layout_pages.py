"""The frame on a phone: a one-line header with a menu, tables that scroll in their frame,
and a footer readable in dark mode."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import AXE, assert_accessible, shot, sign_in

PHONE = {"width": 390, "height": 844}


def _page(browser, server, **options):
    context = browser.new_context(
        locale="fr-FR", base_url=server.url, bypass_csp=True, **{"viewport": PHONE, **options}
    )
    return context.new_page()


def test_the_phone_header_is_one_line_and_its_menu_opens_and_closes_with_the_keyboard(
    browser, server
):
    page = _page(browser, server, is_mobile=True, has_touch=True)
    sign_in(page, "formateur1@demo.test")
    header = page.locator(".site-header")
    assert header.bounding_box()["height"] < 64
    expect(page.get_by_role("link", name="Notifications")).to_be_visible()
    sign_out = page.get_by_role("button", name="Se déconnecter")
    expect(sign_out).to_be_hidden()
    shot(page, "header-390")

    menu = page.locator(".nav-menu > summary")
    menu.focus()
    page.keyboard.press("Enter")
    expect(sign_out).to_be_visible()
    expect(page.locator(".nav-menu").get_by_role("link", name="Langue")).to_be_visible()
    page.keyboard.press("Tab")  # the first link of the menu comes next
    assert page.evaluate("document.activeElement.closest('.nav-menu') !== null")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)
    shot(page, "header-menu-390")

    page.keyboard.press("Escape")  # closed, and the focus is back on its summary
    expect(sign_out).to_be_hidden()
    expect(menu).to_be_focused()
    page.keyboard.press("Enter")
    expect(sign_out).to_be_visible()
    page.mouse.click(195, 800)  # a tap outside closes it too
    expect(sign_out).to_be_hidden()
    page.context.close()


def test_the_desktop_header_shows_its_links_without_a_menu(browser, server):
    page = _page(browser, server, viewport={"width": 1280, "height": 800})
    sign_in(page, "formateur1@demo.test")
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    expect(page.locator(".nav-menu")).to_be_hidden()
    expect(page.locator(".site-header").get_by_text("Notifications")).to_be_visible()
    page.context.close()


def test_a_report_table_scrolls_in_its_frame_and_the_page_does_not(browser, server):
    page = _page(browser, server, is_mobile=True, has_touch=True)
    sign_in(page, "organisme@demo.test")
    page.goto("/reports/iterations/1")
    frame = page.get_by_role("region", name="Tableau : Séance par séance")
    expect(frame).to_be_visible()
    assert frame.evaluate("el => el.scrollWidth > el.clientWidth")  # wider than the phone
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    frame.focus()  # keyboard users scroll it with the arrows
    page.keyboard.press("ArrowRight")
    page.wait_for_function("el => el.scrollLeft > 0", arg=frame.element_handle())
    shot(page, "report-table-390")
    page.context.close()


def test_the_signed_out_header_is_one_line_on_a_phone(browser, server):
    page = _page(browser, server)
    page.goto("/signin")
    assert page.locator(".site-header").bounding_box()["height"] < 64
    expect(page.get_by_role("link", name="Créer un compte").first).to_be_visible()
    page.context.close()


def test_the_footer_language_switch_is_readable_in_dark_mode(browser, server):
    page = _page(browser, server, color_scheme="dark")
    page.goto("/signin")
    expect(page.locator(".language-form").get_by_role("button", name="English")).to_be_visible()
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        """async () => (await axe.run(".site-footer", {runOnly: ["color-contrast"]}))
            .violations.map(v => v.nodes.map(n => n.target))"""
    )
    assert violations == []
    shot(page, "footer-dark-390")
    page.context.close()

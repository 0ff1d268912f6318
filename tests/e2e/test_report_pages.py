"""Provider staff compare the demo groups, record an action, and a learner sees it live,
in his own language."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, shot, sign_in


def test_compare_groups_record_an_action_and_the_learner_sees_it(browser, server):
    # The learner reads English: what staff record in French must reach his page in English.
    learner = browser.new_context(
        locale="fr-FR", base_url=server.url, viewport={"width": 390, "height": 844}
    ).new_page()
    sign_in(learner, "apprenant6@demo.test")
    learner.goto("/profile")
    learner.get_by_label("Langue").select_option(label="English")
    learner.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(learner.get_by_text("Your profile is saved.")).to_be_visible()
    learner.goto("/iterations/2")
    learner.evaluate("window.notReloaded = true")

    staff = browser.new_context(locale="fr-FR", base_url=server.url, bypass_csp=True).new_page()
    sign_in(staff, "organisme@demo.test")
    staff.get_by_role("link", name="Rapports").click()
    staff.get_by_label("Avant").select_option(
        label="Assistant·e de vie aux familles · Promotion printemps 2026"
    )
    staff.get_by_label("Après").select_option(
        label="Assistant·e de vie aux familles · Promotion automne 2026"
    )
    staff.get_by_role("button", name="Comparer").first.click()
    expect(staff.get_by_role("heading", name="Comparaison")).to_be_visible()
    pace = staff.get_by_role("row", name="Rythme")
    expect(pace).to_contain_text("[")  # intervals
    expect(pace).to_contain_text("en hausse")
    assert_accessible(staff)
    shot(staff, "compare-desktop")

    staff.goto("/reports/iterations/1")
    assert_accessible(staff)
    staff.get_by_text("Enregistrer une action d'amélioration").click()
    staff.get_by_label("Ce que les apprenant·es ont dit").fill("Le rythme était trop soutenu")
    staff.get_by_label("Ce que nous avons décidé").fill("Une pause toutes les heures")
    staff.get_by_label("Responsable").fill("Claire")
    staff.get_by_label("Échéance").fill("2026-10-01")
    staff.get_by_label("Promotion concernée").select_option(label="Promotion automne 2026")
    staff.get_by_label("Critère qu'elle doit faire évoluer").select_option(label="Rythme")
    staff.get_by_role("button", name="Enregistrer l'action").click()
    expect(staff.locator("#actions")).to_contain_text("Une pause toutes les heures")
    expect(staff.locator("#actions")).to_contain_text("Rythme")

    feed = learner.locator(".actions-feed")
    expect(feed).to_contain_text("Une pause toutes les heures")
    expect(feed).to_contain_text("We did:")
    assert learner.evaluate("window.notReloaded") is True
    shot(learner, "you-said-we-did-390")
    learner.context.close()
    staff.context.close()


def test_the_verdict_is_seen_without_scrolling_sideways_on_a_laptop_and_a_phone(browser, server):
    for width, height in ((1280, 800), (390, 844)):
        context = browser.new_context(
            locale="fr-FR", base_url=server.url, viewport={"width": width, "height": height}
        )
        page = context.new_page()
        sign_in(page, "organisme@demo.test")
        page.goto("/reports/compare?a=it:1&b=it:2")
        verdicts = page.locator("td.verdict")
        expect(verdicts.first).to_be_visible()
        for box in [verdicts.nth(i).bounding_box() for i in range(verdicts.count())]:
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the page scrolls sideways by {overflow}px at {width}px"
        shot(page, f"compare-verdict-{width}")
        context.close()

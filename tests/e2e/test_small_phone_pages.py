"""The new ways of training on a small phone (360×640), as each kind of person reaches them:
no page scrolls sideways, every control fits the screen and is big enough to tap (24 px,
WCAG 2.2 "target size"), and axe-core finds no serious violation. Detail pages are found by
following the links of the list pages, so a page added behind them is walked too."""

from __future__ import annotations

import re

from tests.e2e.conftest import assert_accessible, shot, sign_in

WIDTH = 360
# Where each person starts; from there, one page of each kind their links lead to.
TOURS = {
    "apprenant8@demo.test": ["/", "/journal", "/vr", "/relais", "/boussole", "/skills"],
    "formateur2@demo.test": ["/", "/vr"],
    "organisme@demo.test": ["/trainings", "/relais", "/relais/outcomes", "/skills/map"],
    "entreprise1@demo.test": ["/relais"],
    "coordination@demo.test": ["/", "/relais", "/relais/outcomes"],
    "admin@demo.test": ["/relais/coordinators"],
}
KINDS = [
    re.compile(pattern)
    for pattern in (
        r"^/iterations/\d+$",
        r"^/trainings/\d+$",
        r"^/sessions/\d+/capsule$",
        r"^/sessions/\d+/readiness$",
        r"^/sessions/\d+/pooling$",
        r"^/sessions/\d+/pooling/skills$",
        r"^/journal/entries/\d+$",
        r"^/vr/scenes/\d+$",
        r"^/relais/departures/\d+$",
        r"^/iterations/\d+/boussole$",
    )
]
# Visible controls of the page's main content, with their boxes. Checkboxes and radios are
# tapped through their labels, which are measured instead.
CONTROLS = """() => [...document.querySelectorAll(
    "main :is(button, a.button, [role=button], select, textarea, summary, label,"
    + " input:not([type=hidden], [type=checkbox], [type=radio]))"
  )].filter(e => e.checkVisibility()).map(e => {
    const r = e.getBoundingClientRect();
    return {what: e.outerHTML.slice(0, 90), left: r.left, right: r.right, w: r.width, h: r.height};
  })"""


HREFS = "links => links.map(a => a.getAttribute('href'))"


def small_phone(browser, server):
    context = browser.new_context(
        locale="fr-FR", base_url=server.url, viewport={"width": WIDTH, "height": 640},
        is_mobile=True, has_touch=True, bypass_csp=True,
    )  # fmt: skip
    return context.new_page()


def check_fits(page, path: str) -> int:
    response = page.goto(path)
    assert response is not None and response.ok, (path, response and response.status)
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH, path
    boxes = page.evaluate(CONTROLS)
    for box in boxes:
        assert box["left"] >= -1 and box["right"] <= WIDTH + 1, (path, box)
        if not box["what"].startswith("<label"):
            assert box["w"] >= 24 and box["h"] >= 24, (path, box)
    assert_accessible(page)
    return len(boxes)


def tour(page, starts: list[str]) -> dict[str, int]:
    """The start pages, then the first page of each kind their links (and its links) lead to;
    how many controls each page had."""
    queue, kinds, walked = list(starts), set(), {}
    while queue:
        path = queue.pop(0)
        walked[path] = check_fits(page, path)
        links = page.eval_on_selector_all(
            "main a[href]", "as => as.map(a => a.getAttribute('href'))"
        )
        for href in (link.split("#")[0] for link in links):
            kind = next((k.pattern for k in KINDS if k.match(href)), None)
            if kind is not None and kind not in kinds:
                kinds.add(kind)
                queue.append(href)
    return walked


def test_the_new_training_pages_fit_a_small_phone_for_every_role(browser, server):
    walked: dict[str, int] = {}
    for email, starts in TOURS.items():
        page = small_phone(browser, server)
        sign_in(page, email)
        walked |= tour(page, starts)
        shot(page, f"small-phone-{email.split('@')[0]}")
        page.context.close()
    # Every kind of page was reached through someone's links.
    assert {k.pattern for k in KINDS if any(k.match(path) for path in walked)} == {
        k.pattern for k in KINDS
    }, walked
    # The measuring query finds the forms' controls (a broken one would pass every page).
    assert sum(walked.values()) > 3 * len(walked), walked

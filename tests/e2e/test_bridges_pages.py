"""At phone size, a learner turns what blocks them before a session into a help request:
from the capsule, one link opens the help form filled with their answer; they choose the
skill and send it themselves."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, shot, sign_in
from tests.e2e.test_boussole_pages import phone  # a phone-sized page, axe allowed in

LEARNER = "apprenant9@demo.test"  # said what blocks them before the demo's flipped session
BLOCKING = "Je ne comprends pas comment relier une étiquette à son champ avec for et id."


def test_a_blocking_point_becomes_a_help_request_the_learner_sends(browser, server):
    learner = phone(browser, server)
    sign_in(learner, LEARNER)
    learner.get_by_role("link", name="À explorer avant").first.click()
    blocking = learner.locator("#blocking")
    expect(blocking.get_by_label("Votre réponse")).to_have_value(BLOCKING)
    bridges = blocking.get_by_role("navigation", name="Demander de l'aide ou proposer un projet")
    assert_accessible(learner)
    bridges.get_by_role("link", name="Demander de l'aide à ce sujet").click()

    form = learner.locator("form[action='/help']")
    expect(form.get_by_label("Ce dont vous avez besoin")).to_have_value(BLOCKING)
    assert_accessible(learner)
    shot(learner, "bridge-help-390")
    form.get_by_label("Compétence").select_option(label="Accessibilité numérique")
    form.get_by_role("button", name="Demander à mes pairs").click()
    expect(learner).to_have_url(re.compile(r"/help/\d+$"))
    expect(learner.get_by_text(BLOCKING)).to_be_visible()

"""Every route of job rotation, for every kind of person it concerns: who is let through
and who is told nothing is there. A request let through may still be refused as a form
(422: these posts carry no fields), but never answered 5xx.

In the demo, departure 2 (entreprise1) has two candidates proposed, apprenant3 among them;
departure 3 (entreprise2) is filled: Julie Faure leaves it, apprenant5 replaces her."""

from __future__ import annotations

import re

import pytest
from sqlmodel import col, select
from starlette.routing import Route

from community.areas import AREAS
from community.models import EligibilityItem, RotationCompany
from tests import test_rotation
from tests.conftest import make_client
from tests.helpers import csrf_token, sign_in, staff_of_another_provider
from tests.test_rotation import COMPANY, OTHER_COMPANY, STAFF, proposal_of
from tests.test_rotation_region import coordinator_elsewhere

person = test_rotation.person

EMAILS = {
    "company of the departure": COMPANY,
    "other company": OTHER_COMPANY,
    "coordinator": STAFF,
    "regional coordinator": "coordination@demo.test",
    "other provider's coordinator": "staff-b@b.test",
    "other region's coordinator": "region-c@c.test",
    "candidate": "apprenant3@demo.test",
    "other learner": "apprenant1@demo.test",
    "departing employee": "julie.faure@demo.test",
    "replacement": "apprenant5@demo.test",
    "admin": "admin@demo.test",
    "anonymous": "",
}
PASSWORDS = {"staff-b@b.test": "mot de passe b", "region-c@c.test": "mot de passe c"}
# An admin runs every provider's rotation, as the permission matrix says.
RUNS = frozenset({"coordinator", "regional coordinator", "admin"})
ANY_COORDINATOR = RUNS | {"other provider's coordinator", "other region's coordinator"}
COMPANIES = frozenset({"company of the departure", "other company"})
LEARNERS = frozenset({"candidate", "other learner", "departing employee", "replacement"})
SIGNED_IN = frozenset(EMAILS) - {"anonymous"}

# (method, path, who is let through). {proposal}, {company}, {item}: of departure 2.
ROUTES = [
    ("GET", "/relais", SIGNED_IN),
    ("GET", "/relais/departures/new", COMPANIES),
    ("GET", "/relais/departures/2", RUNS | {"company of the departure"}),
    ("GET", "/relais/departures/3", RUNS | {"other company", "departing employee", "replacement"}),
    ("GET", "/relais/outcomes", ANY_COORDINATOR),  # each their own providers' figures
    ("GET", "/relais/outcomes.csv", ANY_COORDINATOR),
    ("GET", "/relais/coordinators", {"admin"}),
    ("POST", "/relais/companies", ANY_COORDINATOR),  # each adds to their own provider
    ("POST", "/relais/companies/{company}/contacts", RUNS),
    ("POST", "/relais/departures", COMPANIES),
    ("POST", "/relais/departures/2/proposals", RUNS),
    ("POST", "/relais/proposals/{proposal}/company", {"company of the departure"}),
    ("POST", "/relais/proposals/{proposal}/candidate", {"candidate"}),
    ("POST", "/relais/departures/2/checklist", RUNS),
    ("POST", "/relais/checklist/{item}", RUNS),
    ("POST", "/relais/departures/2/ready", RUNS),
    ("POST", "/relais/departures/2/outcomes", RUNS),
    ("POST", "/relais/departures/2/employee", {"company of the departure"}),
    ("POST", "/relais/departures/3/handover", {"departing employee"}),
    ("POST", "/relais/departures/3/tutoring", {"departing employee"}),
    ("POST", "/relais/departures/2/onboarding", RUNS),
    ("POST", "/relais/coordinators", {"admin"}),
    ("POST", "/relais/pool", LEARNERS),
    ("POST", "/relais/pool/withdraw", LEARNERS),  # last: the candidate leaves the pool
]


SEGMENT = re.compile(r"\{[^}]+\}|\d+")  # a path parameter, or the id the matrix gives it


def test_the_matrix_names_every_route_of_the_area():
    area = next(a for a in AREAS if a.name == "rotation")
    declared = {
        (method, SEGMENT.sub("N", route.path))
        for route in area.routes
        if isinstance(route, Route)
        for method in route.methods or ()
        if method != "HEAD"
    }
    assert declared == {(method, SEGMENT.sub("N", path)) for method, path, _who in ROUTES}


async def _ids(db) -> dict[str, int]:
    async with db.session() as session:
        item = (
            await session.exec(
                select(EligibilityItem.id)
                .where(EligibilityItem.departure_id == 2)
                .order_by(col(EligibilityItem.id))
            )
        ).first()
        company = (
            await session.exec(
                select(RotationCompany.id).where(RotationCompany.name == "Aide à domicile du Rhône")
            )
        ).one()
    proposal = await proposal_of(db, 2, "apprenant3@demo.test")
    return {"proposal": proposal.id or 0, "company": company, "item": item or 0}


def _denied(response) -> bool:  # type: ignore[no-untyped-def]
    if response.status_code in (403, 404):
        return True
    return response.status_code in (302, 303) and "/signin" in response.headers["location"]


@pytest.mark.parametrize("who", EMAILS)
async def test_each_route_lets_through_exactly_those_it_concerns(app, db, demo_data, who):
    await staff_of_another_provider(db)
    await coordinator_elsewhere(db)
    ids = await _ids(db)
    async with make_client(app) as browser:
        email = EMAILS[who]
        if email:
            await sign_in(browser, email, PASSWORDS.get(email, "demo-ruche-2026"))
        token = await csrf_token(browser, "/relais" if email else "/signin")
        wrong = []
        for method, path, allowed in ROUTES:
            url = path.format(**ids)
            if method == "GET":
                response = await browser.get(url)
            else:
                response = await browser.post(url, data={"csrf_token": token})
            assert response.status_code < 500, (method, url, response.status_code)
            if _denied(response) == (who in allowed):
                wrong.append((method, url, response.status_code))
    assert not wrong, f"{who}: {wrong}"

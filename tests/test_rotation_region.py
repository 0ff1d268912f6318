"""Regional coordinators: appointed by an admin over several providers, they run the job
rotation of each provider of their region, one at a time, as its own staff do, and see
nothing of a provider outside it.

The demo's coordinator (coordination@demo.test) runs the rotation of the demo's provider
and of "Organisme Partenaire Isère", which has no partner company yet."""

from __future__ import annotations

import asyncio
from html import unescape

import pytest
from sqlmodel import col, func, select

from community import accounts, trainings
from community.accounts import Passwords
from community.areas import CHANNELS
from community.errors import NotFound
from community.models import (
    OutboxMail,
    Proposal,
    Provider,
    RegionCoordinator,
    Role,
    RotationCompany,
    User,
)
from community.rotation.demo import PARTNER_PROVIDER
from tests import test_rotation
from tests.conftest import make_client
from tests.helpers import csrf_token, sign_in
from tests.test_rotation import STAFF, user

person = test_rotation.person  # the same signed-in people, as a fixture here too
COORDINATOR = "coordination@demo.test"
ADMIN = "admin@demo.test"


async def provider_named(db, name: str) -> Provider:
    async with db.session() as session:
        return (await session.exec(select(Provider).where(Provider.name == name))).one()


async def region_of(db, email: str) -> set[int]:
    coordinator = await user(db, email)
    async with db.session() as session:
        query = select(RegionCoordinator.provider_id).where(
            RegionCoordinator.user_id == coordinator.id
        )
        return set(await session.exec(query))


async def coordinator_elsewhere(db) -> User:
    """Provider C, and a regional coordinator whose region holds only it."""
    async with db.session() as session:
        provider = await trainings.create_provider(session, "Organisme C")
        data = {
            "email": "region-c@c.test",
            "display_name": "Région C",
            "password": "mot de passe c",
        }
        coordinator = await accounts.sign_up(
            session, Passwords("fast"), data, locale="fr", role=Role.COORDINATOR
        )
        session.add(RegionCoordinator(user_id=coordinator.id or 0, provider_id=provider.id or 0))
        await session.commit()
        return coordinator


# --- running the rotation of each provider of the region -------------------------------------


async def test_the_coordinator_runs_the_demo_providers_board_and_proposes_a_candidate(person, db):
    coordinator = await person(COORDINATOR)
    board = (await coordinator.http.get("/relais")).text
    assert "Aide à domicile du Rhône" in board and "/relais/departures/1" in board
    assert PARTNER_PROVIDER in board  # the other provider of the region, one link away
    candidate = await user(db, "apprenant4@demo.test")
    page = (await coordinator.http.get("/relais/departures/1")).text
    assert "score" in page and candidate.display_name in page
    proposed = await coordinator.post(
        "/relais/departures/1/proposals", candidate_id=str(candidate.id)
    )
    assert proposed.status_code == 303
    async with db.session() as session:
        query = select(Proposal).where(
            Proposal.departure_id == 1, Proposal.candidate_id == candidate.id
        )
        assert (await session.exec(query)).one().score > 0
    outcomes = await coordinator.http.get("/relais/outcomes")
    assert outcomes.status_code == 200 and "Aide à domicile du Rhône" in outcomes.text


async def test_the_coordinator_switches_to_the_partner_provider_and_adds_its_first_company(
    person, db
):
    partner = await provider_named(db, PARTNER_PROVIDER)
    coordinator = await person(COORDINATOR)
    board = (await coordinator.http.get(f"/relais?provider={partner.id}")).text
    assert "Aide à domicile du Rhône" not in board
    assert "Pas encore d'entreprise partenaire" in unescape(board)
    added = await coordinator.post(
        "/relais/companies", name="Transports du Grésivaudan", provider_id=str(partner.id)
    )
    assert added.status_code == 303
    assert added.headers["location"] == f"/relais?provider={partner.id}"
    board = (await coordinator.http.get(f"/relais?provider={partner.id}")).text
    assert "Transports du Grésivaudan" in board
    demo_board = (await coordinator.http.get("/relais")).text
    assert "Transports du Grésivaudan" not in demo_board


async def test_a_provider_outside_the_region_or_a_malformed_one_is_not_there(person, db):
    await coordinator_elsewhere(db)
    outside = await provider_named(db, "Organisme C")
    coordinator = await person(COORDINATOR)
    for asked in (str(outside.id), "abc", "-1", "0", "99999999999999999999", "1.5"):
        assert (await coordinator.http.get(f"/relais?provider={asked}")).status_code == 404, asked
        outcomes = await coordinator.http.get(f"/relais/outcomes?provider={asked}")
        assert outcomes.status_code == 404, asked
    companies = await _companies(db)
    refused = await coordinator.post(
        "/relais/companies", name="Hors région", provider_id=str(outside.id)
    )
    assert refused.status_code == 404 and await _companies(db) == companies


async def _companies(db) -> int:
    async with db.session() as session:
        return (await session.exec(select(func.count(col(RotationCompany.id))))).one()


async def test_a_coordinator_of_another_region_sees_and_does_nothing_of_the_demo(app, person, db):
    await coordinator_elsewhere(db)
    async with make_client(app) as browser:
        await sign_in(browser, "region-c@c.test", "mot de passe c")
        assert (await browser.get("/relais/departures/1")).status_code == 404
        board = (await browser.get("/relais")).text
        assert "Aide à domicile du Rhône" not in board
        token = await csrf_token(browser)
        candidate = await user(db, "apprenant4@demo.test")
        data = {"candidate_id": str(candidate.id), "csrf_token": token}
        assert (await browser.post("/relais/departures/1/proposals", data=data)).status_code == 404
        assert (await browser.get("/relais/outcomes.csv")).status_code == 200
        assert "Aide à domicile" not in (await browser.get("/relais/outcomes.csv")).text


async def test_the_board_channel_is_heard_within_the_region_only(db, demo_data):
    elsewhere = await coordinator_elsewhere(db)
    regional = await user(db, COORDINATOR)
    staff = await user(db, STAFF)
    hears = CHANNELS["rotationboard"].authorize
    async with db.session() as session:
        assert await hears(session, regional, staff.provider_id or 0)
        assert not await hears(session, elsewhere, staff.provider_id or 0)
        departure = CHANNELS["rotation"].authorize
        assert await departure(session, regional, 1)
        with pytest.raises(NotFound):
            await departure(session, elsewhere, 1)


# --- appointing --------------------------------------------------------------------------------


async def test_an_admin_appoints_a_coordinator_who_is_invited_and_runs_the_rotation(person, db):
    admin = await person(ADMIN)
    page = await admin.http.get("/relais/coordinators")
    assert page.status_code == 200 and "Hélène Garnier" in page.text
    partner = await provider_named(db, PARTNER_PROVIDER)
    appointed = await admin.http.post(
        "/relais/coordinators",
        data={
            "display_name": "Yannick Région", "email": "yannick@region.test",
            "provider_ids": [str(partner.id)], "csrf_token": admin.token,
        },
    )  # fmt: skip
    assert appointed.status_code == 303
    assert await region_of(db, "yannick@region.test") == {partner.id}
    async with db.session() as session:
        mail = (
            await session.exec(
                select(OutboxMail).where(OutboxMail.to_address == "yannick@region.test")
            )
        ).one()
    assert mail.subject == "Vous coordonnez le relais dans Ruche"
    assert "/password/reset/" in mail.text_body


async def test_appointing_again_replaces_the_region(person, db):
    admin = await person(ADMIN)
    staff = await user(db, STAFF)
    changed = await admin.http.post(
        "/relais/coordinators",
        data={
            "display_name": "Hélène Garnier", "email": COORDINATOR,
            "provider_ids": [str(staff.provider_id)], "csrf_token": admin.token,
        },
    )  # fmt: skip
    assert changed.status_code == 303
    assert await region_of(db, COORDINATOR) == {staff.provider_id}
    coordinator = await person(COORDINATOR)
    assert PARTNER_PROVIDER not in (await coordinator.http.get("/relais")).text


async def test_a_bad_appointment_is_refused_with_why_and_writes_nothing(person, db):
    admin = await person(ADMIN)
    before = await region_of(db, COORDINATOR)
    cases = [
        ({"email": "new@region.test"}, "Choisissez au moins un organisme"),
        ({"email": "new@region.test", "provider_ids": ["abc"]}, "Choisissez au moins un organisme"),
        (
            {"email": "new@region.test", "provider_ids": ["99999"]},
            "Choisissez au moins un organisme",
        ),
        ({"email": "pas-une-adresse", "provider_ids": ["1"]}, "adresse"),
        (
            {"email": "apprenant1@demo.test", "provider_ids": ["1"]},
            "Cette adresse a déjà un compte",
        ),
        ({"email": STAFF, "provider_ids": ["1"]}, "Cette adresse a déjà un compte"),
        (
            {"email": COORDINATOR, "provider_ids": ["1", "99999"]},
            "Choisissez au moins un organisme",
        ),
    ]
    for change, said in cases:
        data = {"display_name": "Quelqu'un", "csrf_token": admin.token, **change}
        refused = await admin.http.post("/relais/coordinators", data=data)
        assert refused.status_code == 422, change
        assert said in unescape(refused.text), change
    async with db.session() as session:
        found = await session.exec(select(User).where(User.email == "new@region.test"))
        assert found.first() is None
    assert (await user(db, "apprenant1@demo.test")).role == Role.LEARNER
    assert await region_of(db, COORDINATOR) == before


@pytest.mark.parametrize(
    "email", [STAFF, COORDINATOR, "formateur1@demo.test", "apprenant1@demo.test"]
)
async def test_only_an_admin_opens_or_posts_the_appointments(person, db, email):
    someone = await person(email)
    assert (await someone.http.get("/relais/coordinators")).status_code == 404
    posted = await someone.http.post(
        "/relais/coordinators",
        data={
            "display_name": "X", "email": "x@region.test", "provider_ids": ["1"],
            "csrf_token": someone.token,
        },
    )  # fmt: skip
    assert posted.status_code == 404
    async with db.session() as session:
        assert (
            await session.exec(select(User).where(User.email == "x@region.test"))
        ).first() is None


async def test_two_admins_appointing_the_same_new_address_at_once_make_one_account(person, db):
    first, second = await person(ADMIN), await person(ADMIN)
    staff = await user(db, STAFF)

    def appoint(admin, provider: int):  # type: ignore[no-untyped-def]
        return admin.http.post(
            "/relais/coordinators",
            data={
                "display_name": "Deux fois", "email": "twice@region.test",
                "provider_ids": [str(provider)], "csrf_token": admin.token,
            },
        )  # fmt: skip

    partner = await provider_named(db, PARTNER_PROVIDER)
    answers = await asyncio.gather(
        appoint(first, staff.provider_id or 0), appoint(second, partner.id or 0)
    )
    assert sorted(a.status_code for a in answers) in ([303, 303], [303, 422])
    async with db.session() as session:
        made = await session.exec(select(User).where(User.email == "twice@region.test"))
        assert len(list(made)) == 1
    assert len(await region_of(db, "twice@region.test")) == 1


@pytest.mark.parametrize("email", [COORDINATOR, "entreprise1@demo.test"])
async def test_a_home_with_nothing_of_its_own_says_where_to_go(person, email):
    page = unescape((await (await person(email)).http.get("/")).text)
    places = page.split('id="places"', 1)
    assert len(places) == 2 and "Où aller" in places[1]
    assert 'href="/relais"' in places[1]

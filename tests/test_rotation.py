"""Job rotation through the app: a company contact invited by staff, departures with the
hour-for-hour check, the pool with its consent, candidates ranked with reasons in words,
proposals and both sides' answers, who sees what, and the one-replacement rule under races.

The demo holds two partner companies: entreprise1 (departures 1, open, and 2, two candidates
proposed) and entreprise2 (departure 3, filled), then past departures of both, followed to
their outcomes; apprenant3, 4, 5 and 8 are in the pool."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date, timedelta
from html import unescape

import httpx2
import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, func, select

import realtime
from community import i18n
from community.areas import CHANNELS
from community.errors import NotFound
from community.models import (
    Departure,
    MailToken,
    OutboxMail,
    PoolMember,
    Proposal,
    Skill,
    User,
)
from community.rotation import live, matching
from tests.conftest import make_client
from tests.helpers import csrf_token, post_form, sign_in, staff_of_another_provider
from tests.test_races import Person

STAFF = "organisme@demo.test"
COMPANY = "entreprise1@demo.test"
OTHER_COMPANY = "entreprise2@demo.test"


Sign = Callable[[str], Awaitable[Person]]


@pytest.fixture
async def person(app, demo_data) -> AsyncIterator[Sign]:
    opened: list[httpx2.AsyncClient] = []

    async def sign(email: str) -> Person:
        http = make_client(app)
        http.headers["Accept-Language"] = "fr"
        opened.append(http)
        await sign_in(http, email)
        return Person(http, await csrf_token(http))

    yield sign
    for http in opened:
        await http.aclose()


async def user(db, email: str) -> User:
    async with db.session() as session:
        return (await session.exec(select(User).where(User.email == email))).one()


async def proposal_of(db, departure_id: int, email: str) -> Proposal:
    candidate = await user(db, email)
    async with db.session() as session:
        query = select(Proposal).where(
            Proposal.departure_id == departure_id, Proposal.candidate_id == candidate.id
        )
        return (await session.exec(query)).one()


def departure_form(**changes: str) -> dict[str, str]:
    start = date.today() + timedelta(weeks=2)
    form = {
        "employee_name": "Karine Blanc", "employee_email": "", "post_title": "Agent·e d'entretien",
        "tasks": "Entretien des locaux", "shift": "Soirées", "site": "Lyon 3e",
        "site_postcode": "69003", "iteration_id": "", "training_name": "CAP Propreté",
        "starts_on": start.isoformat(), "ends_on": (start + timedelta(weeks=20)).isoformat(),
        "training_hours": "30", "replacement_hours": "35",
    }  # fmt: skip
    return {**form, **changes}


# --- a company contact -------------------------------------------------------------------


async def test_staff_invite_a_company_contact_who_chooses_a_password_from_the_mailed_link(
    person, db
):
    staff = await person(STAFF)
    assert (await staff.post("/relais/companies", name="Boulangerie Caron")).status_code == 303
    page = (await staff.http.get("/relais")).text
    ids = re.findall(r"/relais/companies/(\d+)/contacts", page)
    invited = await staff.post(
        f"/relais/companies/{max(ids, key=int)}/contacts",
        display_name="Paul Caron",
        email="paul@caron.test",
    )
    assert invited.status_code == 303
    async with db.session() as session:
        mail = (
            await session.exec(select(OutboxMail).where(OutboxMail.to_address == "paul@caron.test"))
        ).one()
        contact = (await session.exec(select(User).where(User.email == "paul@caron.test"))).one()
    assert contact.role == "company"
    link = re.search(r"/password/reset/([0-9a-f]+)", mail.text_body)
    assert link and "Boulangerie Caron" in mail.subject
    async with make_client(staff.http._transport.app) as browser:  # type: ignore[attr-defined]
        path = f"/password/reset/{link.group(1)}"
        chosen = await post_form(browser, path, {"password": "un mot de passe sûr"}, page=path)
        assert chosen.status_code in (200, 303)
        await sign_in(browser, "paul@caron.test", "un mot de passe sûr")
        hub = (await browser.get("/relais")).text
    assert "Boulangerie Caron" in hub and "/relais/departures/new" in hub


async def test_inviting_an_address_that_has_an_account_is_refused_in_french(person):
    staff = await person(STAFF)
    page = (await staff.http.get("/relais")).text
    company_id = re.findall(r"/relais/companies/(\d+)/contacts", page)[0]
    answer = await staff.post(
        f"/relais/companies/{company_id}/contacts", display_name="X", email="apprenant1@demo.test"
    )
    assert answer.status_code == 422
    assert "Cette adresse a déjà un compte" in answer.text


# --- departures ------------------------------------------------------------------------------


async def test_a_company_declares_a_departure_and_reads_the_hour_for_hour_check(person, db):
    company = await person(COMPANY)
    async with db.session() as session:
        first_aid = (
            await session.exec(select(Skill).where(Skill.name == "Premiers secours"))
        ).one()
    answer = await company.post(
        "/relais/departures", **departure_form(), skill_ids=str(first_aid.id)
    )
    assert answer.status_code == 303
    page = (await company.http.get(answer.headers["location"])).text
    # 20 weeks and a day (141 days): 30 h of training and 35 h of replacement a week.
    assert "Formation : 30 h par semaine pendant 20,1 semaines, 604 h en tout." in page
    assert "Heure pour heure : le remplacement couvre chaque heure de formation." in page
    assert "Premiers secours" in page


async def test_a_replacement_shorter_than_the_training_says_the_hours_not_covered(person):
    company = await person(COMPANY)
    answer = await company.post(
        "/relais/departures", **departure_form(training_hours="35", replacement_hours="20")
    )
    page = (await company.http.get(answer.headers["location"])).text
    assert "heures de formation ne sont pas couvertes par le remplacement" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {
                "ends_on": (date.today()).isoformat(),
                "starts_on": (date.today() + timedelta(days=30)).isoformat(),
            },
            "ends_on",
            "La fin est avant le début.",
        ),
        ({"training_hours": "60"}, "training_hours", "Saisissez un nombre entier de 1 à 48."),
        ({"replacement_hours": "0"}, "replacement_hours", "Saisissez un nombre entier de 1 à 48."),
        ({"replacement_hours": "٣"}, "replacement_hours", "Saisissez un nombre entier de 1 à 48."),
        ({"site_postcode": "6900"}, "site_postcode", "code postal à cinq chiffres"),
        ({"starts_on": "2026-02-30"}, "starts_on", "Indiquez une date."),
        (
            {"training_name": ""},
            "training_name",
            "Choisissez un groupe de Ruche ou nommez la formation.",
        ),
        ({"iteration_id": "999999"}, "iteration_id", "Choisissez l'une des options proposées."),
    ],
)
async def test_a_departure_form_refuses_bad_dates_and_hours_in_french(
    person, db, changes, field, message
):
    company = await person(COMPANY)
    count = select(func.count(col(Departure.id)))
    async with db.session() as session:
        before = (await session.exec(count)).one()
    answer = await company.post("/relais/departures", **departure_form(**changes))
    assert answer.status_code == 422
    assert f'id="e-{field}"' in answer.text and message in unescape(answer.text)
    async with db.session() as session:
        assert (await session.exec(count)).one() == before


async def test_a_departure_names_only_skills_of_the_provider(person):
    company = await person(COMPANY)
    answer = await company.post("/relais/departures", **departure_form(), skill_ids="99999")
    assert answer.status_code == 422 and 'id="e-skill_ids"' in answer.text


# --- who sees what ------------------------------------------------------------------------


async def test_a_company_sees_only_its_own_departures(person):
    mine, other = await person(COMPANY), await person(OTHER_COMPANY)
    hub = (await mine.http.get("/relais")).text
    assert "/relais/departures/1" in hub and "/relais/departures/2" in hub
    assert "/relais/departures/3" not in hub
    assert (await other.http.get("/relais/departures/1")).status_code == 404
    assert (await mine.http.get("/relais/departures/3")).status_code == 404
    assert (await other.http.get("/relais/departures/3")).status_code == 200


async def test_the_coordinator_of_another_provider_gets_404(app, demo_data, db):
    await staff_of_another_provider(db)
    async with make_client(app) as browser:
        await sign_in(browser, "staff-b@b.test", "mot de passe b")
        assert (await browser.get("/relais/departures/1")).status_code == 404
        token = await csrf_token(browser)
        candidate = await user(db, "apprenant1@demo.test")
        data = {"candidate_id": str(candidate.id), "csrf_token": token}
        assert (await browser.post("/relais/departures/1/proposals", data=data)).status_code == 404
        board = (await browser.get("/relais")).text
    assert "Aide à domicile du Rhône" not in board


async def test_learners_see_only_their_own_rotation(person, db):
    proposed, other = await person("apprenant3@demo.test"), await person("apprenant1@demo.test")
    assert "Aide à domicile du Rhône" in (await proposed.http.get("/relais")).text
    assert "Aide à domicile du Rhône" not in (await other.http.get("/relais")).text
    assert (await proposed.http.get("/relais/departures/2")).status_code == 404
    mine = await proposal_of(db, 2, "apprenant3@demo.test")
    # Another learner cannot answer for them.
    answer = await other.post(f"/relais/proposals/{mine.id}/candidate", decision="accepted")
    assert answer.status_code == 404
    assert (await proposal_of(db, 2, "apprenant3@demo.test")).candidate_decision == "pending"


async def test_only_those_who_see_a_departure_hear_its_channel(db, demo_data):
    hears = CHANNELS["rotation"].authorize
    async with db.session() as session:
        company = (await session.exec(select(User).where(User.email == COMPANY))).one()
        other = (await session.exec(select(User).where(User.email == OTHER_COMPANY))).one()
        staff = (await session.exec(select(User).where(User.email == STAFF))).one()
        assert await hears(session, company, 1) and await hears(session, staff, 1)
        with pytest.raises(NotFound):
            await hears(session, other, 1)
        assert await CHANNELS["rotationboard"].authorize(session, staff, staff.provider_id or 0)
        assert not await CHANNELS["rotationboard"].authorize(session, company, 1)


# --- the pool and the ranking ----------------------------------------------------------------


async def test_the_coordinator_sees_candidates_ranked_with_reasons_in_words(person):
    staff = await person(STAFF)
    page = (await staff.http.get("/relais/departures/1")).text
    ranked = re.findall(r"<h3>(?:<bdi>)?([^<]+?)(?:</bdi>)? — score (\d+) / 100</h3>", page)
    names = [name for name, _score in ranked]
    scores = [int(score) for _name, score in ranked]
    assert scores == sorted(scores, reverse=True) and names[0] == "Chloé Dubois"
    assert "Compétences : 3 sur 3." in page
    assert "Habite dans la commune du site." in page
    assert "Habite dans un autre département (38)." in page


def test_a_skill_written_loosely_matches_the_catalogue_and_another_does_not():
    departure = Departure(
        company_id=1, post_title="Aide", site_postcode="69100", starts_on=date(2026, 3, 2),
        ends_on=date(2026, 9, 1), training_hours=28, replacement_hours=24,
    )  # fmt: skip
    needed = [Skill(provider_id=1, name="Premiers secours"), Skill(provider_id=1, name="SQL")]
    member = PoolMember(
        user_id=1, provider_id=1, skills="premier secour, cuisine", available_from=date(2026, 3, 9),
        hours_per_week=20, postcode="69100", travel_km=5,
    )  # fmt: skip
    with i18n.using("en"):
        points, reasons = matching.score(departure, needed, member)
    assert "Skills: 1 of 2." in reasons[0] and "Premiers secours" in reasons[0]
    assert "Lacks: SQL." in reasons[0]
    assert "7 days after the start" in reasons[1]
    assert "the post needs 24" in reasons[2]
    assert points == 30 + 0 + 0 + 15


async def test_a_learner_opts_in_with_consent_and_withdraws(person, db):
    learner = await person("apprenant2@demo.test")
    form = {"skills": "HTML, CSS", "available_from": date.today().isoformat(),
            "hours_per_week": "35", "postcode": "69007", "travel_km": "20"}  # fmt: skip
    refused = await learner.post("/relais/pool", **form)
    assert refused.status_code == 422 and "Cochez la case pour donner votre accord." in refused.text
    assert (await learner.post("/relais/pool", **form, consent="yes")).status_code == 303
    me = await user(db, "apprenant2@demo.test")
    async with db.session() as session:
        member = (await session.exec(select(PoolMember).where(PoolMember.user_id == me.id))).one()
    assert member.consented_at is not None and member.withdrawn_at is None
    staff = await person(STAFF)
    assert "Lucas Martin" in (await staff.http.get("/relais/departures/1")).text
    assert (await learner.post("/relais/pool/withdraw")).status_code == 303
    assert "Lucas Martin" not in (await staff.http.get("/relais/departures/1")).text
    proposed = await staff.post("/relais/departures/1/proposals", candidate_id=str(me.id))
    assert proposed.status_code == 422


async def test_staff_and_companies_cannot_join_the_pool(person):
    for email in (STAFF, COMPANY):
        someone = await person(email)
        answer = await someone.post("/relais/pool", skills="x", available_from="2026-03-02",
                                    hours_per_week="10", postcode="69003", travel_km="5",
                                    consent="yes")  # fmt: skip
        assert answer.status_code == 403


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("postcode", "abcde"),
        ("hours_per_week", "99"),
        ("travel_km", "-1"),
        ("available_from", "0001-01-01"),
        ("skills", "a\x00b"),
    ],
)
async def test_the_pool_form_refuses_malformed_input_in_french(person, field, value):
    learner = await person("apprenant2@demo.test")
    form = {"skills": "HTML", "available_from": date.today().isoformat(), "hours_per_week": "35",
            "postcode": "69007", "travel_km": "20", "consent": "yes", field: value}  # fmt: skip
    answer = await learner.post("/relais/pool", **form)
    assert answer.status_code == 422 and f'id="e-{field}"' in answer.text


# --- proposals and answers -------------------------------------------------------------------


async def test_the_address_reaches_the_company_only_once_both_accepted(person, db):
    company, candidate = await person(COMPANY), await person("apprenant3@demo.test")
    address = "apprenant3@demo.test"
    assert address not in (await company.http.get("/relais/departures/2")).text
    mine = await proposal_of(db, 2, address)
    assert (
        await candidate.post(f"/relais/proposals/{mine.id}/candidate", decision="accepted")
    ).status_code == 303
    assert address not in (await company.http.get("/relais/departures/2")).text
    assert (
        await company.post(f"/relais/proposals/{mine.id}/company", decision="accepted")
    ).status_code == 303
    page = (await company.http.get("/relais/departures/2")).text
    assert f"mailto:{address}" in page and "Remplaçant·e trouvé·e" in page
    assert "Acceptation des deux côtés" in (await candidate.http.get("/relais")).text


async def test_a_filled_departure_refuses_another_acceptance_in_french(person, db):
    company = await person(COMPANY)
    first, second = (
        await proposal_of(db, 2, "apprenant3@demo.test"),
        await proposal_of(db, 2, "apprenant4@demo.test"),
    )
    for email, proposal in (("apprenant3@demo.test", first), ("apprenant4@demo.test", second)):
        candidate = await person(email)
        await candidate.post(f"/relais/proposals/{proposal.id}/candidate", decision="accepted")
    assert (
        await company.post(f"/relais/proposals/{first.id}/company", decision="accepted")
    ).status_code == 303
    again = await company.post(f"/relais/proposals/{second.id}/company", decision="accepted")
    assert again.status_code == 422
    assert "Ce départ a déjà son remplaçant ou sa remplaçante." in again.text


async def test_an_answer_is_given_once_and_must_be_one_of_the_two(person, db):
    candidate = await person("apprenant4@demo.test")
    mine = await proposal_of(db, 2, "apprenant4@demo.test")
    path = f"/relais/proposals/{mine.id}/candidate"
    assert (await candidate.post(path, decision="maybe")).status_code == 422
    assert (await candidate.post(path, decision="declined")).status_code == 303
    again = await candidate.post(path, decision="accepted")
    assert again.status_code == 422 and "Cette réponse a déjà été donnée." in again.text
    assert (
        await candidate.post("/relais/proposals/99999/candidate", decision="accepted")
    ).status_code == 404


async def test_proposing_twice_or_someone_outside_the_pool_is_refused(person, db):
    staff = await person(STAFF)
    proposed = await user(db, "apprenant3@demo.test")
    twice = await staff.post("/relais/departures/2/proposals", candidate_id=str(proposed.id))
    assert twice.status_code == 422 and "déjà proposée" in twice.text
    outsider = await user(db, "apprenant1@demo.test")
    answer = await staff.post("/relais/departures/1/proposals", candidate_id=str(outsider.id))
    assert answer.status_code == 422
    assert (await staff.post("/relais/departures/1/proposals", candidate_id="x")).status_code == 422


async def test_an_answer_nudges_the_departure_the_board_and_the_candidate(person, db):
    candidate = await person("apprenant3@demo.test")
    me = await user(db, "apprenant3@demo.test")
    staff = await user(db, STAFF)
    channels = (
        live.departure_channel(2),
        live.board_channel(staff.provider_id or 0),
        live.own_channel(me.id or 0),
    )
    async with db.session() as session:
        before = [await realtime.last_seq(session, channel) for channel in channels]
    mine = await proposal_of(db, 2, "apprenant3@demo.test")
    await candidate.post(f"/relais/proposals/{mine.id}/candidate", decision="accepted")
    async with db.session() as session:
        after = [await realtime.last_seq(session, channel) for channel in channels]
    assert after == [seq + 1 for seq in before]


# --- one accepted replacement per departure, held by the database ----------------------------

ROUNDS = 8


async def test_two_acceptances_at_the_same_moment_fill_a_departure_once(person, db):
    """On PostgreSQL in CI: each round, a new departure with two candidates the company
    accepted; both candidates accept at the same instant. One replacement, no 5xx."""
    company, staff = await person(COMPANY), await person(STAFF)
    first, second = await person("apprenant3@demo.test"), await person("apprenant4@demo.test")
    ids = [(await user(db, f"apprenant{n}@demo.test")).id for n in (3, 4)]
    for round_ in range(ROUNDS):
        declared = await company.post(
            "/relais/departures", **departure_form(post_title=f"Poste {round_}")
        )
        departure_id = int(declared.headers["location"].rsplit("/", 1)[1])
        for candidate_id in ids:
            answer = await staff.post(
                f"/relais/departures/{departure_id}/proposals", candidate_id=str(candidate_id)
            )
            assert answer.status_code == 303
        proposals = [await proposal_of(db, departure_id, f"apprenant{n}@demo.test") for n in (3, 4)]
        for proposal in proposals:
            assert (
                await company.post(f"/relais/proposals/{proposal.id}/company", decision="accepted")
            ).status_code == 303
        answers = await asyncio.gather(
            *(who.post(f"/relais/proposals/{p.id}/candidate", decision="accepted")
              for who, p in zip((first, second), proposals, strict=True))
        )  # fmt: skip
        assert sorted(a.status_code for a in answers) == [303, 422]
        async with db.session() as session:
            filled = select(func.count(col(Proposal.id))).where(
                Proposal.departure_id == departure_id, col(Proposal.both_accepted)
            )
            assert (await session.exec(filled)).one() == 1


async def test_the_database_itself_refuses_a_second_accepted_replacement(db, demo_data):
    """Past the lock, the partial unique index still holds the rule."""
    async with db.session() as session:
        done = (await session.exec(select(Proposal).where(col(Proposal.both_accepted)))).first()
        assert done is not None
        extra = await user(db, "apprenant8@demo.test")
        session.add(Proposal(departure_id=done.departure_id, candidate_id=extra.id or 0,
                             company_decision="accepted", candidate_decision="accepted",
                             both_accepted=True))  # fmt: skip
        with pytest.raises(IntegrityError):
            await session.flush()


async def test_an_invitation_link_lasts_a_week(person, db):
    staff = await person(STAFF)
    page = (await staff.http.get("/relais")).text
    company_id = re.findall(r"/relais/companies/(\d+)/contacts", page)[0]
    await staff.post(
        f"/relais/companies/{company_id}/contacts", display_name="Eve", email="eve@x.test"
    )
    eve = await user(db, "eve@x.test")
    async with db.session() as session:
        token = (await session.exec(select(MailToken).where(MailToken.user_id == eve.id))).one()
    assert timedelta(days=6, hours=23) < token.expires_at - token.created_at <= timedelta(days=7)

"""The departing employee in Ruche: named by the company (linked or invited), their own
rotation page and nobody else's, the handover their replacement reads once both sides
accepted, the tutoring they give counted in the tutoring ledger, and both journeys.

In the demo, Julie Faure (julie.faure@demo.test) leaves the filled departure of entreprise2,
replaced by apprenant5; she wrote a handover and noted one 1 h 30 session."""

from __future__ import annotations

from datetime import date, timedelta
from html import unescape

from sqlmodel import col, func, select

from community.models import Departure, Handover, HelpRequest, OutboxMail, User
from community.tutoring.ledger import ledger
from tests import test_rotation
from tests.test_rotation import COMPANY, OTHER_COMPANY, STAFF, user

person = test_rotation.person  # the same signed-in people, as a fixture here too
EMPLOYEE = "julie.faure@demo.test"
REPLACEMENT = "apprenant5@demo.test"


async def departure_of(db, name: str) -> Departure:
    async with db.session() as session:
        query = select(Departure).where(Departure.employee_name == name)
        return (await session.exec(query.order_by(col(Departure.id)))).first()


async def sessions(db) -> int:
    async with db.session() as session:
        return (await session.exec(select(func.count(col(HelpRequest.id))))).one()


def tutoring_form(skill: int, **changes: str) -> dict[str, str]:
    form = {
        "tutored_on": date.today().isoformat(), "duration": "60",
        "skill_id": str(skill), "topic": "Les mises en ligne du vendredi",
    }  # fmt: skip
    return {**form, **changes}


async def first_skill(db, departure_id: int) -> int:
    from community.rotation.departures import skills_of

    async with db.session() as session:
        return (await skills_of(session, departure_id))[0].id or 0


# --- who sees the rotation page -----------------------------------------------------------


async def test_the_employee_and_the_replacement_see_the_page_with_handover_and_journeys(person, db):
    departure = await departure_of(db, "Julie Faure")
    path = f"/relais/departures/{departure.id}"
    for email in (EMPLOYEE, REPLACEMENT, OTHER_COMPANY, STAFF):
        page = (await (await person(email)).http.get(path)).text
        assert "Tester au clavier avant chaque mise en ligne" in page, email
        assert "Prochaine étape :" in page and "Tutorat donné : 1 h 30" in page
        assert "Intégration : 1 h 30 de tutorat reçues" in page


async def test_a_learner_sees_only_their_own_rotation_and_others_get_404(person, db):
    filled = await departure_of(db, "Julie Faure")
    proposed = await departure_of(db, "Patrick Morel")
    other = await person("apprenant3@demo.test")  # proposed for the second, not accepted
    assert (await other.http.get(f"/relais/departures/{filled.id}")).status_code == 404
    assert (await other.http.get(f"/relais/departures/{proposed.id}")).status_code == 404
    employee = await person(EMPLOYEE)
    assert (await employee.http.get(f"/relais/departures/{proposed.id}")).status_code == 404
    assert (
        await (await person(COMPANY)).http.get(f"/relais/departures/{filled.id}")
    ).status_code == 404
    hub = (await employee.http.get("/relais")).text
    assert f"/relais/departures/{filled.id}" in hub


async def test_the_employee_sees_the_accepted_replacement_never_the_other_candidates(person, db):
    departure = await departure_of(db, "Julie Faure")
    page = (await (await person(EMPLOYEE)).http.get(f"/relais/departures/{departure.id}")).text
    replacing = await user(db, REPLACEMENT)
    assert replacing.display_name in page
    assert "Liste de vérification" not in page  # the coordinator's checklist is not theirs


# --- naming the employee ------------------------------------------------------------------


async def test_the_company_invites_an_employee_who_gets_a_mail_and_sees_their_departure(person, db):
    departure = await departure_of(db, "Sylvie Roche")
    company = await person(COMPANY)
    named = await company.post(
        f"/relais/departures/{departure.id}/employee",
        display_name="Sylvie Roche", email="sylvie@aide.test",
    )  # fmt: skip
    assert named.status_code == 303
    async with db.session() as session:
        mail = (
            await session.exec(
                select(OutboxMail).where(OutboxMail.to_address == "sylvie@aide.test")
            )
        ).one()
        invited = (await session.exec(select(User).where(User.email == "sylvie@aide.test"))).one()
        assert "/password/reset/" in mail.text_body
        assert mail.subject == "Votre départ en formation dans Ruche"
        assert (await session.get(Departure, departure.id)).employee_id == invited.id


async def test_the_company_links_an_existing_learner_and_refuses_an_outside_account(person, db):
    departure = await departure_of(db, "Patrick Morel")
    company = await person(COMPANY)
    path = f"/relais/departures/{departure.id}/employee"
    refused = await company.post(path, display_name="X", email=OTHER_COMPANY)
    assert refused.status_code == 422 and "Cette adresse a déjà un compte" in refused.text
    assert (await departure_of(db, "Patrick Morel")).employee_id is None
    linked = await company.post(path, display_name="Léa", email="apprenant2@demo.test")
    assert linked.status_code == 303
    learner = await user(db, "apprenant2@demo.test")
    assert (await departure_of(db, "Patrick Morel")).employee_id == learner.id
    again = await company.post(path, display_name="Léa", email="apprenant6@demo.test")
    assert again.status_code == 422 and "nomme déjà" in again.text


async def test_only_the_company_of_the_departure_names_its_employee(person, db):
    departure = await departure_of(db, "Sylvie Roche")
    path = f"/relais/departures/{departure.id}/employee"
    for email in (OTHER_COMPANY, STAFF, "apprenant1@demo.test"):
        refused = await (await person(email)).post(path, display_name="Z", email="z@z.test")
        assert refused.status_code == 404, email
    assert (await departure_of(db, "Sylvie Roche")).employee_id is None


# --- the handover -------------------------------------------------------------------------


async def test_the_employee_rewrites_the_handover_and_a_too_long_text_changes_nothing(person, db):
    departure = await departure_of(db, "Julie Faure")
    employee = await person(EMPLOYEE)
    path = f"/relais/departures/{departure.id}/handover"
    long = await employee.post(path, tasks="x" * 2001, contacts="c", tricks="t")
    assert long.status_code == 422 and "2000" in long.text
    empty = await employee.post(path, tasks="", contacts="", tricks="")
    assert empty.status_code == 422 and "Écrivez au moins une partie" in empty.text
    async with db.session() as session:
        kept = await session.get(Handover, departure.id)
        assert kept is not None and kept.tasks.startswith("Intégrer les maquettes")
    saved = await employee.post(path, tasks="Nouvelles tâches", contacts="", tricks="")
    assert saved.status_code == 303
    async with db.session() as session:
        assert (await session.get(Handover, departure.id)).tasks == "Nouvelles tâches"


async def test_nobody_but_the_employee_writes_the_handover(person, db):
    departure = await departure_of(db, "Julie Faure")
    path = f"/relais/departures/{departure.id}/handover"
    for email in (REPLACEMENT, OTHER_COMPANY, STAFF, "apprenant3@demo.test"):
        refused = await (await person(email)).post(path, tasks="Pris", contacts="", tricks="")
        assert refused.status_code == 404, email
    async with db.session() as session:
        assert (await session.get(Handover, departure.id)).tasks != "Pris"


# --- tutoring the replacement -------------------------------------------------------------


async def test_a_logged_session_counts_in_both_tutoring_ledgers_and_shows_on_the_page(person, db):
    departure = await departure_of(db, "Julie Faure")
    tutor, learner = await user(db, EMPLOYEE), await user(db, REPLACEMENT)
    async with db.session() as session:
        before = (await ledger(session, tutor), await ledger(session, learner))
    employee = await person(EMPLOYEE)
    form = tutoring_form(await first_skill(db, departure.id), topic="Les sauvegardes")
    logged = await employee.post(f"/relais/departures/{departure.id}/tutoring", **form)
    assert logged.status_code == 303
    async with db.session() as session:
        given, received = await ledger(session, tutor), await ledger(session, learner)
    assert given.given_minutes == before[0].given_minutes + 60
    assert received.received_minutes == before[1].received_minutes + 60
    page = (await employee.http.get(f"/relais/departures/{departure.id}")).text
    assert "Les sauvegardes" in page


async def test_a_session_in_the_future_or_with_malformed_fields_is_refused_and_not_written(
    person, db
):
    departure = await departure_of(db, "Julie Faure")
    skill = await first_skill(db, departure.id)
    employee = await person(EMPLOYEE)
    path = f"/relais/departures/{departure.id}/tutoring"
    counted = await sessions(db)
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    cases = [
        ({"tutored_on": tomorrow}, "une fois qu'elle a eu lieu"),
        ({"tutored_on": "2020-01-01"}, "dans les trois mois avant"),
        ({"tutored_on": "31/02/2026"}, "date"),
        ({"duration": "0"}, "option"),
        ({"duration": "6000"}, "option"),
        ({"skill_id": "abc"}, "option"),
        ({"skill_id": "99999999999999999999"}, "option"),
        ({"topic": ""}, "obligatoire"),
    ]
    for change, said in cases:
        refused = await employee.post(path, **tutoring_form(skill, **change))
        assert refused.status_code == 422, change
        assert said in unescape(refused.text), change
    assert await sessions(db) == counted


async def test_a_training_outside_ruche_notes_tutoring_in_the_onboarding_group_or_says_why_not(
    person, db
):
    departure = await departure_of(db, "Julie Faure")
    onboarding = departure.onboarding_iteration_id
    assert onboarding is not None
    await _train_outside(db, departure.id, onboarding=None)
    employee = await person(EMPLOYEE)
    path = f"/relais/departures/{departure.id}/tutoring"
    form = tutoring_form(await first_skill(db, departure.id), topic="Le planning des tournées")
    counted = await sessions(db)
    refused = await employee.post(path, **form)
    assert refused.status_code == 422 and "ou l'intégration est un groupe" in unescape(refused.text)
    assert await sessions(db) == counted
    await _train_outside(db, departure.id, onboarding=onboarding)
    assert (await employee.post(path, **form)).status_code == 303
    async with db.session() as session:
        noted = (
            await session.exec(
                select(HelpRequest).where(HelpRequest.description == "Le planning des tournées")
            )
        ).one()
    assert noted.iteration_id == onboarding


async def _train_outside(db, departure_id: int, onboarding: int | None) -> None:
    """The employee's training becomes one outside Ruche; the onboarding group as given."""
    async with db.session() as session:
        departure = await session.get(Departure, departure_id)
        departure.iteration_id, departure.training_name = None, "Titre professionnel ailleurs"
        departure.onboarding_iteration_id = onboarding
        session.add(departure)
        await session.commit()


async def test_only_the_employee_logs_tutoring_and_only_once_a_replacement_is_chosen(person, db):
    departure = await departure_of(db, "Julie Faure")
    form = tutoring_form(await first_skill(db, departure.id))
    counted = await sessions(db)
    for email in (REPLACEMENT, OTHER_COMPANY, STAFF, "apprenant3@demo.test"):
        path = f"/relais/departures/{departure.id}/tutoring"
        assert (await (await person(email)).post(path, **form)).status_code == 404, email
    open_one = await departure_of(db, "Sylvie Roche")
    company = await person(COMPANY)
    await company.post(
        f"/relais/departures/{open_one.id}/employee",
        display_name="Léa", email="apprenant2@demo.test",
    )  # fmt: skip
    learner = await person("apprenant2@demo.test")
    early = await learner.post(f"/relais/departures/{open_one.id}/tutoring", **form)
    assert early.status_code == 422 and "pas encore choisi" in early.text
    assert await sessions(db) == counted

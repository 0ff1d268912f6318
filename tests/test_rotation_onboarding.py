"""The replacement's onboarding group: chosen by the provider's coordinators among its own
current groups, the replacement enrolled in it once both sides accepted (through the groups'
own enrolment, once), and the timeline naming the group and its first session.

In the demo, apprenant5 replaces Julie Faure (entreprise2) and is onboarded in a group."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from html import unescape

import pytest
from sqlmodel import col, func, select

from community import i18n
from community.i18n import show_date
from community.models import (
    CourseSession,
    Departure,
    Enrolment,
    EnrolmentRole,
    Iteration,
    Training,
    User,
)
from tests import test_rotation
from tests.conftest import make_client
from tests.helpers import csrf_token, learner_of_another_provider, sign_in
from tests.test_rotation import COMPANY, OTHER_COMPANY, STAFF, departure_form, proposal_of, user

person = test_rotation.person  # the same signed-in people, as a fixture here too
CANDIDATE = "apprenant3@demo.test"
REFUSED = "Choisissez l'une des options proposées."


async def new_group(db, name: str, first_session: date) -> int:
    """A group of the demo provider's first training nobody is enrolled in yet, with one
    session on `first_session` and a later one."""
    async with db.session() as session:
        staff = await user(db, STAFF)
        query = select(Training).where(Training.provider_id == staff.provider_id)
        training = (await session.exec(query.order_by(col(Training.id)))).first()
        group = Iteration(
            training_id=training.id, name=name, starts_on=first_session,
            ends_on=first_session + timedelta(weeks=20),
        )  # fmt: skip
        session.add(group)
        await session.flush()
        for offset in (0, 7):
            at = datetime.combine(first_session + timedelta(days=offset), time(9), tzinfo=UTC)
            session.add(CourseSession(iteration_id=group.id, title="Accueil", starts_at=at,
                                      ends_at=at + timedelta(hours=3)))  # fmt: skip
        await session.commit()
        return group.id or 0


async def declared(person, title: str) -> int:
    """A new departure of entreprise1, nobody proposed yet."""
    company = await person(COMPANY)
    answer = await company.post("/relais/departures", **departure_form(post_title=title))
    return int(answer.headers["location"].rsplit("/", 1)[1])


async def propose(person, db, departure_id: int) -> int:
    """apprenant3 proposed for the departure; the proposal's id."""
    staff = await person(STAFF)
    candidate = await user(db, CANDIDATE)
    path = f"/relais/departures/{departure_id}/proposals"
    assert (await staff.post(path, candidate_id=str(candidate.id))).status_code == 303
    return (await proposal_of(db, departure_id, CANDIDATE)).id or 0


async def onboarding_of(db, departure_id: int) -> int | None:
    async with db.session() as session:
        return (await session.get(Departure, departure_id)).onboarding_iteration_id


async def enrolments(db, iteration_id: int, person: User) -> list[Enrolment]:
    async with db.session() as session:
        query = select(Enrolment).where(
            Enrolment.iteration_id == iteration_id, Enrolment.user_id == person.id
        )
        return list(await session.exec(query))


# --- who chooses the group ------------------------------------------------------------------


async def test_only_the_providers_coordinators_choose_the_group_others_get_404(app, person, db):
    departure_id = await declared(person, "Poste à intégrer")
    await propose(person, db, departure_id)
    group = await new_group(db, "Intégration A", date.today() + timedelta(days=10))
    path = f"/relais/departures/{departure_id}/onboarding"
    for email in (COMPANY, CANDIDATE, OTHER_COMPANY):
        refused = await (await person(email)).post(path, onboarding_iteration_id=str(group))
        assert refused.status_code == 404, email
    await _other_provider(db)
    async with make_client(app) as http:
        await sign_in(http, "staff@b.test", "mot de passe b")
        data = {"onboarding_iteration_id": str(group), "csrf_token": await csrf_token(http)}
        assert (await http.post(path, data=data)).status_code == 404
    assert await onboarding_of(db, departure_id) is None
    chosen = await (await person(STAFF)).post(path, onboarding_iteration_id=str(group))
    assert chosen.status_code == 303
    assert await onboarding_of(db, departure_id) == group


async def _other_provider(db) -> tuple[User, User]:
    async with db.session() as session:
        staff, learner = await learner_of_another_provider(session, "b@b.test", "Bea")
        await session.commit()
        return staff, learner


async def _other_group(db) -> int:
    await _other_provider(db)
    async with db.session() as session:
        query = select(Iteration.id).where(Iteration.name == "B1")
        return (await session.exec(query)).one() or 0


@pytest.mark.parametrize("kind", ["other provider", "unknown", "malformed", "empty"])
async def test_another_providers_group_or_a_bad_id_is_refused_in_french_and_changes_nothing(
    person, db, kind
):
    departure_id = await declared(person, "Poste à intégrer")
    kept = await new_group(db, "Intégration B", date.today() + timedelta(days=10))
    staff = await person(STAFF)
    path = f"/relais/departures/{departure_id}/onboarding"
    assert (await staff.post(path, onboarding_iteration_id=str(kept))).status_code == 303
    given = {
        "other provider": str(await _other_group(db)) if kind == "other provider" else "",
        "unknown": "999999", "malformed": "12abc", "empty": "",
    }[kind]  # fmt: skip
    refused = await staff.post(path, onboarding_iteration_id=given)
    assert refused.status_code == 422
    assert 'id="e-onboarding_iteration_id"' in refused.text and REFUSED in unescape(refused.text)
    assert await onboarding_of(db, departure_id) == kept


# --- enrolment --------------------------------------------------------------------------------


async def test_two_acceptances_at_the_same_moment_enrol_the_replacement_once(person, db):
    """On PostgreSQL in CI: the company and the candidate accept at the same instant; the
    replacement is a learner of the group, enrolled once."""
    company, candidate = await person(COMPANY), await person(CANDIDATE)
    staff = await person(STAFF)
    replacing = await user(db, CANDIDATE)
    for round_ in range(4):
        departure_id = await declared(person, f"Poste {round_}")
        group = await new_group(db, f"Intégration {round_}", date.today() + timedelta(days=3))
        path = f"/relais/departures/{departure_id}/onboarding"
        assert (await staff.post(path, onboarding_iteration_id=str(group))).status_code == 303
        proposal_id = await propose(person, db, departure_id)
        assert await enrolments(db, group, replacing) == []  # proposed is not enrolled
        answers = await asyncio.gather(
            company.post(f"/relais/proposals/{proposal_id}/company", decision="accepted"),
            candidate.post(f"/relais/proposals/{proposal_id}/candidate", decision="accepted"),
        )
        assert [a.status_code for a in answers] == [303, 303]
        enrolled = await enrolments(db, group, replacing)
        assert [e.role for e in enrolled] == [EnrolmentRole.LEARNER]


async def test_a_group_set_after_acceptance_enrols_the_replacement_and_then_stays(person, db):
    departure_id = await declared(person, "Poste pourvu")
    proposal_id = await propose(person, db, departure_id)
    accepted = {"decision": "accepted"}
    await (await person(COMPANY)).post(f"/relais/proposals/{proposal_id}/company", **accepted)
    await (await person(CANDIDATE)).post(f"/relais/proposals/{proposal_id}/candidate", **accepted)
    first = date.today() + timedelta(days=12)
    group = await new_group(db, "Intégration tardive", first)
    later = await new_group(db, "Intégration autre", first)
    staff = await person(STAFF)
    path = f"/relais/departures/{departure_id}/onboarding"
    assert (await staff.post(path, onboarding_iteration_id=str(group))).status_code == 303
    replacing = await user(db, CANDIDATE)
    assert len(await enrolments(db, group, replacing)) == 1
    changed = await staff.post(path, onboarding_iteration_id=str(later))
    assert changed.status_code == 422 and "le groupe reste" in unescape(changed.text)
    assert await onboarding_of(db, departure_id) == group
    assert await enrolments(db, later, replacing) == []


# --- what the replacement sees ----------------------------------------------------------------


async def test_the_replacement_sees_the_group_linked_its_first_session_and_its_page(person, db):
    departure_id = await declared(person, "Poste suivi")
    first = date.today() + timedelta(days=9)
    group = await new_group(db, "Intégration suivie", first)
    staff = await person(STAFF)
    path = f"/relais/departures/{departure_id}/onboarding"
    assert (await staff.post(path, onboarding_iteration_id=str(group))).status_code == 303
    proposal_id = await propose(person, db, departure_id)
    replacement = await person(CANDIDATE)
    accepted = {"decision": "accepted"}
    await (await person(COMPANY)).post(f"/relais/proposals/{proposal_id}/company", **accepted)
    await replacement.post(f"/relais/proposals/{proposal_id}/candidate", **accepted)
    page = unescape((await replacement.http.get(f"/relais/departures/{departure_id}")).text)
    assert f'href="/iterations/{group}"' in page and "Intégration suivie" in page
    with i18n.using("fr"):
        said = f"sa première séance est le {show_date(first)}."
    assert "Prochaine étape :" in page and said in page
    assert (await replacement.http.get(f"/iterations/{group}")).status_code == 200


async def test_the_demo_replacement_is_enrolled_in_the_onboarding_group(db, demo_data):
    async with db.session() as session:
        query = select(Departure).where(Departure.employee_name == "Julie Faure")
        departure = (await session.exec(query.order_by(col(Departure.id)))).first()
        assert departure.onboarding_iteration_id is not None
        replacing = await user(db, "apprenant5@demo.test")
        count = select(func.count(col(Enrolment.id))).where(
            Enrolment.iteration_id == departure.onboarding_iteration_id,
            Enrolment.user_id == replacing.id,
        )
        assert (await session.exec(count)).one() == 1

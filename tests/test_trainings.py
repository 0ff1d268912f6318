"""Join codes, the iteration page, and the provider's trainings, through the HTTP app."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime, time, timedelta

from sqlmodel import col, func, select

from community import trainings
from community.database import Database
from community.i18n import DISPLAY_TIMEZONE
from community.models import CourseSession, Enrolment, Iteration, JoinCode, Training, User, utcnow
from tests.helpers import post_form, sign_in, sign_up


async def current_code(db, iteration_id: int) -> str:
    async with db.session() as session:
        code = await trainings.current_code(session, await session.get(Iteration, iteration_id))
    return code.code


async def enrolments(db, iteration_id: int) -> int:
    async with db.session() as session:
        query = select(func.count(col(Enrolment.id))).where(Enrolment.iteration_id == iteration_id)
        return (await session.exec(query)).one()


def test_codes_are_short_readable_and_forgiving():
    code = trainings.new_code()
    assert re.fullmatch(r"[A-HJKMNP-Z2-9]{6}", code)
    assert trainings.format_code("K7P2QX") == "K7P-2QX"
    assert trainings.normalise_code(" k7p 2qx ") == "K7P2QX"
    assert trainings.normalise_code("k7p-2qx") == "K7P2QX"


async def test_a_new_learner_joins_with_a_code_typed_loosely(client, db, demo_data):
    code = await current_code(db, 2)
    await sign_up(client, "nouveau@example.fr", "Nouveau Venu")
    typed = f" {code[:3].lower()} {code[3:].lower()} "
    response = await post_form(client, "/join", {"code": typed}, page="/join")
    assert response.status_code == 303
    assert response.headers["location"] == "/iterations/2"
    page = await client.get("/iterations/2")
    assert "Nouveau Venu" in page.text
    assert code not in page.text  # learners do not see the code
    home = await client.get("/")
    assert "Promotion automne" in home.text
    again = await post_form(client, "/join", {"code": code}, page="/join")
    assert again.status_code == 303
    assert await enrolments(db, 2) == 6 + 1 + 1  # learners, the newcomer once, the trainer


async def test_a_join_code_stays_valid_until_the_last_day_of_a_long_group_is_over(db, demo_data):
    async with db.session() as session:
        staff = (await session.exec(select(User).where(User.email == "organisme@demo.test"))).one()
        training = await session.get(Training, 1)
        assert training is not None
        start = utcnow().date()
        last_day = start + timedelta(days=300)
        data = {"name": "Promotion longue", "starts_on": str(start), "ends_on": str(last_day)}
        group = await trainings.create_iteration(session, staff, training, data, code_days=120)
        code = await trainings.current_code(session, group)
        await session.commit()
    assert code is not None
    evening_of_last_day = datetime.combine(last_day, time(23, 59), DISPLAY_TIMEZONE)
    assert code.expires_at > evening_of_last_day


async def test_wrong_expired_and_renewed_codes_are_refused_with_a_reason(client, db, demo_data):
    await sign_up(client, "nouveau@example.fr")
    wrong = await post_form(client, "/join", {"code": "ZZZ-ZZZ"}, page="/join")
    assert wrong.status_code == 422
    assert "Ce code n&#39;existe pas" in wrong.text
    assert 'value="ZZZ-ZZZ"' in wrong.text

    code = await current_code(db, 2)
    async with db.session() as session:
        row = (await session.exec(select(JoinCode).where(JoinCode.code == code))).one()
        row.expires_at = utcnow() - timedelta(minutes=1)
        session.add(row)
        await session.commit()
    expired = await post_form(client, "/join", {"code": code}, page="/join")
    assert expired.status_code == 422
    assert "Ce code a expiré" in expired.text
    assert await enrolments(db, 2) == 7


async def test_renewing_the_code_retires_the_old_one(client, db, demo_data):
    old = await current_code(db, 2)
    await sign_in(client, "organisme@demo.test")
    response = await post_form(client, "/iterations/2/code", {}, page="/iterations/2")
    assert response.status_code == 303
    new = await current_code(db, 2)
    assert new != old
    assert trainings.format_code(new) in (await client.get("/iterations/2")).text


async def test_only_learners_join_with_a_code(client, db, demo_data):
    await sign_in(client, "formateur2@demo.test")
    response = await post_form(client, "/join", {"code": await current_code(db, 2)}, page="/join")
    assert response.status_code == 422
    assert await enrolments(db, 2) == 7


async def test_the_iteration_page_shows_sessions_people_and_the_note(client, demo_data):
    await sign_in(client, "apprenant1@demo.test")
    page = await client.get("/iterations/2")
    assert page.status_code == 200
    assert "Assistant·e de vie aux familles" in page.text
    assert "Ce qui a changé depuis la dernière promotion" in page.text
    assert "Gestes et postures" in page.text
    assert "Claire Formatrice" in page.text
    assert "6 apprenant·es" in page.text


async def test_outsiders_get_404_for_iterations_they_are_not_in(client, demo_data):
    await sign_in(client, "apprenant1@demo.test")
    assert (await client.get("/iterations/4")).status_code == 404  # the other training
    assert (await client.get("/iterations/999")).status_code == 404


async def test_trainers_see_the_code_of_their_groups_only(client, db, demo_data):
    await sign_in(client, "formateur1@demo.test")
    page = await client.get("/iterations/2")
    assert trainings.format_code(await current_code(db, 2)) in page.text
    assert "Renouveler le code" not in page.text  # provider staff renew it
    assert (await client.get("/iterations/4")).status_code == 404


async def test_staff_create_a_training_a_group_and_its_sessions(client, db, demo_data):
    await sign_in(client, "organisme@demo.test")
    created = await post_form(
        client,
        "/trainings",
        {"title": "Soudure", "description": "Souder en sécurité", "format": "reverse_work_study"},
        page="/trainings",
    )
    assert created.status_code == 303
    training_url = created.headers["location"]
    group = await post_form(
        client,
        f"{training_url}/iterations",
        {"name": "Promo 2027", "starts_on": "2027-01-04", "ends_on": "2027-06-30"},
        page=training_url,
    )
    assert group.status_code == 303
    iteration_url = group.headers["location"]
    session = await post_form(
        client,
        f"{iteration_url}/sessions",
        {
            "title": "Premier atelier",
            "starts_at": "2027-01-05T09:00",
            "ends_at": "2027-01-05T12:00",
        },
        page=iteration_url,
    )
    assert session.status_code == 303
    page = await client.get(iteration_url)
    assert "Premier atelier" in page.text
    assert "mardi 5 janvier 2027, 09:00–12:00" in page.text
    assert re.search(r'class="code"[^>]*>[A-Z2-9]{3}-[A-Z2-9]{3}<', page.text)


async def test_bad_dates_and_missing_titles_are_explained(client, db, demo_data):
    await sign_in(client, "organisme@demo.test")
    bad = await post_form(
        client,
        "/trainings/1/iterations",
        {"name": "", "starts_on": "2027-06-30", "ends_on": "pas une date"},
        page="/trainings/1",
    )
    assert bad.status_code == 422
    assert "Ce champ est obligatoire." in bad.text
    assert "Indiquez une date." in bad.text
    backwards = await post_form(
        client,
        "/trainings/1/iterations",
        {"name": "À l'envers", "starts_on": "2027-06-30", "ends_on": "2027-01-01"},
        page="/trainings/1",
    )
    assert backwards.status_code == 422
    assert "La fin est avant le début." in backwards.text
    async with db.session() as session:
        assert (await session.exec(select(func.count(col(Iteration.id))))).one() == 4


async def test_learners_and_trainers_cannot_manage_trainings(client, demo_data):
    await sign_in(client, "formateur1@demo.test")
    assert (await client.get("/trainings")).status_code == 404
    refused = await post_form(client, "/iterations/2/sessions", {"title": "x"}, page="/")
    assert refused.status_code == 403


async def person(db, email: str) -> User:
    async with db.session() as session:
        return (await session.exec(select(User).where(User.email == email))).one()


async def test_a_join_sent_several_times_at_once_enrols_once(client, db, demo_data):
    await sign_up(client, "presse@example.fr")
    learner = await person(db, "presse@example.fr")
    code = await current_code(db, 2)

    async def join() -> int | None:
        async with db.session() as session:
            iteration = await trainings.join_with_code(session, learner, {"code": code})
            await session.commit()
        return iteration.id

    assert await asyncio.gather(*(join() for _ in range(4))) == [2, 2, 2, 2]
    assert await enrolments(db, 2) == 8


async def row_counts(db: Database) -> dict[type, int]:
    async with db.session() as session:
        tables = (Training, Iteration, CourseSession, JoinCode)
        return {t: (await session.exec(select(func.count()).select_from(t))).one() for t in tables}


async def test_actions_write_in_the_callers_transaction_and_commit_nothing(db, demo_data):
    staff = await person(db, "organisme@demo.test")
    before = await row_counts(db)
    async with db.session() as session:
        training = await trainings.create_training(
            session, staff, staff.provider_id, {"title": "Menuiserie", "format": "classic"}
        )
        iteration = await trainings.create_iteration(
            session,
            staff,
            training,
            {"name": "Promo", "starts_on": "2027-01-04", "ends_on": "2027-03-01"},
            code_days=30,
        )
        view = await trainings.iteration_view(session, staff, iteration.id)
        await trainings.add_session(
            session,
            staff,
            view,
            {"title": "Atelier", "starts_at": "2027-01-05T09:00", "ends_at": "2027-01-05T12:00"},
        )
        await session.rollback()
    assert await row_counts(db) == before

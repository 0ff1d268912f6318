"""The strict parsing layer: ids, numbers, text and dates as people and pages send them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import func, select

from community import forms, parsing
from community.models import CourseSession, User
from tests.helpers import post_form, sign_in

REPORT_PAGES = (
    "/reports/iterations/1",
    "/reports/iterations/1/export.csv",
    "/reports/iterations/1/export.csv?variant=fr",
    "/reports/compare?a=it:1&b=it:2",
    "/reports/compare?a=format:classic&b=format:flipped",
    "/reports/evidence",
)


@pytest.mark.parametrize(
    "raw", ["0", "-1", "+1", " 1", "1 ", "²", "١", "１", "2147483648", "9" * 30, "", "1.0"]
)
def test_an_id_is_ascii_digits_within_the_integer_range(raw):
    assert parsing.ident(raw) is None


def test_the_largest_integer_is_an_id():
    assert parsing.ident("2147483647") == 2_147_483_647


@pytest.mark.parametrize(
    "path",
    [
        "/projects/99999999999999999999",
        "/iterations/99999999999999999999/comments",
        "/help/99999999999999999999",
    ],
)
async def test_an_id_out_of_range_in_an_address_is_a_404(client, demo_data, path):
    await sign_in(client, "apprenant1@demo.test")
    assert (await client.get(path)).status_code == 404


async def test_a_page_number_in_another_script_shows_the_first_page(client, demo_data):
    await sign_in(client, "apprenant1@demo.test")
    assert (await client.get("/projects", params={"page": "²"})).status_code == 200


@pytest.mark.parametrize("name", ["a\x00b", "a\x1bb", "a\x85b", "a\x7fb"])
async def test_a_name_with_a_control_character_is_refused_and_nothing_changes(
    client, demo_data, db, name
):
    await sign_in(client, "apprenant1@demo.test")
    async with db.session() as session:
        learner = await session.exec(select(User).where(User.email == "apprenant1@demo.test"))
        before = learner.one().display_name
    response = await post_form(
        client, "/profile", {"display_name": name, "locale": "fr"}, page="/profile"
    )
    assert response.status_code == 422
    assert "caractères de contrôle invisibles" in response.text
    async with db.session() as session:
        learner = await session.exec(select(User).where(User.email == "apprenant1@demo.test"))
        assert learner.one().display_name == before


def test_a_multiline_text_keeps_its_line_breaks_and_tabs():
    field = forms.Text("description", max_length=100, multiline=True)
    assert field.clean("ligne 1\r\n\tligne 2") == "ligne 1\r\n\tligne 2"


def test_a_single_line_text_makes_its_line_breaks_spaces():
    assert forms.Text("title", max_length=100).clean("un\r\n\tdeux") == "un deux"


@pytest.mark.parametrize("raw", ["a\x00b", "a\x0bb", "a\x9bb", "\ud800"])
def test_a_password_with_a_control_character_is_refused(raw):
    with pytest.raises(ValueError, match="caractères de contrôle"):
        forms.Password("password").clean(raw * 10)


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1999-12-31", "2100-01-01"])
async def test_a_session_far_outside_the_calendar_is_refused_in_the_users_language(
    client, demo_data, db, day
):
    await sign_in(client, "organisme@demo.test")
    async with db.session() as session:
        before = (await session.exec(select(func.count()).select_from(CourseSession))).one()
    response = await post_form(
        client,
        "/iterations/1/sessions",
        {"title": "Séance", "starts_at": f"{day}T09:00", "ends_at": f"{day}T12:00"},
        page="/iterations/1",
    )
    assert response.status_code == 422
    assert "Indiquez une date entre le 1 janvier 2000 et le 31 décembre 2099." in response.text
    async with db.session() as session:
        after = (await session.exec(select(func.count()).select_from(CourseSession))).one()
    assert after == before


async def test_an_evidence_period_that_ends_before_it_starts_is_a_bad_request(client, demo_data):
    await sign_in(client, "organisme@demo.test")
    response = await client.get("/reports/evidence?start=2026-06-01&end=2026-01-01")
    assert response.status_code == 400
    assert "La fin est avant le début." in response.text


@pytest.mark.parametrize(
    "when",
    [datetime(9999, 12, 31, 8, tzinfo=UTC), datetime(1, 1, 1, 8, tzinfo=UTC)],
    ids=["year 9999", "year 1"],
)
async def test_reports_stay_readable_whatever_date_is_already_stored(client, demo_data, db, when):
    async with db.session() as session:
        session.add(
            CourseSession(iteration_id=1, title="Saisie ancienne", starts_at=when, ends_at=when)
        )
        await session.commit()
    await sign_in(client, "organisme@demo.test")
    for path in REPORT_PAGES:
        assert (await client.get(path)).status_code == 200, path
    await sign_in(client, "formateur1@demo.test")
    assert (await client.get("/iterations/1")).status_code == 200

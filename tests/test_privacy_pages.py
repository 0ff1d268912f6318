"""The public privacy page and the record of processing, both read from the areas'
declarations, in French and English, each for whom it is meant."""

from __future__ import annotations

import csv
import html
import io
from dataclasses import replace

import pytest
from httpx2 import Response
from sqlalchemy import update

from community import areas, privacy_record, retention
from community.app import create_app
from community.i18n import _, show_datetime, using
from community.models import User, utcnow
from tests.conftest import make_client
from tests.helpers import sign_in

ENGLISH = {"Accept-Language": "en"}
ADMIN = "admin@demo.test"
STAFF = "organisme@demo.test"


def _text(page: Response) -> str:
    """The page as read: entities decoded, whichever way the template escaped them."""
    return html.unescape(page.text)


def test_every_area_holding_personal_data_has_a_title():
    declaring = {area.name for area in areas.AREAS if area.personal_data}
    assert declaring <= set(privacy_record.AREA_TITLES)


@pytest.mark.parametrize("locale", ["fr", "en"])
async def test_the_privacy_page_tells_anyone_what_is_kept_in_their_language(client, locale):
    page = await client.get("/privacy", headers={"Accept-Language": locale})
    assert page.status_code == 200
    with using(locale):
        expected = [_("Your data and your privacy"), _("Your rights")]
        for holding in areas.HOLDINGS:
            expected += [holding.what(), holding.purpose(), holding.retention.describe()]
        fallback = _(
            "To ask a question or use your rights, ask your trainer or your provider's staff: "
            "they will tell you whom to write to."
        )
    for sentence in [*expected, fallback]:
        assert sentence in _text(page)
    for link in ("/profile/data", "/profile/delete", "https://www.cnil.fr/"):
        assert f'href="{link}' in page.text
    assert "mailto:" not in page.text


async def test_the_privacy_page_shows_the_contact_when_one_is_set(settings):
    app = create_app(replace(settings, privacy_contact="dpo@organisme.fr"))
    async with app.router.lifespan_context(app), make_client(app) as client:
        page = await client.get("/privacy")
    assert '<a href="mailto:dpo@organisme.fr">dpo@organisme.fr</a>' in page.text


@pytest.mark.parametrize("path", ["/", "/signin", "/signup", "/privacy"])
async def test_every_page_links_to_the_privacy_page(client, path):
    page = await client.get(path)
    assert 'href="/privacy"' in page.text


async def test_the_sign_up_form_links_to_the_privacy_page(client):
    page = await client.get("/signup")
    form = page.text[page.text.index('action="/signup"') : page.text.index("</form>")]
    assert 'href="/privacy"' in form


async def _as(client, db, email: str, locale: str = "fr") -> None:  # type: ignore[no-untyped-def]
    async with db.session() as session:
        await session.exec(update(User).where(User.email == email).values(locale=locale))  # type: ignore[call-overload]
        await session.commit()
    await sign_in(client, email)


@pytest.mark.parametrize("locale", ["fr", "en"])
async def test_the_record_lists_every_holding_and_the_runs_for_an_admin(
    app, client, db, demo_data, locale
):
    await retention.run(db, utcnow())
    await _as(client, db, ADMIN, locale)
    page = await client.get("/admin/privacy")
    assert page.status_code == 200
    with using(locale):
        for holding in areas.HOLDINGS:
            for sentence in (holding.what(), holding.purpose(), holding.basis.label()):
                assert sentence in _text(page)
            assert f"<code>{holding.name}</code>" in page.text
        assert _("Retention job") in _text(page)
        assert "<code>feedback_receipt</code>&nbsp;" in page.text  # what the run removed
        next_run = show_datetime(app.state.retention.next_at)
        assert _("Next run: %(when)s.") % {"when": next_run} in _text(page)


async def test_staff_read_the_record_without_the_runs(client, db, demo_data):
    await retention.run(db, utcnow())
    await _as(client, db, STAFF)
    page = await client.get("/admin/privacy")
    assert page.status_code == 200
    assert "<code>feedback_receipt</code>" in page.text
    assert _("Retention job") not in _text(page)


@pytest.mark.parametrize("locale", ["fr", "en"])
async def test_the_record_downloads_as_csv_with_one_row_per_holding(client, db, demo_data, locale):
    await _as(client, db, STAFF, locale)
    response = await client.get("/admin/privacy/record.csv")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    body = response.content.decode("utf-8-sig")
    assert all(line.endswith("\r") for line in body.split("\n")[:-1])  # CRLF, RFC 4180
    header, *rows = list(csv.reader(io.StringIO(body)))
    with using(locale):
        assert header[:3] == [_("Area"), _("Table"), _("Processing")]
        by_table = {row[1]: row for row in rows}
        for holding in areas.HOLDINGS:
            assert by_table[holding.name][2] == holding.what()
            assert by_table[holding.name][4] == holding.basis.label()
    assert len(rows) == len(areas.HOLDINGS) + 1  # and the sign-in counters, kept in Redis
    assert "redis: throttle" in by_table


@pytest.mark.parametrize("email", ["formateur1@demo.test", "apprenant1@demo.test"])
@pytest.mark.parametrize("path", ["/admin/privacy", "/admin/privacy/record.csv"])
async def test_trainers_and_learners_do_not_reach_the_record(client, db, demo_data, email, path):
    await sign_in(client, email)
    assert (await client.get(path)).status_code == 404


@pytest.mark.parametrize("path", ["/admin/privacy", "/admin/privacy/record.csv"])
async def test_visitors_are_sent_to_sign_in_for_the_record(client, path):
    response = await client.get(path)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/signin")


@pytest.mark.parametrize(("email", "shown"), [(STAFF, True), ("apprenant1@demo.test", False)])
async def test_the_record_is_in_the_navigation_of_those_who_may_read_it(
    client, db, demo_data, email, shown
):
    await sign_in(client, email)
    assert ('href="/admin/privacy"' in (await client.get("/")).text) is shown


async def test_a_failed_run_shows_on_the_record(client, db, demo_data, monkeypatch):
    async def fails(*_args):  # type: ignore[no-untyped-def]
        raise TimeoutError

    monkeypatch.setattr(retention, "_remove_due", fails)
    with pytest.raises(TimeoutError):
        await retention.run(db, utcnow())
    await _as(client, db, ADMIN)
    page = await client.get("/admin/privacy")
    with using("fr"):
        expected = _("Failed (%(error)s): nothing was removed.") % {"error": "TimeoutError"}
    assert expected in _text(page)

"""Reports through the app: thresholds, access across providers, exports, actions."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import text
from sqlmodel import col, select

import realtime
from community.models import ImprovementAction, ReportAuditEntry
from tests.helpers import post_form, sign_in, staff_of_another_provider

REPORT_PATHS = (
    "/reports/iterations/{id}",
    "/reports/iterations/{id}/export.csv",
    "/reports/iterations/{id}/export.csv?variant=fr",
    "/reports/compare?a=it:1&b=it:2",
)


async def test_the_demo_report_shows_results_above_the_threshold(client, demo_data):
    await sign_in(client, "organisme@demo.test")
    page = await client.get("/reports/iterations/1")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert "Aucun chiffre ici ne provient de moins de 5 réponses" in page.text
    assert "<svg" in page.text and "Par critère" in page.text
    compare = await client.get("/reports/compare?a=it:1&b=it:2")
    assert "Rythme" in compare.text and "Test de Welch" in compare.text
    assert "en hausse" in compare.text  # the demo's story: the pace got better


SELECTED = re.compile(r'<select id="compare-([ab])" name="[ab]">.*?value="([^"]+)" selected', re.S)


async def test_the_group_comparison_offers_two_groups_of_one_training_by_default(client, demo_data):
    await sign_in(client, "organisme@demo.test")
    chosen = dict(SELECTED.findall((await client.get("/reports")).text))
    assert chosen == {"a": "it:1", "b": "it:2"}  # the earlier group of a training, then the later
    compared = await client.get(f"/reports/compare?a={chosen['a']}&b={chosen['b']}")
    assert compared.status_code == 200 and "Rythme" in compared.text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("a=it:1&b=it:3", "Choisissez deux groupes de la même formation"),
        ("a=it:2&b=it:2", "Choisissez deux groupes différents."),
        ("a=format:classic&b=format:classic", "Choisissez deux formats différents."),
    ],
)
async def test_a_comparison_that_cannot_be_made_says_why(client, demo_data, query, message):
    await sign_in(client, "organisme@demo.test")
    refused = await client.get(f"/reports/compare?{query}")
    assert refused.status_code == 422
    assert message in refused.text and "Page introuvable" not in refused.text


async def test_running_totals_match_the_answers(db, demo_data):
    async with db.session() as session:
        connection = await session.connection()
        kept = (await connection.execute(text(
            "SELECT session_id, dimension_id, count, total, total_sq, h1, h2, h3, h4, h5 "
            "FROM feedback_aggregate ORDER BY 1, 2"
        ))).all()  # fmt: skip
        recomputed = (await connection.execute(text(
            "SELECT a.session_id, r.dimension_id, count(*), sum(r.value), sum(r.value * r.value),"
            " sum(CASE WHEN r.value = 1 THEN 1 ELSE 0 END),"
            " sum(CASE WHEN r.value = 2 THEN 1 ELSE 0 END),"
            " sum(CASE WHEN r.value = 3 THEN 1 ELSE 0 END),"
            " sum(CASE WHEN r.value = 4 THEN 1 ELSE 0 END),"
            " sum(CASE WHEN r.value = 5 THEN 1 ELSE 0 END) "
            "FROM feedback_rating r JOIN feedback_answer a ON a.id = r.answer_id "
            "GROUP BY a.session_id, r.dimension_id ORDER BY 1, 2"
        ))).all()  # fmt: skip
    assert len(kept) > 20
    assert [tuple(row) for row in kept] == [tuple(row) for row in recomputed]


async def test_csv_exports_follow_rfc_4180_and_the_french_variant(client, demo_data, db):
    async with db.session() as session:  # a title a spreadsheet would run as a formula
        connection = await session.connection()
        await connection.execute(
            text("UPDATE course_session SET title = '=HYPERLINK(\"x\")' WHERE id = 1")
        )
        await session.commit()
    await sign_in(client, "organisme@demo.test")
    plain = await client.get("/reports/iterations/1/export.csv")
    assert plain.headers["content-type"].startswith("text/csv")
    assert plain.headers["content-disposition"] == 'attachment; filename="ruche-1-rfc4180.csv"'
    assert plain.content.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in plain.content
    rows = list(csv.reader(io.StringIO(plain.content.decode("utf-8-sig"))))
    assert rows[0][:7] == ["training", "group", "session", "date", "criterion", "status", "answers"]
    shown = [r for r in rows[1:] if r[5] == "shown"]
    assert shown and all(int(r[6]) >= 5 and "." in r[7] for r in shown)
    assert all(not r[2].startswith("=") for r in rows[1:])
    assert any(r[2] == '\'=HYPERLINK("x")' for r in rows[1:])
    french = await client.get("/reports/iterations/1/export.csv?variant=fr")
    french_rows = list(csv.reader(io.StringIO(french.content.decode("utf-8-sig")), delimiter=";"))
    shown_fr = [r for r in french_rows[1:] if r[5] == "shown"]
    assert all("," in r[7] and "." not in r[7] for r in shown_fr)


@pytest.fixture
async def other_provider(db):
    await staff_of_another_provider(db)


async def test_staff_of_another_provider_get_404_everywhere(client, demo_data, other_provider):
    await sign_in(client, "staff-b@b.test", "mot de passe b")
    for iteration_id in (1, 2, 3, 4):
        for path in REPORT_PATHS:
            response = await client.get(path.format(id=iteration_id))
            assert response.status_code == 404, path
        for action in ("actions", "publish"):
            posted = await post_form(
                client,
                f"/reports/iterations/{iteration_id}/{action}",
                {"said": "x", "decision": "y", "owner": "z", "due_on": "2027-01-01",
                 "iteration_id": "2", "published": "1"},
                page="/reports",
            )  # fmt: skip
            assert posted.status_code == 404
    formats = await client.get("/reports/compare?a=format:classic&b=format:flipped")
    assert formats.status_code == 200
    assert "3,5" not in formats.text and "pas assez de réponses pour conclure" in formats.text
    assert "Assistant·e" not in (await client.get("/reports")).text


async def test_learners_read_results_only_once_published(client, demo_data):
    await sign_in(client, "apprenant7@demo.test")  # a learner of group 1
    assert (await client.get("/reports/iterations/1")).status_code == 404
    assert (await client.get("/reports/iterations/1/export.csv")).status_code == 404
    await post_form(client, "/signout", {})
    await sign_in(client, "organisme@demo.test")
    await post_form(client, "/reports/iterations/1/publish", {"published": "1"}, page="/reports")
    await post_form(client, "/signout", {})
    await sign_in(client, "apprenant7@demo.test")
    page = await client.get("/reports/iterations/1")
    assert page.status_code == 200
    assert "Enregistrer une action" not in page.text and "Réponses</th>" in page.text
    assert (await client.get("/reports/iterations/2")).status_code == 404  # not theirs


async def test_publishing_and_the_threshold_are_logged_and_reach_open_reports(
    client, demo_data, db
):
    async with db.session() as session:
        before = await realtime.last_seq(session, "report:1")
    await sign_in(client, "organisme@demo.test")
    shown = await post_form(
        client, "/reports/iterations/1/publish", {"published": "1"}, page="/reports"
    )
    assert shown.status_code == 303
    odd = await post_form(
        client, "/reports/iterations/1/publish", {"published": "oui"}, page="/reports"
    )
    assert odd.status_code == 422 and "Choisissez l&#39;une des options" in odd.text
    assert (await post_form(client, "/reports/threshold", {"k": "6"}, page="/reports")).is_redirect
    await post_form(client, "/signout", {})
    await sign_in(client, "formateur1@demo.test")  # reads the report, may not publish it
    refused = await post_form(
        client, "/reports/iterations/1/publish", {"published": "0"}, page="/reports"
    )
    assert refused.status_code == 403
    async with db.session() as session:
        entries = (
            await session.exec(select(ReportAuditEntry).order_by(col(ReportAuditEntry.id)))
        ).all()
        after = await realtime.last_seq(session, "report:1")
    logged = [(e.action, e.iteration_id, e.detail) for e in entries]
    assert logged == [("publish", 1, ""), ("threshold", None, "5 → 6")]
    assert after == before + 2  # each decision makes the open report pages fetch theirs


async def test_trainers_read_their_groups_reports_only(client, demo_data):
    await sign_in(client, "formateur1@demo.test")
    assert (await client.get("/reports/iterations/1")).status_code == 200
    assert (await client.get("/reports/iterations/3")).status_code == 404
    assert (
        await client.get("/reports/compare?a=format:classic&b=format:flipped")
    ).status_code == 404


async def test_an_action_is_recorded_and_reaches_the_next_group(client, demo_data, db):
    await sign_in(client, "organisme@demo.test")
    async with db.session() as session:
        connection = await session.connection()
        pace = (await connection.execute(text(
            "SELECT id FROM feedback_dimension WHERE training_id = 1 AND key = 'pace'"
        ))).scalar_one()  # fmt: skip
    bad = await post_form(
        client, "/reports/iterations/1/actions", {"said": "", "iteration_id": "4"}, page="/reports"
    )
    assert bad.status_code == 422
    assert "Choisissez une promotion de la même formation." in bad.text
    done = await post_form(
        client,
        "/reports/iterations/1/actions",
        {"said": "Trop rapide", "decision": "Des pauses et un point à mi-parcours",
         "owner": "Claire", "due_on": "2026-09-01", "iteration_id": "2",
         "dimension_id": str(pace)},
        page="/reports",
    )  # fmt: skip
    assert done.status_code == 303
    report = await client.get("/reports/iterations/1")
    assert "Des pauses et un point à mi-parcours" in report.text
    assert "en hausse" in report.text  # its measured effect on the pace
    async with db.session() as session:
        assert len((await session.exec(select(ImprovementAction))).all()) == 1
    await post_form(client, "/signout", {})
    await sign_in(client, "apprenant1@demo.test")  # a learner of group 2
    assert "Des pauses et un point à mi-parcours" in (await client.get("/iterations/2")).text


async def test_a_live_refetch_gets_the_region_alone(client, demo_data):
    await sign_in(client, "organisme@demo.test")
    fragment = await client.get(
        "/reports/iterations/1", headers={"HX-Request": "true", "HX-Request-Type": "partial"}
    )
    assert fragment.status_code == 200
    assert fragment.text.lstrip().startswith('<div id="report-live-1"')
    assert "<html" not in fragment.text and "Par critère" in fragment.text


async def test_the_audit_record_and_the_threshold(client, demo_data):
    await sign_in(client, "organisme@demo.test")
    record = await client.get("/reports/evidence")
    assert record.status_code == 200 and record.headers["cache-control"] == "no-store"
    assert "Avis recueillis" in record.text and "Promotion printemps 2026" in record.text
    assert re.search(r"<td>\d+/\d+</td><td>\d+", record.text)
    assert (await client.get("/reports/evidence?start=demain")).status_code == 400
    too_low = await post_form(client, "/reports/threshold", {"k": "3"}, page="/reports")
    assert too_low.status_code == 422 and "entre 5 et 50" in too_low.text
    raised = await post_form(client, "/reports/threshold", {"k": "7"}, page="/reports")
    assert raised.status_code == 303
    report = await client.get("/reports/iterations/1")
    assert "moins de 7 réponses" in report.text
    await post_form(client, "/signout", {})
    await sign_in(client, "formateur1@demo.test")
    assert (await client.get("/reports/evidence")).status_code == 404
    refused = await post_form(client, "/reports/threshold", {"k": "5"}, page="/reports")
    assert refused.status_code == 403  # a trainer of the provider, who may not change it

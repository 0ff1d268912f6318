"""Download my data: the archive holds the person's rows from every declared table and
nothing about anyone else; only its owner downloads it, for a week; the background job
prepares each archive once, and takes again one that a dead process left."""

from __future__ import annotations

import asyncio
import dataclasses
import io
import json
import zipfile
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, or_, select, update
from sqlmodel import col

from community import areas, demo, exports, i18n
from community.accounts import Passwords
from community.database import Database
from community.exports import archive, job
from community.models import DataExport, Notification, User, utcnow
from community.settings import Settings
from tests.conftest import make_client
from tests.helpers import post_form, sign_up

AUTHOR = demo.learner_email(8)  # proposed a project, took part in it, has skills, groups…


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # The tests run the job themselves, step by step.
    return dataclasses.replace(settings, export_every=0)


@pytest.fixture
async def full_demo(db: Database) -> None:
    await demo.load(db, Passwords("fast"))


async def user_by_email(db: Database, email: str) -> User:
    async with db.session() as session:
        return (await session.exec(select(User).where(User.email == email))).scalars().one()


async def queued(db: Database, user: User, **values: Any) -> str:
    async with db.session() as session:
        export = await exports.ask(session, user)
        await session.commit()
    if values:
        await set_export(db, export.id, **values)
    return export.id


async def set_export(db: Database, export_id: str, **values: Any) -> None:
    async with db.session() as session:
        connection = await session.connection()
        await connection.execute(
            update(DataExport).where(col(DataExport.id) == export_id).values(**values)
        )
        await session.commit()


async def export_row(db: Database, export_id: str) -> DataExport:
    async with db.session() as session:
        row = await session.get(DataExport, export_id)
        assert row is not None
        return row


async def built_for(db: Database, user: User, export_id: str | None = None) -> zipfile.ZipFile:
    export_id = export_id or await queued(db, user)
    assert await job.build_next(db, areas.AREAS) == export_id
    content = (await export_row(db, export_id)).archive
    assert content is not None
    return zipfile.ZipFile(io.BytesIO(content))


async def rows_naming(db: Database, user_id: int) -> dict[str, int]:
    """How many rows of each declared table name the person, counted in the database."""
    counts = {}
    async with db.session() as session:
        connection = await session.connection()
        for holding in areas.HOLDINGS:
            if archive.linked(holding):
                table = holding.sql_table
                mine = or_(*(table.c[name] == user_id for name in holding.person))
                query = select(func.count()).select_from(table).where(mine)
                counts[holding.name] = (await connection.execute(query)).scalar_one()
    return counts


def holdings_in(opened: zipfile.ZipFile) -> dict[str, dict[str, Any]]:
    found = {}
    for name in opened.namelist():
        if name.endswith(".json"):
            part = json.loads(opened.read(name))
            assert name == f"{part['area']}.json"
            found.update((holding["table"], holding) for holding in part["holdings"])
    return found


async def test_the_archive_holds_the_persons_rows_from_every_table_that_has_some(db, full_demo):
    learner = await user_by_email(db, AUTHOR)
    export_id = await queued(db, learner)  # the archive itself is among its rows
    in_database = await rows_naming(db, learner.id)
    in_archive = holdings_in(await built_for(db, learner, export_id))
    with_rows = {name for name, count in in_database.items() if count}
    assert {"user", "enrolment", "project", "project_member", "message"} <= with_rows
    assert {"notification", "learner_skill", "feedback_receipt"} <= with_rows
    for holding in areas.HOLDINGS:
        if not archive.linked(holding):
            assert holding.name not in in_archive
            continue
        entry = in_archive[holding.name]
        assert len(entry["rows"]) == in_database[holding.name], holding.name
        for row in entry["rows"]:
            titles = {key for key in row if key.endswith("_title")}
            assert set(row) - titles == set(holding.exported), holding.name
        for key in ("what", "purpose", "basis", "retention", "recipients"):
            assert entry[key], (holding.name, key)


async def test_the_archive_says_nothing_of_anyone_else(db, full_demo):
    learner = await user_by_email(db, AUTHOR)
    opened = await built_for(db, learner)
    text = "\n".join(opened.read(name).decode() for name in opened.namelist())
    assert learner.display_name in text and learner.email in text
    async with db.session() as session:
        others = (await session.exec(select(User).where(User.id != learner.id))).scalars().all()
    assert len(others) > 10
    for other in others:
        assert other.email not in text
        assert other.display_name not in text
    # An id is only a number: those that are people's ids must all be the learner's own.
    people_columns = {
        (holding.name, column.name)
        for holding in areas.HOLDINGS
        for column in holding.sql_table.columns
        if any(key.column.table.name == "user" for key in column.foreign_keys)
        or (holding.name == "user" and column.name == "id")
    }
    for name, holding in holdings_in(opened).items():
        for row in holding["rows"]:
            for key, value in row.items():
                if (name, key) in people_columns:
                    assert value == learner.id, (name, key)


async def test_dates_in_the_archive_are_iso_8601(db, full_demo):
    learner = await user_by_email(db, AUTHOR)
    account = holdings_in(await built_for(db, learner))["user"]["rows"][0]
    assert account["created_at"] == learner.created_at.isoformat()


async def test_the_summary_is_in_the_persons_language_and_lists_what_is_not_linked(db, full_demo):
    learner = await user_by_email(db, AUTHOR)
    assert learner.locale == "fr"
    index = (await built_for(db, learner)).read("index.html").decode()
    assert '<html lang="fr">' in index
    assert "Vos données dans Ruche" in index and "Your data" not in index
    assert "Pas dans cette archive" in index
    for holding in archive.not_linked(areas.AREAS):
        with i18n.using("fr"):
            assert holding.what() in index
        with i18n.using("en"):
            assert holding.what() not in index


async def test_the_summary_escapes_what_people_wrote(db, client):
    await sign_up(client, "balise@example.org", name="<script>alert(1)</script>")
    person = await user_by_email(db, "balise@example.org")
    index = (await built_for(db, person)).read("index.html").decode()
    assert "<script>" not in index and "&lt;script&gt;" in index
    assert "http" not in index  # standalone: nothing fetched from anywhere


async def test_only_the_owner_downloads_an_archive_until_it_expires(db, app, client):
    await sign_up(client, "owner@example.org", name="Owner Person")
    owner = await user_by_email(db, "owner@example.org")
    export_id = await queued(db, owner)
    await job.build_next(db, areas.AREAS)
    address = f"/profile/data/{export_id}"

    response = await client.get(address)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    day = (await export_row(db, export_id)).ready_at.date().isoformat()
    expected = f'attachment; filename="ruche-data-{day}.zip"'
    assert response.headers["content-disposition"] == expected
    assert response.headers["cache-control"] == "no-store"
    assert (
        "Owner Person"
        in zipfile.ZipFile(io.BytesIO(response.content)).read("accounts.json").decode()
    )

    async with make_client(app) as anonymous:
        assert (await anonymous.get(address)).status_code == 404
    async with make_client(app) as other:
        await sign_up(other, "other@example.org", name="Someone Else")
        assert (await other.get(address)).status_code == 404

    await set_export(db, export_id, expires_at=utcnow() - timedelta(seconds=1))
    expired = await client.get(address)
    assert expired.status_code == 410
    assert "Cette archive a expiré" in expired.text and "PK" not in expired.text


async def test_an_archive_not_ready_yet_cannot_be_downloaded(db, client):
    await sign_up(client, "early@example.org")
    export_id = await queued(db, await user_by_email(db, "early@example.org"))
    assert (await client.get(f"/profile/data/{export_id}")).status_code == 404


async def test_a_second_request_while_one_is_prepared_makes_no_second_archive(db, client):
    await sign_up(client, "twice@example.org")
    person = await user_by_email(db, "twice@example.org")
    first = await post_form(client, "/profile/data", {}, page="/profile/data")
    second = await post_form(client, "/profile/data", {}, page="/profile/data")
    both = await asyncio.gather(
        post_form(client, "/profile/data", {}, page="/profile/data"),
        post_form(client, "/profile/data", {}, page="/profile/data"),
    )
    assert {r.status_code for r in (first, second, *both)} == {303}
    async with db.session() as session:
        rows = await session.exec(select(DataExport).where(DataExport.user_id == person.id))
        assert len(rows.all()) == 1
    page = await client.get("/profile/data")
    assert "<progress" in page.text and 'hx-trigger="every 2s"' in page.text


async def test_requests_are_throttled(db, client):
    await sign_up(client, "eager@example.org")
    for _ in range(5):
        assert (
            await post_form(client, "/profile/data", {}, page="/profile/data")
        ).status_code == 303
    refused = await post_form(client, "/profile/data", {}, page="/profile/data")
    assert refused.status_code == 429


async def test_the_job_builds_a_queued_archive_and_tells_the_person(db, client):
    await sign_up(client, "waiting@example.org")
    person = await user_by_email(db, "waiting@example.org")
    export_id = await queued(db, person)
    assert await job.build_next(db, areas.AREAS) == export_id
    assert await job.build_next(db, areas.AREAS) is None  # nothing else waits
    built = await export_row(db, export_id)
    assert (built.status, built.progress) == ("ready", 100)
    assert built.expires_at == built.ready_at + timedelta(days=7)
    async with db.session() as session:
        told = await session.exec(select(Notification).where(Notification.user_id == person.id))
        assert [n.kind for n in told.scalars()] == ["export_ready"]
    page = await client.get("/profile/data")
    assert f'href="/profile/data/{export_id}"' in page.text and "every 2s" not in page.text


async def test_progress_is_stored_area_by_area(db, client, monkeypatch):
    await sign_up(client, "progress@example.org")
    export_id = await queued(db, await user_by_email(db, "progress@example.org"))
    seen: list[int] = []
    part = archive.area_part

    async def watched(session, area, user_id):  # type: ignore[no-untyped-def]
        seen.append((await export_row(db, export_id)).progress)
        return await part(session, area, user_id)

    monkeypatch.setattr(archive, "area_part", watched)
    await job.build_next(db, areas.AREAS)
    assert len(seen) == len(archive.with_rows(areas.AREAS))
    assert seen[0] == 0 and seen == sorted(seen) and seen[-1] < 100


async def test_an_archive_left_running_by_a_dead_process_is_taken_again(db, client):
    await sign_up(client, "stalled@example.org")
    person = await user_by_email(db, "stalled@example.org")
    lately = utcnow() - timedelta(minutes=1)
    export_id = await queued(db, person, status="running", started_at=lately, progress=40)
    assert await job.build_next(db, areas.AREAS) is None  # still someone's: left alone
    await set_export(db, export_id, started_at=utcnow() - job.STALLED - timedelta(seconds=1))
    assert await job.build_next(db, areas.AREAS) == export_id
    assert (await export_row(db, export_id)).status == "ready"


async def test_a_worker_back_after_its_archive_was_taken_again_changes_nothing(db, client):
    await sign_up(client, "late@example.org")
    person = await user_by_email(db, "late@example.org")
    export_id = await queued(db, person)
    long_ago = utcnow() - job.STALLED - timedelta(seconds=1)
    first = await job._claim(db, long_ago)  # a worker that then stalled
    assert first is not None and first.export_id == export_id
    assert await job.build_next(db, areas.AREAS) == export_id  # taken again, and built
    await job._finish(db, first, "export_failed", status="failed", progress=0)
    assert (await export_row(db, export_id)).status == "ready"
    async with db.session() as session:
        told = await session.exec(select(Notification).where(Notification.user_id == person.id))
        assert [n.kind for n in told.scalars()] == ["export_ready"]


async def test_a_failure_marks_the_archive_failed_and_says_so(db, client, monkeypatch):
    await sign_up(client, "unlucky@example.org")
    person = await user_by_email(db, "unlucky@example.org")
    export_id = await queued(db, person)

    async def broken(*_args: Any) -> dict[str, Any]:
        raise RuntimeError("disk full")

    monkeypatch.setattr(archive, "area_part", broken)
    assert await job.build_next(db, areas.AREAS) == export_id
    failed = await export_row(db, export_id)
    assert (failed.status, failed.archive) == ("failed", None)
    async with db.session() as session:
        told = await session.exec(select(Notification).where(Notification.user_id == person.id))
        assert [n.kind for n in told.scalars()] == ["export_failed"]
    page = await client.get("/profile/data")
    assert "could not be finished" in page.text or "n'a pas pu être terminée" in page.text


async def test_two_workers_at_once_build_each_archive_once(db, settings, client):
    people = []
    for n in range(6):
        await sign_up(client, f"worker{n}@example.org")
        people.append(await user_by_email(db, f"worker{n}@example.org"))
    ids = {await queued(db, person) for person in people}
    other = Database(settings.database_url)
    try:
        taken = await asyncio.gather(
            job.build_all(db, areas.AREAS), job.build_all(other, areas.AREAS)
        )
    finally:
        await other.dispose()
    assert sum(taken) == len(ids)
    async with db.session() as session:
        told = await session.exec(
            select(Notification.user_id).where(Notification.kind == "export_ready")
        )
        assert sorted(told.scalars()) == sorted(p.id for p in people)
        statuses = await session.exec(select(DataExport.status).where(col(DataExport.id).in_(ids)))
        assert set(statuses.scalars()) == {"ready"}

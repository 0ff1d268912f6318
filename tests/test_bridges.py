"""Bridges through the app: a learner's own blocking point or journal entry opens the help
request or project proposal form prefilled (text and skill), sends nothing by itself, and
is reachable by its author alone; malformed addresses are not found, never an error."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlmodel import func, select

from community.flipped.demo import ANSWERS
from community.flipped.demo import TITLE as FLIPPED_TITLE
from community.models import (
    CourseSession,
    FlippedResource,
    HelpRequest,
    JournalEntry,
    Project,
    Skill,
)
from tests.helpers import sign_in

BLOCKED = "apprenant9@demo.test"  # said what blocks them before the demo's flipped session
BLOCKING = ANSWERS[0][2]
UNBLOCKED = "apprenant7@demo.test"  # of the same group, said nothing
TRAINER = "formateur2@demo.test"
AUTHOR = "apprenant7@demo.test"  # wrote the entry below, tagged with two skills
ENTRY_TITLE = "Un formulaire de contact refusé par l'audit"
ENTRY_HARD = "Comprendre ce que le lecteur d'écran annonçait vraiment."


async def flipped_session(db) -> int:
    async with db.session() as session:
        query = select(CourseSession.id).where(CourseSession.title == FLIPPED_TITLE)
        return (await session.exec(query)).one() or 0


async def entry_id(db) -> int:
    async with db.session() as session:
        query = select(JournalEntry.id).where(JournalEntry.title == ENTRY_TITLE)
        return (await session.exec(query)).one() or 0


async def tag_capsule(db, session_id: int, skill_name: str) -> int:
    """Tags the capsule's resources with a skill of the catalogue; returns its id."""
    async with db.session() as session:
        skill = (await session.exec(select(Skill).where(Skill.name == skill_name))).first()
        assert skill is not None
        query = select(FlippedResource).where(FlippedResource.session_id == session_id)
        for resource in await session.exec(query):
            resource.skill_id = skill.id
            session.add(resource)
        await session.commit()
        return skill.id or 0


async def count(db, table) -> int:
    async with db.session() as session:
        return (await session.exec(select(func.count()).select_from(table))).one()


def selected(page: str, name: str) -> str | None:
    field = re.search(rf'<select id="f-{name}".*?</select>', page, re.S)
    assert field is not None
    chosen = re.search(r'<option value="([^"]*)" selected', field.group(0))
    return chosen.group(1) if chosen else None


def textarea(page: str, name: str) -> str:
    field = re.search(rf'<textarea id="f-{name}"[^>]*>(.*?)</textarea>', page, re.S)
    assert field is not None
    return unescape(field.group(1))


async def test_a_blocking_point_opens_the_help_form_with_its_text_and_the_capsules_skill(
    client, db, demo_data
):
    session_id = await flipped_session(db)
    skill_id = await tag_capsule(db, session_id, "Accessibilité numérique")
    before = await count(db, HelpRequest)
    await sign_in(client, BLOCKED)
    capsule = unescape((await client.get(f"/sessions/{session_id}/capsule")).text)
    assert f"/sessions/{session_id}/capsule/blocking/help" in capsule
    page = await client.get(f"/sessions/{session_id}/capsule/blocking/help")
    assert page.status_code == 200
    assert textarea(page.text, "description") == BLOCKING
    assert selected(page.text, "skill_id") == str(skill_id)
    assert await count(db, HelpRequest) == before  # shown, not sent


async def test_a_journal_entry_opens_the_project_form_open_and_prefilled(client, db, demo_data):
    entry = await entry_id(db)
    before = await count(db, Project)
    await sign_in(client, AUTHOR)
    shown = await client.get(f"/journal/entries/{entry}")
    assert f"/journal/entries/{entry}/project" in shown.text
    page = await client.get(f"/journal/entries/{entry}/project")
    assert page.status_code == 200
    text = unescape(page.text)
    assert "<details open>" in text
    assert f'value="{ENTRY_TITLE}"' in text and textarea(page.text, "pitch") == ENTRY_HARD
    assert 'value="Accessibilité numérique"' in text  # the entry's first skill, by name
    assert await count(db, Project) == before


async def test_a_journal_entry_opens_the_help_form_with_what_was_hard_and_its_skill(
    client, db, demo_data
):
    entry = await entry_id(db)
    await sign_in(client, AUTHOR)
    page = await client.get(f"/journal/entries/{entry}/help")
    assert page.status_code == 200 and textarea(page.text, "description") == ENTRY_HARD
    async with db.session() as session:
        query = select(Skill.id).where(Skill.name == "Accessibilité numérique")
        skill_id = (await session.exec(query)).first()
    assert skill_id is not None and selected(page.text, "skill_id") == str(skill_id)


@pytest.mark.parametrize("target", ["help", "project"])
async def test_nobody_but_the_author_reaches_a_blocking_point_or_an_entry(
    client, db, demo_data, target
):
    session_id = await flipped_session(db)
    entry = await entry_id(db)
    for email in (UNBLOCKED, TRAINER, "organisme@demo.test", "apprenant1@demo.test"):
        client.cookies.clear()
        await sign_in(client, email)
        blocking = await client.get(f"/sessions/{session_id}/capsule/blocking/{target}")
        assert blocking.status_code == 404, email
        assert BLOCKING not in unescape(blocking.text)
    for email in ("apprenant11@demo.test", TRAINER, "organisme@demo.test"):
        client.cookies.clear()
        await sign_in(client, email)
        found = await client.get(f"/journal/entries/{entry}/{target}")
        assert found.status_code == 404, email
        assert ENTRY_HARD not in unescape(found.text)


async def test_without_a_blocking_point_the_capsule_offers_no_bridge(client, db, demo_data):
    session_id = await flipped_session(db)
    await sign_in(client, UNBLOCKED)
    capsule = (await client.get(f"/sessions/{session_id}/capsule")).text
    assert "/capsule/blocking/help" not in capsule


@pytest.mark.parametrize(
    "path",
    [
        "/journal/entries/abc/help",
        "/journal/entries/0/project",
        "/journal/entries/99999999999999999999999/help",
        "/sessions/-1/capsule/blocking/help",
        "/sessions/99999999999/capsule/blocking/project",
        "/sessions/%00/capsule/blocking/help",
    ],
)
async def test_a_malformed_or_unknown_address_is_not_found(client, demo_data, path):
    await sign_in(client, BLOCKED)
    assert (await client.get(path)).status_code == 404


async def test_signed_out_a_bridge_asks_to_sign_in(client, db, demo_data):
    entry = await entry_id(db)
    answer = await client.get(f"/journal/entries/{entry}/help")
    assert answer.status_code in (302, 303) and "/signin" in answer.headers["location"]

"""Before the session through the app: the capsule a trainer prepares (links are http or
https, checkpoints whole), what learners explore, rate, answer and say blocks them, the
readiness board (counts always, means and topics from k learners), who may do what."""

from __future__ import annotations

import asyncio
import re
from html import escape, unescape

import pytest
from sqlmodel import col, func, select

import realtime
from community.flipped import board, progress
from community.flipped.demo import TITLE
from community.models import CourseSession, FlippedBlocker, FlippedResource, User
from realtime import log as event_log
from tests.helpers import post_form, sign_in, staff_of_another_provider

TRAINER = "formateur2@demo.test"  # teaches the demo's flipped group (learners 7 to 12)
OTHER_TRAINER = "formateur1@demo.test"
LEARNER = "apprenant7@demo.test"
OTHER_GROUP_LEARNER = "apprenant1@demo.test"
GOOD = {"kind": "link", "title": "Lire la norme", "url": "https://www.w3.org/TR/WCAG22/",
        "minutes": "10", "question": "", "choices": "", "right_choice": ""}  # fmt: skip


async def flipped_session(db) -> int:
    async with db.session() as session:
        found = await session.exec(select(CourseSession.id).where(CourseSession.title == TITLE))
        return found.one() or 0


async def first_resource(db, session_id: int) -> FlippedResource:
    async with db.session() as session:
        rows = await session.exec(
            select(FlippedResource)
            .where(FlippedResource.session_id == session_id)
            .order_by(col(FlippedResource.id))
        )
        return rows.first()  # type: ignore[return-value]


async def board_of(db, session_id: int) -> board.Board:
    async with db.session() as session:
        trainer = (await session.exec(select(User).where(User.email == TRAINER))).one()
        return await board.readable(session, trainer, session_id)


async def person(db, email: str) -> User:
    async with db.session() as session:
        return (await session.exec(select(User).where(User.email == email))).one()


async def post(client, path: str, data: dict[str, str], page: str):
    return await post_form(client, path, data, page=page)


async def test_a_learner_finds_what_to_explore_on_home_and_the_capsule(client, db, demo_data):
    session_id = await flipped_session(db)
    await sign_in(client, LEARNER)
    home = unescape((await client.get("/")).text)
    assert "À explorer avant" in home and f"/sessions/{session_id}/capsule" in home
    page = await client.get(f"/sessions/{session_id}/capsule")
    assert page.status_code == 200
    text = unescape(page.text)
    assert "Étiqueter chaque champ" in text and "Qu'est-ce qui vous bloque ?" in text
    assert "Rien n'est verrouillé" in text


async def test_a_link_that_is_not_http_or_https_is_refused_with_a_clear_message(
    client, db, demo_data
):
    session_id = await flipped_session(db)
    capsule = f"/sessions/{session_id}/capsule"
    await sign_in(client, TRAINER)
    for url in ("javascript:alert(1)", "ftp://exemple.fr/doc", "exemple.fr", "https://"):
        refused = await post(client, capsule + "/resources", {**GOOD, "url": url}, capsule)
        assert refused.status_code == 422, url
        assert "http:// ou https://" in refused.text
    accepted = await post(client, capsule + "/resources", GOOD, capsule)
    assert accepted.status_code == 303
    assert "Lire la norme" in unescape((await client.get(capsule)).text)


@pytest.mark.parametrize(
    ("change", "field_message"),
    [
        ({"minutes": "0"}, "de 1 à 240"),
        ({"minutes": "dix"}, "de 1 à 240"),
        ({"question": "Laquelle ?", "choices": "une seule"}, "de 2 à 6 choix"),
        ({"question": "Laquelle ?", "choices": "a\nb", "right_choice": "3"}, "de 1 à 2"),
        ({"kind": "text", "url": ""}, "Écrivez le texte"),
        ({"kind": "hologram"}, "Choisissez"),
        ({"title": ""}, "obligatoire"),
    ],
)
async def test_a_resource_form_says_what_is_wrong_in_french(
    client, db, demo_data, change, field_message
):
    session_id = await flipped_session(db)
    capsule = f"/sessions/{session_id}/capsule"
    await sign_in(client, TRAINER)
    refused = await post(client, capsule + "/resources", {**GOOD, **change}, capsule)
    assert refused.status_code == 422
    assert field_message in unescape(refused.text)


async def test_only_the_groups_trainers_prepare_and_read_the_board(client, app, db, demo_data):
    session_id = await flipped_session(db)
    capsule, readiness = f"/sessions/{session_id}/capsule", f"/sessions/{session_id}/readiness"
    await staff_of_another_provider(db)
    await sign_in(client, "organisme@demo.test")
    assert (await client.get(readiness)).status_code == 200  # the provider's staff reads it
    assert (await client.get(capsule)).status_code == 404
    for email in (OTHER_TRAINER, OTHER_GROUP_LEARNER, "staff-b@b.test"):
        client.cookies.clear()
        await sign_in(client, email, *(["mot de passe b"] if email.endswith("b.test") else []))
        assert (await client.get(capsule)).status_code == 404, email
        assert (await client.get(readiness)).status_code == 404, email
        added = await post(client, capsule + "/resources", GOOD, "/")
        assert added.status_code == 404, email
    client.cookies.clear()
    await sign_in(client, LEARNER)
    assert (await client.get(readiness)).status_code == 404
    assert (await post(client, capsule + "/resources", GOOD, capsule)).status_code == 404
    client.cookies.clear()
    await sign_in(client, TRAINER)
    assert (await client.get(readiness)).status_code == 200
    resource = await first_resource(db, session_id)
    explored = f"{capsule}/resources/{resource.id}/explored"
    assert (await post(client, explored, {}, capsule)).status_code == 404
    assert (await post(client, capsule + "/blocking", {"body": "x"}, capsule)).status_code == 404


async def test_a_learner_explores_rates_and_answers_a_checkpoint(client, db, demo_data):
    session_id = await flipped_session(db)
    capsule = f"/sessions/{session_id}/capsule"
    resource = await first_resource(db, session_id)
    explored = f"{capsule}/resources/{resource.id}/explored"
    await sign_in(client, LEARNER)
    for bad in ({"usefulness": "9"}, {"usefulness": "beaucoup"}, {"choice": "7"}):
        assert (await post(client, explored, bad, capsule)).status_code == 422, bad
    answered = await post(client, explored, {"usefulness": "4", "choice": "0"}, capsule)
    assert answered.status_code == 303
    page = unescape((await client.get(capsule)).text)
    assert "Bonne réponse." in page and "Enregistrer mes réponses" in page
    wrong = await post(client, explored, {"choice": "1"}, capsule)
    assert wrong.status_code == 303
    assert "Pas tout à fait : la réponse est « for »." in unescape((await client.get(capsule)).text)
    elsewhere = f"{capsule}/resources/999999/explored"
    assert (await post(client, elsewhere, {}, capsule)).status_code == 404


async def test_the_board_counts_explorers_and_hides_means_under_k(client, db, demo_data):
    session_id = await flipped_session(db)
    await sign_in(client, TRAINER)
    page = (await client.get(f"/sessions/{session_id}/readiness")).text
    rows = re.findall(r'<th scope="row">([^<]+)</th>\s*<td class="explored">([^<]+)</td>', page)
    # Of the group's six learners, three of the demo explored the first resource, two the
    # second, one the third (with as many ratings: fewer than k, so no mean).
    assert [count for _title, count in rows] == ["3 sur 6", "2 sur 6", "1 sur 6", "0 sur 6"]
    assert "à partir de 5 notes" in page and "/ 5" not in page


async def test_topics_show_from_k_answers_and_their_examples_from_k_answers_in_the_topic(
    client, db, demo_data
):
    session_id = await flipped_session(db)
    readiness = f"/sessions/{session_id}/readiness"
    await sign_in(client, TRAINER)
    before = unescape((await client.get(readiness)).text)
    assert "3 apprenant·es sur 6 ont répondu" in before
    assert "à partir de 5 réponses" in before and "Je ne comprends pas" not in before
    async with db.session() as session:
        for email, text in (
            ("apprenant7@demo.test", "L'étiquette du champ et l'attribut for, je ne vois pas."),
            ("apprenant8@demo.test", "Annoncer les erreurs au lecteur d'écran reste flou."),
        ):
            learner = (await session.exec(select(User).where(User.email == email))).one()
            await progress.say_what_blocks(session, learner, session_id, {"body": text})
        await session.commit()
    after = unescape((await client.get(readiness)).text)
    assert "5 apprenant·es sur 6 ont répondu" in after
    assert "À propos de" in after
    shown = await board_of(db, session_id)
    assert shown.topics and all(
        (f"<q>{escape(t.topic.examples[0])}</q>" in after) == (t.topic.size >= shown.k)
        for t in shown.topics
    )
    assert "apprenant" not in after.split("readiness-")[1].lower().replace("apprenant·es", "")


async def test_a_trainer_renames_a_topic_and_it_is_pushed(client, db, demo_data):
    session_id = await flipped_session(db)
    readiness = f"/sessions/{session_id}/readiness"
    async with db.session() as session:
        anchor = (
            await session.exec(
                select(func.min(FlippedBlocker.id)).where(FlippedBlocker.session_id == session_id)
            )
        ).one()
        for n in (7, 8):
            learner = (
                await session.exec(select(User).where(User.email == f"apprenant{n}@demo.test"))
            ).one()
            await progress.say_what_blocks(session, learner, session_id, {"body": "Les labels"})
        await session.commit()
        seq = await realtime.last_seq(session, board.channel(session_id))
    await sign_in(client, TRAINER)
    topics = readiness + "/topics"
    assert (
        await post(client, topics, {"anchor_id": str(anchor), "name": ""}, readiness)
    ).status_code == 422
    assert (
        await post(client, topics, {"anchor_id": "999999", "name": "X"}, readiness)
    ).status_code == 404
    named = await post(client, topics, {"anchor_id": str(anchor), "name": "Étiquettes"}, readiness)
    assert named.status_code == 303
    assert "Étiquettes" in (await client.get(readiness)).text
    async with db.session() as session:
        events = await event_log.since(session, board.channel(session_id), seq, 10)
    assert events and "Étiquettes" in events[-1].content


async def test_one_blocking_answer_per_learner_even_sent_twice_at_once(db, demo_data):
    """Held by the database's unique key (run on PostgreSQL with TEST_DATABASE_URL)."""
    session_id = await flipped_session(db)
    learner = await person(db, LEARNER)

    async def send(text: str) -> None:
        async with db.session() as session:
            await progress.say_what_blocks(session, learner, session_id, {"body": text})
            await session.commit()

    await asyncio.gather(send("Première version"), send("Seconde version"))
    async with db.session() as session:
        rows = list(
            await session.exec(
                select(FlippedBlocker.body).where(
                    FlippedBlocker.session_id == session_id, FlippedBlocker.user_id == learner.id
                )
            )
        )
    assert len(rows) == 1 and rows[0] in ("Première version", "Seconde version")

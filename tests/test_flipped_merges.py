"""The readiness board's topics, as trainers shape them: merging two topics and naming one
hold when answers arrive, who may do it, odd ids; and "you said, we did" for a capsule,
recorded on the board and pushed to the session's learners."""

from __future__ import annotations

import asyncio
from html import unescape

from sqlmodel import col, func, select

import realtime
from community.flipped import board, changes, progress
from community.models import FlippedChange, FlippedTopicMerge, User
from community.notifications import HOME_REGION
from realtime import log as event_log
from tests.helpers import sign_in
from tests.test_flipped import LEARNER, OTHER_GROUP_LEARNER, TRAINER, flipped_session, post

MORE = (
    ("apprenant7@demo.test", "L'étiquette du champ et l'attribut for, je ne vois pas."),
    ("apprenant8@demo.test", "Annoncer les erreurs au lecteur d'écran reste flou."),
)


async def answered(db, session_id: int, answers=MORE) -> board.Board:
    """The demo's three answers and these: from k answers, the board shows topics."""
    async with db.session() as session:
        for email, text in answers:
            learner = (await session.exec(select(User).where(User.email == email))).one()
            await progress.say_what_blocks(session, learner, session_id, {"body": text})
        await session.commit()
        trainer = (await session.exec(select(User).where(User.email == TRAINER))).one()
        return await board.readable(session, trainer, session_id)


async def count(db, model) -> int:
    async with db.session() as session:
        return (await session.exec(select(func.count(col(model.id))))).one()


async def test_a_learner_of_the_group_is_refused_403_and_someone_else_404(client, db, demo_data):
    session_id = await flipped_session(db)
    shown = await answered(db, session_id)
    one, other = (str(t.topic.anchor_id) for t in shown.topics[:2])
    readiness = f"/sessions/{session_id}/readiness"
    writes = {
        readiness + "/merges": {"anchor_id": one, "into_id": other},
        readiness + "/topics": {"anchor_id": one, "name": "Erreurs"},
        readiness + "/changes": {"body": "On commence par les erreurs.", "anchor_id": ""},
    }
    for email, status in ((LEARNER, 403), (OTHER_GROUP_LEARNER, 404)):
        client.cookies.clear()
        await sign_in(client, email)
        for path, data in writes.items():
            assert (await post(client, path, data, "/")).status_code == status, (email, path)
    assert await count(db, FlippedTopicMerge) == 0 and await count(db, FlippedChange) == 1


async def test_malformed_or_foreign_ids_and_empty_text_are_refused_and_change_nothing(
    client, db, demo_data
):
    session_id = await flipped_session(db)
    shown = await answered(db, session_id)
    one = str(shown.topics[0].topic.anchor_id)
    readiness = f"/sessions/{session_id}/readiness"
    await sign_in(client, TRAINER)
    for bad in ("abc", "-1", "0", "99999999999999999999", "1.5", ""):
        merge = {"anchor_id": one, "into_id": bad}
        assert (await post(client, readiness + "/merges", merge, readiness)).status_code == 404
        rename = {"anchor_id": bad, "name": "X"}
        assert (await post(client, readiness + "/topics", rename, readiness)).status_code == 404
        if bad:
            change = {"body": "Un changement", "anchor_id": bad}
            refused = await post(client, readiness + "/changes", change, readiness)
            assert refused.status_code == 422
            assert "Choisissez l'une des options proposées" in unescape(refused.text)
    itself = {"anchor_id": one, "into_id": one}
    assert (await post(client, readiness + "/merges", itself, readiness)).status_code == 422
    empty = await post(client, readiness + "/changes", {"body": "  ", "anchor_id": ""}, readiness)
    assert empty.status_code == 422
    assert (await post(client, "/sessions/999999/readiness/merges", itself, "/")).status_code == 404
    assert await count(db, FlippedTopicMerge) == 0 and await count(db, FlippedChange) == 1


async def test_a_merge_and_its_name_hold_when_new_answers_arrive_and_examples_reach_k(
    client, db, demo_data
):
    session_id = await flipped_session(db)
    shown = await answered(db, session_id)
    assert len(shown.topics) >= 2 and all(t.topic.size < shown.k for t in shown.topics)
    readiness = f"/sessions/{session_id}/readiness"
    await sign_in(client, TRAINER)
    async with db.session() as session:
        seq = await realtime.last_seq(session, board.channel(session_id))
    anchors = [str(t.topic.anchor_id) for t in shown.topics]
    for anchor in anchors[1:]:
        merge = {"anchor_id": anchor, "into_id": anchors[0]}
        assert (await post(client, readiness + "/merges", merge, readiness)).status_code == 303
    first = min(t.topic.anchor_id for t in shown.topics)
    name = {"anchor_id": str(first), "name": "Formulaires"}
    assert (await post(client, readiness + "/topics", name, readiness)).status_code == 303
    late = (("apprenant12@demo.test", "Les messages d'erreur des formulaires, je bloque."),)
    after = await answered(db, session_id, late)
    [named] = [t for t in after.topics if t.name == "Formulaires"]
    merged = {answer for t in shown.topics for answer in t.topic.members}
    assert merged <= set(named.topic.members)  # none of them drifts off with the new answer
    page = unescape((await client.get(readiness)).text)
    assert "Formulaires" in page and page.count("<q>") == 3  # the merged topic's only
    async with db.session() as session:
        events = await event_log.since(session, board.channel(session_id), seq, 20)
    assert "Formulaires" in events[-1].content


async def test_two_merges_at_once_both_hold_and_make_one_topic(db, demo_data):
    """Held by the database's unique key and by merges that only add up (on PostgreSQL)."""
    session_id = await flipped_session(db)
    shown = await answered(db, session_id)
    one, other = (str(t.topic.anchor_id) for t in shown.topics[:2])

    async def merge(anchor: str, into: str) -> None:
        async with db.session() as session:
            trainer = (await session.exec(select(User).where(User.email == TRAINER))).one()
            await board.merge_topics(
                session, trainer, session_id, {"anchor_id": anchor, "into_id": into}
            )
            await session.commit()

    await asyncio.gather(merge(one, other), merge(other, one), merge(one, other))
    # However the three interleaved, one that comes once the topics are one merges nothing
    # and is no error (a second trainer's click, a moment late).
    await merge(other, one)
    async with db.session() as session:
        links = list(
            await session.exec(select(FlippedTopicMerge.answer_id, FlippedTopicMerge.into_id))
        )
    assert len(links) == len(set(links))  # the same link sent twice is kept once
    after = await answered(db, session_id, ())
    assert len(after.topics) == len(shown.topics) - 1
    assert after.topics[0].topic.size == sum(t.topic.size for t in shown.topics[:2])


async def test_a_recorded_change_reaches_the_learners_capsule_and_home_with_one_event(
    client, db, demo_data
):
    session_id = await flipped_session(db)
    shown = await answered(db, session_id)
    readiness, capsule = f"/sessions/{session_id}/readiness", f"/sessions/{session_id}/capsule"
    anchor = str(shown.topics[0].topic.anchor_id)
    await sign_in(client, TRAINER)
    merge = {"anchor_id": str(shown.topics[1].topic.anchor_id), "into_id": anchor}
    await post(client, readiness + "/merges", merge, readiness)  # the topic reaches k
    rename = {"anchor_id": anchor, "name": "Les formulaires"}
    await post(client, readiness + "/topics", rename, readiness)
    async with db.session() as session:
        seq = await realtime.last_seq(session, changes.channel(session_id))
    body = {"body": "Un atelier sur les étiquettes ouvrira la séance.", "anchor_id": anchor}
    assert (await post(client, readiness + "/changes", body, readiness)).status_code == 303
    async with db.session() as session:
        events = await event_log.since(session, changes.channel(session_id), seq, 10)
    assert len(events) == 1  # one event for every reader, who fetches their own language
    assert f'data-refetch="changes-{session_id}"' in events[0].content
    assert f'data-refetch="{HOME_REGION}"' in events[0].content
    client.cookies.clear()
    await sign_in(client, LEARNER)
    page = unescape((await client.get(capsule)).text)
    assert "Vous avez dit : Les formulaires" in page
    assert "Nous avons fait : Un atelier sur les étiquettes ouvrira la séance." in page
    home = unescape((await client.get("/")).text)
    assert "Vous avez dit, nous avons fait, pour" in home and "Un atelier sur les" in home
    assert f'data-live-channel="capsule:{session_id}"' in home
    client.cookies.clear()
    await sign_in(client, OTHER_GROUP_LEARNER)
    assert "Un atelier sur les" not in (await client.get("/")).text


async def test_the_providers_staff_records_a_change_without_a_topic(client, db, demo_data):
    session_id = await flipped_session(db)
    readiness = f"/sessions/{session_id}/readiness"
    await sign_in(client, "organisme@demo.test")
    body = {"body": "La séance commence une demi-heure plus tôt.", "anchor_id": ""}
    assert (await post(client, readiness + "/changes", body, readiness)).status_code == 303
    async with db.session() as session:
        saved = (
            await session.exec(select(FlippedChange).order_by(col(FlippedChange.id).desc()))
        ).first()
    assert saved is not None and saved.said == "" and saved.session_id == session_id

"""Questions and answers before the session, and ready learners invited as peer tutors,
through the app: who may ask, answer, hide and mark; clear French refusals that write
nothing; one live event per write in each role; consent before any tutor is named."""

from __future__ import annotations

import asyncio
import json
from html import unescape

import pytest
from sqlmodel import col, func, select

import realtime
from community.flipped import capsule, peers, progress, questions
from community.models import FlippedPeer, FlippedQuestion, Notification
from realtime import log as event_log
from tests.helpers import sign_in, staff_of_another_provider
from tests.test_flipped import (
    LEARNER,
    OTHER_GROUP_LEARNER,
    OTHER_TRAINER,
    TRAINER,
    flipped_session,
    person,
    post,
)

PEER = "apprenant8@demo.test"
QUESTION = "Le for doit-il reprendre exactement l'id ?"


async def ask(client, session_id: int, text: str = QUESTION):
    page = f"/sessions/{session_id}/capsule"
    return await post(client, page + "/questions", {"question": text}, page)


async def question_id(db, session_id: int, text: str = QUESTION) -> int:
    async with db.session() as session:
        found = await session.exec(
            select(FlippedQuestion.id).where(
                FlippedQuestion.session_id == session_id, FlippedQuestion.body == text
            )
        )
        return found.one() or 0


async def count_posts(db) -> int:
    async with db.session() as session:
        return (await session.exec(select(func.count(col(FlippedQuestion.id))))).one()


async def as_user(client, email: str, *password: str) -> None:
    client.cookies.clear()
    await sign_in(client, email, *password)


async def test_a_question_is_answered_by_a_peer_and_the_trainer_with_names_shown(
    client, db, demo_data
):
    session_id = await flipped_session(db)
    page = f"/sessions/{session_id}/capsule"
    await sign_in(client, LEARNER)
    form = unescape((await client.get(page)).text)
    assert "Votre nom est affiché avec votre question" in form
    assert (await ask(client, session_id)).status_code == 303
    asked = await question_id(db, session_id)
    for email, text in ((PEER, "Oui, exactement le même."), (TRAINER, "Oui, à la lettre.")):
        await as_user(client, email)
        sent = {"question_id": str(asked), "answer": text}
        assert (await post(client, page + "/answers", sent, page)).status_code == 303
    shown = unescape((await client.get(page)).text)
    asker, peer = await person(db, LEARNER), await person(db, PEER)
    assert QUESTION in shown and "Oui, exactement le même." in shown
    assert "Oui, à la lettre." in shown
    assert asker.display_name in shown and peer.display_name in shown


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "Écrivez votre question avant de l'envoyer."), ("   ", "Écrivez votre question"),
     ("x" * 501, "Pas plus de 500 caractères (vous en avez écrit 501).")],
)  # fmt: skip
async def test_an_empty_or_too_long_question_is_refused_in_french_and_nothing_is_written(
    client, db, demo_data, text, message
):
    session_id = await flipped_session(db)
    before = await count_posts(db)
    await sign_in(client, LEARNER)
    refused = await ask(client, session_id, text)
    assert refused.status_code == 422
    assert message in unescape(refused.text)
    assert await count_posts(db) == before


async def test_only_the_sessions_members_ask_and_answer_and_only_its_trainers_moderate(
    client, db, demo_data
):
    session_id = await flipped_session(db)
    page = f"/sessions/{session_id}/capsule"
    await sign_in(client, LEARNER)
    await ask(client, session_id)
    asked = {"question_id": str(await question_id(db, session_id)), "answer": "Je crois"}
    before = await count_posts(db)
    await staff_of_another_provider(db)
    outsiders = [(OTHER_TRAINER,), (OTHER_GROUP_LEARNER,), ("organisme@demo.test",),
                 ("staff-b@b.test", "mot de passe b")]  # fmt: skip
    for outsider in outsiders:
        await as_user(client, *outsider)
        assert (await post(client, page + "/questions", {"question": "?"}, "/")).status_code == 404
        assert (await post(client, page + "/answers", asked, "/")).status_code == 404
        assert (await post(client, page + "/questions/hide", asked, "/")).status_code == 404
    await as_user(client, PEER)
    for action in ("/questions/hide", "/questions/good"):
        assert (await post(client, page + action, asked, page)).status_code == 404
    assert await count_posts(db) == before


async def test_the_trainer_marks_the_good_answer_and_hides_a_question_from_learners_only(
    client, db, demo_data
):
    session_id = await flipped_session(db)
    page = f"/sessions/{session_id}/capsule"
    await sign_in(client, LEARNER)
    await ask(client, session_id)
    asked = await question_id(db, session_id)
    await as_user(client, PEER)
    await post(client, page + "/answers", {"question_id": str(asked), "answer": "Oui"}, page)
    answer_id = await question_id(db, session_id, "Oui")
    await as_user(client, TRAINER)
    good = await post(client, page + "/questions/good", {"question_id": str(answer_id)}, page)
    assert good.status_code == 303
    assert "Bonne réponse" in unescape((await client.get(page)).text)
    # A question cannot be "the good answer".
    refused = await post(client, page + "/questions/good", {"question_id": str(asked)}, page)
    assert refused.status_code == 404
    hidden = await post(client, page + "/questions/hide", {"question_id": str(asked)}, page)
    assert hidden.status_code == 303
    trainer_sees = unescape((await client.get(page)).text)
    assert QUESTION in trainer_sees and "Masqué aux apprenant·es" in trainer_sees
    await as_user(client, PEER)
    assert QUESTION not in unescape((await client.get(page)).text)
    late = {"question_id": str(asked), "answer": "Trop tard"}
    assert (await post(client, page + "/answers", late, page)).status_code == 404


@pytest.mark.parametrize(
    "raw", ["", "abc", "-1", "0", "1.5", "99999999999999999999", "1; DROP TABLE", "٣"]
)
async def test_a_malformed_question_id_is_a_404_never_a_server_error(client, db, demo_data, raw):
    session_id = await flipped_session(db)
    page = f"/sessions/{session_id}/capsule"
    await sign_in(client, TRAINER)
    for action in ("/answers", "/questions/hide", "/questions/good"):
        sent = await post(client, page + action, {"question_id": raw, "answer": "Oui"}, page)
        assert sent.status_code == 404, action


async def test_each_write_is_one_live_event_with_a_variant_per_language_and_role(db, demo_data):
    session_id = await flipped_session(db)
    learner = await person(db, LEARNER)
    async with db.session() as session:
        seq = await realtime.last_seq(session, questions.channel(session_id))
        await questions.ask(session, learner, session_id, {"question": QUESTION})
        await session.commit()
        events = await event_log.since(session, questions.channel(session_id), seq, 10)
    assert len(events) == 1
    pushed = json.loads(events[0].content.removeprefix("\x1e"))
    assert set(pushed["of"]) == {"fr/learner", "fr/trainer", "en/learner", "en/trainer"}
    learner_sees, trainer_sees = (unescape(pushed["html"][pushed["of"][k]])
                                  for k in ("fr/learner", "fr/trainer"))  # fmt: skip
    assert QUESTION in learner_sees and "Masquer cette question" not in learner_sees
    assert QUESTION in trainer_sees and "Masquer cette question" in trainer_sees


async def make_ready(db, email: str, session_id: int) -> None:
    """Explores every resource of the capsule."""
    learner = await person(db, email)
    async with db.session() as session:
        for item in await capsule.resources(session, session_id):
            await progress.explore(session, learner, session_id, item.id or 0, {})
        await session.commit()


async def test_ready_learners_are_invited_and_named_to_the_others_only_once_they_accept(
    client, db, demo_data
):
    session_id = await flipped_session(db)
    page, board = f"/sessions/{session_id}/capsule", f"/sessions/{session_id}/readiness"
    await make_ready(db, PEER, session_id)
    peer = await person(db, PEER)
    await sign_in(client, TRAINER)
    assert "Prêt·es pour la séance : 1 sur 6" in unescape((await client.get(board)).text)
    assert (await post(client, board + "/peers", {}, board)).status_code == 303
    async with db.session() as session:
        told = await session.exec(
            select(Notification).where(
                Notification.user_id == peer.id, Notification.kind == "peer_tutor"
            )
        )
        assert told.one().link == f"{page}#peer-invitation"
    await as_user(client, LEARNER)
    assert "Des pairs prêts peuvent vous aider" not in unescape((await client.get(page)).text)
    await as_user(client, PEER)
    assert "Aider vos pairs ?" in unescape((await client.get(page)).text)
    assert (await post(client, page + "/peer", {"accept": "yes"}, page)).status_code == 303
    assert "Des pairs prêts peuvent vous aider" not in unescape((await client.get(page)).text)
    await as_user(client, LEARNER)
    helped = unescape((await client.get(page)).text)
    assert "Des pairs prêts peuvent vous aider" in helped and peer.display_name in helped
    assert 'href="/help' in helped


async def test_a_declined_invitation_names_nobody(client, db, demo_data):
    session_id = await flipped_session(db)
    page, board = f"/sessions/{session_id}/capsule", f"/sessions/{session_id}/readiness"
    await make_ready(db, PEER, session_id)
    await sign_in(client, TRAINER)
    await post(client, board + "/peers", {}, board)
    await as_user(client, PEER)
    assert (await post(client, page + "/peer", {"accept": "no"}, page)).status_code == 303
    await as_user(client, LEARNER)
    assert "Des pairs prêts peuvent vous aider" not in unescape((await client.get(page)).text)


async def test_a_learner_not_invited_or_sending_a_strange_choice_gets_a_404(client, db, demo_data):
    session_id = await flipped_session(db)
    page = f"/sessions/{session_id}/capsule"
    await sign_in(client, LEARNER)
    assert (await post(client, page + "/peer", {"accept": "yes"}, page)).status_code == 404
    await as_user(client, LEARNER)
    assert (await post(client, page + "/peer", {"accept": "peut-être"}, page)).status_code == 404
    await as_user(client, TRAINER)
    assert (await post(client, page + "/peer", {"accept": "yes"}, page)).status_code == 404
    await as_user(client, PEER)
    board = f"/sessions/{session_id}/readiness"
    assert (await post(client, board + "/peers", {}, page)).status_code == 404


async def test_accepting_twice_at_once_leaves_one_accepted_invitation(db, demo_data):
    session_id = await flipped_session(db)
    await make_ready(db, PEER, session_id)
    trainer, peer = await person(db, TRAINER), await person(db, PEER)
    async with db.session() as session:
        await peers.invite(session, trainer, session_id)
        await session.commit()

    async def accept() -> None:
        async with db.session() as session:
            await peers.respond(session, peer, session_id, {"accept": "yes"})
            await session.commit()

    await asyncio.gather(accept(), accept())
    async with db.session() as session:
        rows = list(await session.exec(select(FlippedPeer).where(FlippedPeer.user_id == peer.id)))
    assert [row.accepted for row in rows] == [True]

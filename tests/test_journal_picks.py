"""The entries a session's trainers pick to discuss: first on the pooling page, in their order,
pushed live with one event per change; learners are refused, anyone else told there is no
such session; two picks at once make one each, never twice the same."""

from __future__ import annotations

import asyncio
from html import unescape

from sqlmodel import select

import realtime
from community.journal import picks, pooling
from community.models import JournalPick, User
from realtime import log as event_log
from tests.helpers import post_form, sign_in
from tests.test_journal import LEARNER, OTHER_GROUP_LEARNER, TRAINER, entry_titled, pooling_session

PICKED = "Un formulaire de contact refusé par l'audit"  # picked in the demo
LAYOUT = "Mise en page cassée sur téléphone"
MERGE = "Un conflit de fusion avant la livraison"


async def ids(db, *titles: str) -> list[int]:
    return [(await entry_titled(db, title)).id or 0 for title in titles]


async def order(db, session_id: int) -> list[int]:
    async with db.session() as session:
        return await pooling.picked_in(session, session_id)


async def test_the_demo_has_one_entry_to_discuss_shown_first_on_the_pooling_page(
    client, db, demo_data
):
    session_id = await pooling_session(db)
    assert await order(db, session_id) == await ids(db, PICKED)
    await sign_in(client, LEARNER)
    page = unescape((await client.get(f"/sessions/{session_id}/pooling")).text)
    discussed, others = page.split("À discuter en séance")[1].split("Partagées aussi")
    assert PICKED in discussed and LAYOUT not in discussed
    assert LAYOUT in others and MERGE in others and PICKED not in others


async def test_a_trainer_picks_moves_and_unpicks_with_one_event_each(client, db, demo_data):
    session_id = await pooling_session(db)
    skills = f"/sessions/{session_id}/pooling/skills"
    picked, layout, merge = await ids(db, PICKED, LAYOUT, MERGE)
    async with db.session() as session:
        seq = await realtime.last_seq(session, pooling.channel(session_id))
    await sign_in(client, TRAINER)
    for entry_id in (layout, merge):
        data = {"entry_id": str(entry_id), "back": "skills"}
        done = await post_form(client, f"/sessions/{session_id}/pooling/picks", data, page=skills)
        assert done.status_code == 303 and done.headers["location"] == skills + "#picks"
    assert await order(db, session_id) == [picked, layout, merge]
    moved = await post_form(
        client, f"/sessions/{session_id}/pooling/picks/{merge}/move", {"position": "1"}, page=skills
    )
    assert moved.headers["location"] == f"/sessions/{session_id}/pooling#picks"
    assert await order(db, session_id) == [merge, picked, layout]
    gone = await post_form(client, f"/sessions/{session_id}/pooling/picks/{picked}/unpick", {})
    assert gone.status_code == 303
    assert await order(db, session_id) == [merge, layout]
    async with db.session() as session:
        events = await event_log.since(session, pooling.channel(session_id), seq, 10)
    assert len(events) == 4  # two picks, a move, an unpick: one rendering each
    discussed = unescape(events[-1].content).split("À discuter en séance")[1].split("Partagées")[0]
    assert discussed.index(MERGE) < discussed.index(LAYOUT) and PICKED not in discussed


async def test_a_place_out_of_the_order_is_refused_in_french_and_changes_nothing(
    client, db, demo_data
):
    session_id = await pooling_session(db)
    [picked] = await ids(db, PICKED)
    await sign_in(client, TRAINER)
    move = f"/sessions/{session_id}/pooling/picks/{picked}/move"
    for position in ("2", "0", "-1", "abc", "9" * 30, ""):
        refused = await post_form(client, move, {"position": position})
        assert refused.status_code == 422, position
        assert "Choisissez une place de 1 à 1." in unescape(refused.text)
    assert await order(db, session_id) == [picked]


async def test_learners_are_refused_and_others_told_there_is_no_such_session(client, db, demo_data):
    session_id = await pooling_session(db)
    [picked, layout] = await ids(db, PICKED, LAYOUT)
    pick = f"/sessions/{session_id}/pooling/picks"
    await sign_in(client, LEARNER)
    assert (await post_form(client, pick, {"entry_id": str(layout)})).status_code == 403
    assert (await post_form(client, f"{pick}/{picked}/unpick", {})).status_code == 403
    page = unescape((await client.get(f"/sessions/{session_id}/pooling")).text)
    assert "Retenir pour la séance" not in page
    client.cookies.clear()
    await sign_in(client, OTHER_GROUP_LEARNER)
    assert (await post_form(client, pick, {"entry_id": str(layout)})).status_code == 404
    assert (await post_form(client, f"{pick}/{picked}/move", {"position": "1"})).status_code == 404
    assert await order(db, session_id) == [picked]


async def test_malformed_or_foreign_ids_are_not_found_never_a_server_error(client, db, demo_data):
    session_id = await pooling_session(db)
    private = (await entry_titled(db, "Première réunion avec un client")).id
    await sign_in(client, TRAINER)
    pick = f"/sessions/{session_id}/pooling/picks"
    for entry_id in ("", "abc", "-3", "9" * 40, "0", str(private)):
        assert (await post_form(client, pick, {"entry_id": entry_id})).status_code == 404
    assert (await post_form(client, f"{pick}/999999/unpick", {})).status_code == 404
    assert (await post_form(client, "/sessions/999999/pooling/picks", {})).status_code == 404
    assert (await post_form(client, f"/sessions/{'9' * 40}/pooling/picks", {})).status_code == 404


async def test_an_entry_unshared_is_no_longer_picked(client, db, demo_data):
    session_id = await pooling_session(db)
    entry = await entry_titled(db, PICKED)
    await sign_in(client, LEARNER)
    done = await post_form(client, f"/journal/entries/{entry.id}/unshare", {})
    assert done.status_code == 303
    assert await order(db, session_id) == []


async def test_two_trainers_picking_at_once_make_one_pick_each_never_twice_the_same(db, demo_data):
    """Held by the database's unique key, and by the session's row locked meanwhile."""
    session_id = await pooling_session(db)
    picked, layout, merge = await ids(db, PICKED, LAYOUT, MERGE)

    async def pick(entry_id: int) -> None:
        async with db.session() as session:
            trainer = (await session.exec(select(User).where(User.email == TRAINER))).one()
            await picks.pick(session, trainer, session_id, {"entry_id": str(entry_id)})
            await session.commit()

    await asyncio.gather(pick(layout), pick(merge), pick(layout), pick(merge))
    async with db.session() as session:
        rows = list(await session.exec(select(JournalPick).order_by(JournalPick.position)))
    assert sorted(row.entry_id for row in rows) == sorted([picked, layout, merge])
    assert [row.position for row in rows] == [1, 2, 3]

"""Session feedback, anonymity, reminders, response rates, review, the pulse."""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import inspect
from sqlmodel import col, func, select

from community import feedback, trainings
from community.app import create_app
from community.models import (
    CourseSession,
    FeedbackAggregate,
    FeedbackAnswer,
    FeedbackPending,
    FeedbackRating,
    FeedbackReceipt,
    Iteration,
    Notification,
    PulseTap,
    User,
    utcnow,
)
from community.views import feedback as feedback_views
from community.views import improvements as improvement_views
from community.views import pulse as pulse_views
from tests.conftest import make_client
from tests.helpers import post_form, sign_in, sign_up

LATEST = "Situations d'urgence"  # group 2's last session: six days ago, feedback still open
EARLIER = "Relation d'aide"  # thirteen days ago: closed


async def session_id(db, title: str, iteration_id: int = 2) -> int:
    async with db.session() as session:
        query = select(CourseSession.id).where(
            CourseSession.title == title, CourseSession.iteration_id == iteration_id
        )
        return (await session.exec(query)).one()


async def count(db, column, *where) -> int:
    async with db.session() as session:
        return (await session.exec(select(func.count(column)).where(*where))).one()


async def join_code(db, iteration_id: int) -> str:
    async with db.session() as session:
        code = await trainings.current_code(session, await session.get(Iteration, iteration_id))
    assert code is not None
    return code.code


async def _user(db, email: str) -> User:
    async with db.session() as session:
        return (await session.exec(select(User).where(User.email == email))).one()


async def give(client, sid: int, **fields: str):
    return await post_form(
        client, f"/sessions/{sid}/feedback", fields, page=f"/sessions/{sid}/feedback"
    )


async def mixed_at_close(db, sid: int) -> int:
    """Run the mixer as it runs once the session's feedback window has closed."""
    return await feedback.mix(db, sid, now=utcnow() + 2 * feedback.WINDOW)


async def answers_of(db, sid: int) -> list[FeedbackAnswer]:
    async with db.session() as session:
        query = select(FeedbackAnswer).where(FeedbackAnswer.session_id == sid)
        return list((await session.exec(query)).all())


async def ratings_of(db, answer_id: str) -> list[int]:
    async with db.session() as session:
        query = select(FeedbackRating.value).where(FeedbackRating.answer_id == answer_id)
        return sorted((await session.exec(query)).all())


async def test_one_tap_on_the_overall_scale_rates_every_criterion(client, db, demo_data):
    sid = await session_id(db, LATEST)
    await sign_in(client, "apprenant1@demo.test")
    page = await client.get(f"/sessions/{sid}/feedback")
    assert "Dans l'ensemble, cette séance était" in page.text
    assert "au moins 5 réponses" in page.text  # who reads, and small groups protected
    response = await give(client, sid, overall="4")
    assert response.status_code == 303
    assert (
        "Merci ! Votre avis est enregistré" in (await client.get(response.headers["location"])).text
    )
    assert await count(db, col(FeedbackReceipt.id), FeedbackReceipt.session_id == sid) == 1
    assert await count(db, col(FeedbackPending.edit_hash), FeedbackPending.session_id == sid) == 1
    assert await answers_of(db, sid) == []  # alone, it waits for k answers or the window's end
    assert await mixed_at_close(db, sid) == 1
    [answer] = await answers_of(db, sid)
    assert await ratings_of(db, answer.id) == [4, 4, 4, 4]
    assert await count(db, col(FeedbackPending.edit_hash), FeedbackPending.session_id == sid) == 0


async def test_answers_wait_until_k_of_them_are_mixed_in_one_batch(app, db, demo_data):
    sid = await session_id(db, LATEST)
    for n in range(1, 6):  # k = 5 for the demo provider
        async with make_client(app) as browser:
            await sign_in(browser, f"apprenant{n}@demo.test")
            assert (await give(browser, sid, overall=str(n))).status_code == 303
        mixed = await answers_of(db, sid)
        assert len(mixed) == (5 if n == 5 else 0)
    async with db.session() as session:
        totals = (
            await session.exec(select(FeedbackAggregate).where(FeedbackAggregate.session_id == sid))
        ).all()
    assert [(t.count, t.total, t.h1, t.h5) for t in totals] == [(5, 15, 1, 1)] * 4
    assert await count(db, col(FeedbackPending.edit_hash), FeedbackPending.session_id == sid) == 0


async def test_the_same_browser_edits_its_answer_until_the_window_closes(client, db, demo_data):
    sid = await session_id(db, LATEST)
    await sign_in(client, "apprenant1@demo.test")
    await give(client, sid, overall="2", comment="Trop rapide")
    async with db.session() as session:
        dims = await feedback.dimensions_of(session, 1)
    edit = await give(
        client, sid, overall="2", **{f"d{dims[2].id}": "5"}, comment="Finalement ça allait"
    )
    assert edit.status_code == 303
    page = await client.get(f"/sessions/{sid}/feedback")
    assert "Modifier mon avis" in page.text
    assert "Finalement ça allait" in page.text
    assert await count(db, col(FeedbackReceipt.id), FeedbackReceipt.session_id == sid) == 1
    await mixed_at_close(db, sid)
    [answer] = await answers_of(db, sid)
    assert await ratings_of(db, answer.id) == [2, 2, 2, 5]
    assert "Finalement ça allait" in (await client.get(f"/sessions/{sid}/feedback")).text


async def test_an_edit_of_a_mixed_answer_waits_for_the_next_batch(client, db, demo_data):
    sid = await session_id(db, LATEST)
    await sign_in(client, "apprenant1@demo.test")
    await give(client, sid, overall="2", comment="Trop rapide")
    await mixed_at_close(db, sid)
    [before] = await answers_of(db, sid)
    await give(client, sid, overall="4", comment="Mieux à la relecture")
    [still] = await answers_of(db, sid)  # the author's request never writes the answer
    assert (still.comment, await ratings_of(db, still.id)) == ("Trop rapide", [2, 2, 2, 2])
    page = await client.get(f"/sessions/{sid}/feedback")
    assert "Mieux à la relecture" in page.text  # the author sees the edit waiting
    await mixed_at_close(db, sid)
    [after] = await answers_of(db, sid)
    assert after.id == before.id and after.comment == "Mieux à la relecture"
    assert after.comment_status == "pending"  # a changed comment is reviewed again
    assert await ratings_of(db, after.id) == [4, 4, 4, 4]
    async with db.session() as session:
        totals = (
            await session.exec(select(FeedbackAggregate).where(FeedbackAggregate.session_id == sid))
        ).all()
    assert [(t.count, t.total, t.h2, t.h4) for t in totals] == [(1, 4, 0, 1)] * 4


async def submitted_directly(db, sid: int, learners: int) -> None:
    """The first demo learners answer through the area's code, without the app around it."""
    async with db.session() as session:
        for n in range(1, learners + 1):
            query = select(User).where(User.email == f"apprenant{n}@demo.test")
            learner = (await session.exec(query)).one()
            view = await feedback.session_view(session, learner, sid)
            await feedback.submit(session, learner, view, {"overall": "3"})
        await session.commit()


async def test_answers_left_pending_by_a_stopped_process_are_mixed_at_start_up(
    settings, db, demo_data
):
    sid = await session_id(db, LATEST)
    await submitted_directly(db, sid, learners=5)  # committed, then the process stops
    assert await answers_of(db, sid) == []
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        assert len(await answers_of(db, sid)) == 5
    assert await count(db, col(FeedbackPending.edit_hash)) == 0


async def test_a_feedback_cookie_of_another_learner_is_ignored_and_replaced(
    app, client, db, demo_data
):
    sid = await session_id(db, LATEST)
    await sign_in(client, "apprenant1@demo.test")
    await give(client, sid, overall="2", comment="Ce que pense Amina")
    theirs = {name: value for name, value in client.cookies.items() if name != "ruche"}
    assert theirs
    async with make_client(app) as same_computer:
        await sign_in(same_computer, "apprenant2@demo.test")
        for name, value in theirs.items():  # copied over, as a shared browser would keep them
            same_computer.cookies.set(name, value)
        form = await same_computer.get(f"/sessions/{sid}/feedback")
        assert "Ce que pense Amina" not in form.text and "Modifier mon avis" not in form.text
        assert (await give(same_computer, sid, overall="5")).status_code == 303
        assert (
            "Ce que pense Amina" not in (await same_computer.get(f"/sessions/{sid}/feedback")).text
        )
    assert await count(db, col(FeedbackReceipt.id), FeedbackReceipt.session_id == sid) == 2
    await mixed_at_close(db, sid)
    answers = await answers_of(db, sid)
    assert sorted(a.comment for a in answers) == ["", "Ce que pense Amina"]


async def test_mixers_running_at_once_mix_each_answer_once(db, demo_data):
    sid = await session_id(db, LATEST)
    await submitted_directly(db, sid, learners=6)
    mixed = await asyncio.gather(*(feedback.mix(db, sid) for _ in range(4)))
    assert sorted(mixed) == [0, 0, 0, 6]  # several processes: one batch, never split below k
    assert len(await answers_of(db, sid)) == 6
    async with db.session() as session:
        query = select(FeedbackAggregate.count).where(FeedbackAggregate.session_id == sid)
        assert set((await session.exec(query)).all()) == {6}


async def test_a_second_answer_from_another_device_is_refused(app, client, db, demo_data):
    sid = await session_id(db, LATEST)
    await sign_in(client, "apprenant1@demo.test")
    await give(client, sid, overall="3")
    async with make_client(app) as phone:
        await sign_in(phone, "apprenant1@demo.test")
        again = await give(phone, sid, overall="5")
    assert again.status_code == 422
    assert "Vous avez déjà donné votre avis sur cette séance." in again.text
    assert await count(db, col(FeedbackPending.edit_hash), FeedbackPending.session_id == sid) == 1


@pytest.mark.parametrize("rating", ["", "0", "6", "3.5", "trois"])
async def test_out_of_range_ratings_are_refused_and_nothing_is_written(
    client, db, demo_data, rating
):
    sid = await session_id(db, LATEST)
    await sign_in(client, "apprenant1@demo.test")
    response = await give(client, sid, overall=rating)
    assert response.status_code == 422
    assert "Choisissez une note de 1 à 5." in response.text
    assert await count(db, col(FeedbackReceipt.id), FeedbackReceipt.session_id == sid) == 0


async def test_feedback_after_the_window_is_refused(client, db, demo_data):
    sid = await session_id(db, EARLIER)
    await sign_in(client, "apprenant1@demo.test")
    response = await give(client, sid, overall="4")
    assert response.status_code == 422
    assert "Les avis sur cette séance sont clos." in response.text


async def test_an_overlong_comment_is_refused(client, db, demo_data):
    sid = await session_id(db, LATEST)
    await sign_in(client, "apprenant1@demo.test")
    response = await give(client, sid, overall="4", comment="x" * 1001)
    assert response.status_code == 422
    assert "1000 caractères au maximum" in response.text
    assert await count(db, col(FeedbackReceipt.id), FeedbackReceipt.session_id == sid) == 0


async def test_answers_cannot_be_linked_to_anyone(db, demo_data):
    """The schema itself: no user, no time finer than the day, random identifiers."""
    async with db.session() as session:
        connection = await session.connection()

        def columns(sync, table):
            return {c["name"]: c for c in inspect(sync).get_columns(table)}

        def foreign(sync, table):
            return {fk["referred_table"] for fk in inspect(sync).get_foreign_keys(table)}

        for table in ("feedback_answer", "feedback_rating", "feedback_pending"):
            cols = await connection.run_sync(columns, table)
            assert not {"user_id", "author_id", "ip", "created_at", "updated_at"} & set(cols)
            assert "user" not in await connection.run_sync(foreign, table)
            for name, column in cols.items():
                type_name = str(column["type"]).upper()
                assert "TIME" not in type_name, f"{table}.{name} keeps a time"
        receipt = await connection.run_sync(columns, "feedback_receipt")
        assert set(receipt) == {"id", "session_id", "user_id"}  # who, never when or what
        answer_id = (await connection.run_sync(columns, "feedback_answer"))["id"]
        assert "INT" not in str(answer_id["type"]).upper()  # no counter to line up with receipts
        ids = (await session.exec(select(FeedbackAnswer.id))).all()
    assert len(ids) > 50  # the demo answers
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)  # 128 random bits each


async def test_feedback_routes_log_no_request_body(client, db, demo_data, caplog):
    sid = await session_id(db, LATEST)
    await sign_in(client, "apprenant1@demo.test")
    marker = "MARQUEUR-CONFIDENTIEL-42"
    with caplog.at_level(logging.DEBUG):
        await give(client, sid, overall="4", comment=marker)
        await give(client, sid, overall="9", comment=marker)  # a refused one too
        await give(client, sid, overall="4", comment=marker * 30)  # a refused comment
        await mixed_at_close(db, sid)  # and the mixer's writes
    assert caplog.records, "nothing was logged at all: the check would prove nothing"
    assert all(marker not in record.getMessage() for record in caplog.records)


async def test_reminders_come_once_per_session_and_at_most_three_a_week(client, db, demo_data):
    await sign_in(client, "organisme@demo.test")
    now = utcnow()
    for n in range(4):  # four more sessions that ended this week
        start = (now - timedelta(days=1, hours=n * 4)).astimezone()
        await post_form(
            client,
            "/iterations/2/sessions",
            {
                "title": f"Atelier {n}",
                "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
                "ends_at": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            },
            page="/iterations/2",
        )
    await post_form(client, "/signout", {})
    await sign_in(client, "apprenant2@demo.test")
    home = await client.get("/")
    assert "Comment s&#39;est passée la séance « Atelier 0 » ?" in home.text
    async with db.session() as session:
        user = (await session.exec(select(User).where(User.email == "apprenant2@demo.test"))).one()
        assert len(await feedback.pending(session, user)) == 5
    assert await count(db, col(Notification.id), Notification.user_id == user.id) == 3
    await client.get("/")
    await client.get("/notifications")
    assert await count(db, col(Notification.id), Notification.user_id == user.id) == 3
    page = await client.get("/notifications")
    assert "Donnez votre avis sur" in page.text


async def test_a_newcomer_is_not_asked_about_sessions_held_before_they_joined(
    client, db, demo_data
):
    sid = await session_id(db, LATEST)  # six days ago, still open to the group's learners
    async with db.session() as session:
        before = (await feedback.response_rates(session, 2))[sid]
    await sign_up(client, "nouvelle@example.fr", "Nouvelle Venue")
    await post_form(client, "/join", {"code": await join_code(db, 2)}, page="/join")

    home = (await client.get("/")).text
    assert "Aucun avis à donner" in home and f"/sessions/{sid}/feedback" not in home
    assert f"/sessions/{sid}/feedback" not in (await client.get("/iterations/2")).text
    await client.get("/notifications")  # where reminders are sent
    newcomer = await _user(db, "nouvelle@example.fr")
    assert await count(db, col(Notification.id), Notification.user_id == newcomer.id) == 0
    form = await client.get(f"/sessions/{sid}/feedback")
    assert "Vous avez rejoint le groupe après cette séance" in form.text
    assert 'name="overall"' not in form.text
    refused = await give(client, sid, overall="5")
    assert refused.status_code == 422 and "Vous avez rejoint le groupe" in refused.text
    assert await count(db, col(FeedbackReceipt.id), FeedbackReceipt.user_id == newcomer.id) == 0
    async with db.session() as session:
        assert (await feedback.response_rates(session, 2))[sid] == before  # six, not seven


async def test_trainers_see_response_rates_never_names(client, db, demo_data):
    sid = await session_id(db, LATEST)
    await sign_in(client, "apprenant1@demo.test")
    await give(client, sid, overall="5")
    await post_form(client, "/signout", {})
    await sign_in(client, "formateur1@demo.test")
    page = await client.get("/iterations/2")
    assert "1 réponse sur 6" in page.text


async def test_the_group_page_gets_its_feedback_pulse_and_actions_from_their_areas(db, demo_data):
    sid = await session_id(db, LATEST)
    parts = (feedback_views.AREA, pulse_views.AREA, improvement_views.AREA)
    async with db.session() as session:
        shown: dict[str, dict[str, Any]] = {}
        for email in ("apprenant1@demo.test", "formateur1@demo.test"):
            user = (await session.exec(select(User).where(User.email == email))).one()
            view = await trainings.iteration_view(session, user, 2)
            shown[email] = {}
            for area in parts:
                assert area.group_page is not None
                shown[email] |= await area.group_page(session, user, view, None)
    learner, trainer = shown["apprenant1@demo.test"], shown["formateur1@demo.test"]
    assert set(learner) == set(trainer) == {
        "can_give_feedback", "can_review", "rates", "feedback_open", "live_now", "actions"
    }  # fmt: skip
    assert learner["can_give_feedback"] and not learner["can_review"] and learner["rates"] == {}
    assert trainer["can_review"] and not trainer["can_give_feedback"]
    assert trainer["rates"][sid] == (0, 6)  # the demo leaves the latest session unanswered
    assert sid in learner["feedback_open"] and learner["live_now"] == set()
    assert learner["actions"] == trainer["actions"] == []


async def test_comments_wait_for_review_and_keep_their_text(client, db, demo_data):
    sid = await session_id(db, LATEST)
    await sign_in(client, "apprenant1@demo.test")
    await give(client, sid, overall="3", comment="Il faudrait plus de pauses")
    assert (await client.get("/iterations/2/comments")).status_code == 404
    await mixed_at_close(db, sid)
    await post_form(client, "/signout", {})
    await sign_in(client, "formateur1@demo.test")
    queue = await client.get("/iterations/2/comments")
    assert "Il faudrait plus de pauses" in queue.text
    found = re.search(r"/iterations/2/comments/([0-9a-f]{32})", queue.text)
    assert found
    answer_id = found.group(1)
    done = await post_form(
        client,
        f"/iterations/2/comments/{answer_id}",
        {"decision": "private"},
        page="/iterations/2/comments",
    )
    assert done.status_code == 303
    async with db.session() as session:
        answer = await session.get(FeedbackAnswer, answer_id)
    assert answer.comment_status == "private"
    assert answer.comment == "Il faudrait plus de pauses"
    assert "Il faudrait plus de pauses" not in (await client.get("/iterations/2/comments")).text


async def live_session(client, db) -> int:
    """A session happening now, added by the provider's staff."""
    await sign_in(client, "organisme@demo.test")
    start = (utcnow() - timedelta(minutes=10)).astimezone()
    await post_form(
        client,
        "/iterations/2/sessions",
        {
            "title": "Atelier en cours",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        },
        page="/iterations/2",
    )
    await post_form(client, "/signout", {})
    return await session_id(db, "Atelier en cours")


async def test_the_pulse_counts_taps_without_knowing_who(client, db, demo_data):
    sid = await live_session(client, db)
    await sign_in(client, "apprenant1@demo.test")
    for signal in ("too_fast", "too_fast", "lost"):
        tapped = await post_form(
            client, f"/sessions/{sid}/pulse/tap", {"signal": signal}, page=f"/sessions/{sid}/pulse"
        )
        assert tapped.status_code == 303
    bad = await post_form(
        client, f"/sessions/{sid}/pulse/tap", {"signal": "bored"}, page=f"/sessions/{sid}/pulse"
    )
    assert bad.status_code == 422
    assert await count(db, col(PulseTap.id), PulseTap.session_id == sid) == 2
    assert "user_id" not in PulseTap.model_fields
    asked = await post_form(
        client,
        f"/sessions/{sid}/pulse/questions",
        {"question": "Vous pouvez répéter ?"},
        page=f"/sessions/{sid}/pulse",
    )
    assert asked.status_code == 303
    page = (await client.get(f"/sessions/{sid}/pulse")).text
    found = re.search(r'action="(/sessions/\d+/pulse/questions/[0-9a-f]+/vote)"', page)
    assert found
    vote_path = found.group(1)
    for _ in range(2):
        await post_form(client, vote_path, {}, page=f"/sessions/{sid}/pulse")
    await post_form(client, "/signout", {})
    await sign_in(client, "formateur1@demo.test")
    screen = await client.get(f"/sessions/{sid}/pulse/screen")
    assert screen.status_code == 200
    counts = re.findall(r'class="pulse-count">(\d+)<', screen.text)
    assert counts == ["1", "1", "0", "0"]  # lost, too fast (tapped twice), too slow, got it
    assert "Vous pouvez répéter ?" in screen.text and "▲ 1" in screen.text


async def test_ten_taps_by_one_learner_count_once_and_another_learner_counts(
    app, client, db, demo_data
):
    sid = await live_session(client, db)
    page = f"/sessions/{sid}/pulse"
    await sign_in(client, "apprenant1@demo.test")
    for _ in range(10):
        tapped = await post_form(client, f"{page}/tap", {"signal": "lost"}, page=page)
        assert tapped.status_code == 303  # taken each time, counted once
    assert await count(db, col(PulseTap.id), PulseTap.session_id == sid) == 1
    async with make_client(app) as other:
        await sign_in(other, "apprenant2@demo.test")
        await post_form(other, f"{page}/tap", {"signal": "lost"}, page=page)
        await post_form(other, f"{page}/tap", {"signal": "too_slow"}, page=page)
    assert await count(db, col(PulseTap.id), PulseTap.session_id == sid) == 3


async def test_the_pulse_is_closed_outside_the_session(client, db, demo_data):
    sid = await session_id(db, LATEST)
    await sign_in(client, "apprenant1@demo.test")
    response = await post_form(client, f"/sessions/{sid}/pulse/tap", {"signal": "lost"}, page="/")
    assert response.status_code == 422
    assert "Le baromètre n’est ouvert que pendant la séance." in response.text


WHO = {
    "anonymous": None,
    "outsider learner": "apprenant7@demo.test",
    "enrolled learner": "apprenant1@demo.test",
    "trainer of it": "formateur1@demo.test",
    "trainer elsewhere": "formateur2@demo.test",
    "staff": "organisme@demo.test",
    "admin": "admin@demo.test",
}
# Pages are sent to sign in, or not found for whom they are not; answering is refused (403)
# to those who see the session but do not answer on it, and not found for anyone else.
#                    feedback pulse screen comments history answer
MATRIX = {
    "anonymous":         (303, 303, 303, 303, 303, 404),
    "outsider learner":  (404, 404, 404, 404, 200, 404),
    "enrolled learner":  (200, 200, 404, 404, 200, 303),
    "trainer of it":     (404, 404, 200, 200, 200, 403),
    "trainer elsewhere": (404, 404, 404, 404, 200, 404),
    "staff":             (404, 404, 200, 200, 200, 403),
    "admin":             (404, 404, 200, 200, 200, 403),
}  # fmt: skip


@pytest.mark.parametrize("who", MATRIX)
async def test_feedback_routes_permission_matrix(client, db, demo_data, who):
    sid = await session_id(db, LATEST)
    email = WHO[who]
    if email:
        await sign_in(client, email)
    paths = (
        f"/sessions/{sid}/feedback",
        f"/sessions/{sid}/pulse",
        f"/sessions/{sid}/pulse/screen",
        "/iterations/2/comments",
        "/feedback",
    )
    got = [(await client.get(path)).status_code for path in paths]
    answer = await post_form(client, f"/sessions/{sid}/feedback", {"overall": "5"}, page="/")
    assert (*got, answer.status_code) == MATRIX[who]


async def test_staff_choose_the_criteria_and_removed_ones_are_archived(client, db, demo_data):
    await sign_in(client, "organisme@demo.test")
    page = await client.get("/trainings/1")
    assert 'value="Utilité"' in page.text and 'value="Ambiance"' in page.text
    saved = await post_form(
        client,
        "/trainings/1/criteria",
        {"dim0": "Utilité", "dim1": "Clarté", "dim2": "Mise en pratique"},
        page="/trainings/1",
    )
    assert saved.status_code == 303
    empty = await post_form(client, "/trainings/1/criteria", {"dim0": " "}, page="/trainings/1")
    assert empty.status_code == 422 and "Gardez au moins un critère." in empty.text
    twice = await post_form(
        client, "/trainings/1/criteria", {"dim0": "Clarté", "dim1": "clarté"}, page="/trainings/1"
    )
    assert twice.status_code == 422 and "Chaque critère doit avoir un nom différent." in twice.text
    async with db.session() as session:
        names = [feedback.dimension_name(d) for d in await feedback.dimensions_of(session, 1)]
        kept = (await session.exec(select(func.count(col(FeedbackRating.answer_id))))).one()
    assert names == ["Utilité", "Clarté", "Mise en pratique"]
    assert kept > 0  # ratings on archived criteria stay
    await post_form(client, "/signout", {})
    await sign_in(client, "apprenant1@demo.test")
    form = await client.get(f"/sessions/{await session_id(db, LATEST)}/feedback")
    assert "Mise en pratique" in form.text and "Ambiance" not in form.text
    assert (
        await post_form(client, "/trainings/1/criteria", {"dim0": "x"}, page="/")
    ).status_code == 404

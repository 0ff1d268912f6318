"""The preparation criterion and the comparison by format, through the app: a session with
a capsule is also rated on its preparation, on the same scale and as anonymously; its results,
and what a format pools, come only from sessions answered by at least k learners."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlmodel import col, select

from community import feedback
from community.models import CourseSession, FeedbackReceipt, FlippedResource, User, utcnow
from tests.conftest import make_client
from tests.helpers import post_form, sign_in

FLIPPED_GROUP = 4  # the demo's current group of its flipped training (learners 7 to 12)
PREPARATION = "La préparation était-elle utile ?"
STAFF = "organisme@demo.test"
COMPARE = "/reports/compare?a=format:classic&b=format:flipped"


async def open_session(db) -> int:
    """The flipped group's latest ended session: its feedback still open, not yet answered."""
    async with db.session() as session:
        query = (
            select(CourseSession.id)
            .where(
                CourseSession.iteration_id == FLIPPED_GROUP, col(CourseSession.ends_at) < utcnow()
            )
            .order_by(col(CourseSession.starts_at).desc())
        )
        return (await session.exec(query)).first() or 0


async def give_a_capsule(db, session_id: int) -> None:
    async with db.session() as session:
        trainer = (
            await session.exec(select(User).where(User.email == "formateur2@demo.test"))
        ).one()
        session.add(
            FlippedResource(session_id=session_id, author_id=trainer.id or 0, kind="link",
                            title="Lire avant", url="https://example.org/", minutes=5)
        )  # fmt: skip
        await session.commit()


async def answer(app, session_id: int, learners: range) -> None:
    for n in learners:
        async with make_client(app) as browser:
            await sign_in(browser, f"apprenant{n}@demo.test")
            path = f"/sessions/{session_id}/feedback"
            sent = await post_form(browser, path, {"overall": "4"}, page=path)
            assert sent.status_code == 303


async def close_window(db, session_id: int) -> None:
    """Mixes what waits, then moves the session back past its feedback window."""
    await feedback.mix(db, session_id, now=utcnow() + 2 * feedback.WINDOW)
    async with db.session() as session:
        course = await session.get(CourseSession, session_id)
        assert course is not None
        course.starts_at -= 2 * feedback.WINDOW
        course.ends_at -= 2 * feedback.WINDOW
        session.add(course)
        await session.commit()


def preparation_cell(report: str) -> str:
    row = re.search(rf"<th scope=\"row\">{re.escape(PREPARATION)}</th><td>(.*?)</td>", report)
    assert row is not None
    return row.group(1)


def pooled_usefulness(compared: str) -> int:
    """How many answers the flipped side pools on usefulness ("n = 42")."""
    row = re.search(r'<th scope="row">Utilité</th>.*?</tr>', compared, re.S)
    assert row is not None
    counts = re.findall(r"n = (\d+)", row.group(0))
    return int(counts[1]) if len(counts) == 2 else 0


async def test_the_preparation_is_asked_only_about_a_session_with_a_capsule(client, db, demo_data):
    session_id = await open_session(db)
    await sign_in(client, "apprenant7@demo.test")
    assert PREPARATION not in unescape((await client.get(f"/sessions/{session_id}/feedback")).text)
    await give_a_capsule(db, session_id)
    page = unescape((await client.get(f"/sessions/{session_id}/feedback")).text)
    assert PREPARATION in page and "Utilité" in page


async def test_the_preparation_and_the_format_pool_show_from_k_answers_only(
    app, client, db, demo_data
):
    session_id = await open_session(db)
    await give_a_capsule(db, session_id)
    await sign_in(client, STAFF)
    pooled = pooled_usefulness((await client.get(COMPARE)).text)
    await answer(app, session_id, range(7, 11))  # four learners: fewer than k = 5
    await close_window(db, session_id)
    report = unescape((await client.get(f"/reports/iterations/{FLIPPED_GROUP}")).text)
    assert "hidden-cell" in preparation_cell(report)
    assert pooled_usefulness((await client.get(COMPARE)).text) == pooled


async def test_from_k_answers_the_preparation_shows_and_the_format_pools_them(
    app, client, db, demo_data
):
    session_id = await open_session(db)
    await give_a_capsule(db, session_id)
    await sign_in(client, STAFF)
    pooled = pooled_usefulness((await client.get(COMPARE)).text)
    await answer(app, session_id, range(7, 12))  # five learners: k
    await close_window(db, session_id)
    report = unescape((await client.get(f"/reports/iterations/{FLIPPED_GROUP}")).text)
    assert preparation_cell(report).startswith("4,0")
    assert pooled_usefulness((await client.get(COMPARE)).text) == pooled + 5


async def test_sessions_without_a_capsule_keep_their_results_beside_the_preparation(
    app, client, db, demo_data
):
    """The preparation is asked about one session here: the group's other sessions, never
    rated on it, still show their results, and the totals add them up."""
    session_id = await open_session(db)
    await give_a_capsule(db, session_id)
    await answer(app, session_id, range(7, 12))
    await close_window(db, session_id)
    await sign_in(client, STAFF)
    report = unescape((await client.get(f"/reports/iterations/{FLIPPED_GROUP}")).text)
    usefulness = re.search(r'<th scope="row">Utilité</th><td>.*?</td>\s*<td>(\d+)</td>', report)
    assert usefulness is not None and int(usefulness.group(1)) > 5


@pytest.mark.parametrize(
    "query",
    [
        "a=format:classic&b=format:hologram",
        "a=format:&b=format:flipped",
        "a=format:classic&b=format:%00",
        "a=format:" + "x" * 500 + "&b=format:flipped",
    ],
)
async def test_a_malformed_format_is_not_found_never_an_error(client, demo_data, query):
    await sign_in(client, STAFF)
    assert (await client.get(f"/reports/compare?{query}")).status_code == 404


async def test_a_malformed_rating_of_the_preparation_is_refused_and_changes_nothing(
    client, db, demo_data
):
    session_id = await open_session(db)
    await give_a_capsule(db, session_id)
    await sign_in(client, "apprenant7@demo.test")
    path = f"/sessions/{session_id}/feedback"
    page = (await client.get(path)).text
    fields = dict.fromkeys(re.findall(r'name="(d\d+)"', page), "4")
    preparation = max(fields, key=lambda name: int(name[1:]))  # the criterion made last
    refused = await post_form(client, path, {**fields, preparation: "six"}, page=path)
    assert refused.status_code == 422 and "Choisissez une note de 1 à 5" in unescape(refused.text)
    async with db.session() as session:
        query = select(FeedbackReceipt).where(FeedbackReceipt.session_id == session_id)
        assert (await session.exec(query)).first() is None

"""Deleting an account: by the person (password again, confirmed) or by provider staff on
their request. What goes and what stays is read from the areas' declarations; these tests
check it generically, over every declared table and every column pointing at a person."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx2
import pytest
from markupsafe import escape
from sqlalchemy import text
from sqlmodel import SQLModel, col, func, select

from community import areas, demo
from community.accounts import Passwords
from community.i18n import using
from community.models import (
    AccountErasure,
    HelpRequest,
    Message,
    Project,
    ProjectMember,
    ProjectSupport,
    Skill,
    User,
)
from community.personal_data import OnErase
from tests.conftest import make_client
from tests.helpers import post_form, sign_in, sign_up, staff_of_another_provider
from tests.test_live import people, start  # noqa: F401 - real servers, signed-in people

LEARNER = demo.learner_email(4)  # a project seat, a task, a message, skills, feedback, groups
GROUPS = (2, 3)  # the current group of the first training, the finished one of the second
PEER = demo.learner_email(2)  # the author of the project learner 4 is a member of
STAFF = "organisme@demo.test"
PASSWORD = demo.PASSWORD


@pytest.fixture
async def demo_with_projects(db) -> None:
    await demo.load(db, Passwords("fast"))


@pytest.fixture
async def learner(app, demo_with_projects) -> httpx2.AsyncClient:
    """Learner 4, signed in, with a help request open that a peer offered to help with (a
    notification for them)."""
    async with make_client(app) as http, make_client(app) as peer:
        await sign_in(http, LEARNER)
        await sign_in(peer, PEER)
        async with app.state.db.session() as session:
            skill = (await session.exec(select(Skill).where(Skill.name == "SQL"))).one()
        asked = await post_form(
            http,
            "/help",
            {
                "skill_id": str(skill.id),
                "description": "Je bloque sur les jointures.",
                "urgency": "week",
                "format": "video",
            },
            page="/help",
        )
        assert asked.status_code == 303, asked.text
        request_id = asked.headers["location"].rsplit("/", 1)[-1]
        offered = await post_form(peer, f"/help/{request_id}/offers", {"message": "Avec plaisir"})
        assert offered.status_code == 303, offered.text
        yield http


async def user_id(app, email: str) -> int:
    async with app.state.db.session() as session:
        found = (await session.exec(select(User.id).where(User.email == email))).one()
        return int(found)


def person_columns() -> dict[str, set[str]]:
    """Every column naming a person: declared by a holding, or a foreign key to user.id."""
    named: dict[str, set[str]] = {}
    for holding in areas.HOLDINGS:
        named.setdefault(holding.name, set()).update(holding.person)
    for table in SQLModel.metadata.sorted_tables:
        for column in table.columns:
            if any(fk.column.table.name == "user" for fk in column.foreign_keys):
                named.setdefault(str(table.name), set()).add(column.name)
    return named


async def rows_naming(app, person_id: int) -> dict[str, int]:
    """How many rows of each table name the person, in any person column."""
    counts = {}
    async with app.state.db.session() as session:
        for table, columns in person_columns().items():
            for column in columns:
                query = text(f'SELECT count(*) FROM "{table}" WHERE "{column}" = :id')  # noqa: S608
                connection = await session.connection()
                found = (await connection.execute(query, {"id": person_id})).scalar_one()
                counts[f"{table}.{column}"] = found
    return counts


async def delete_own(http: httpx2.AsyncClient, password: str = PASSWORD, **extra: str):
    data = {"password": password, "confirm": "1", **extra}
    return await post_form(http, "/profile/delete", data, page="/profile/delete")


async def test_deleting_a_learner_leaves_their_id_only_in_rows_kept_as_former_member(app, learner):
    person_id = await user_id(app, LEARNER)
    before = await rows_naming(app, person_id)
    for has_rows in ("project_member", "learner_skill", "notification", "web_session", "task"):
        assert before[f"{has_rows}.user_id" if has_rows != "task" else "task.assignee_id"]
    assert before["help_request.requester_id"] and before["feedback_receipt.user_id"]

    answer = await delete_own(learner)
    assert answer.status_code == 303 and answer.headers["location"] == "/goodbye"

    kept = {h.name for h in areas.HOLDINGS if h.on_erase == OnErase.KEEP_AS_FORMER}
    after = await rows_naming(app, person_id)
    left = {where: n for where, n in after.items() if n and where.split(".")[0] not in kept}
    assert left == {}
    async with app.state.db.session() as session:
        person = await session.get(User, person_id)
        record = (await session.exec(select(AccountErasure))).one()
        request = (
            await session.exec(select(HelpRequest).where(HelpRequest.requester_id == person_id))
        ).one()
    assert person is not None and person.erased_at is not None
    assert (person.display_name, person.email, person.locale) == (
        "",
        f"erased-{person_id}@invalid",
        None,
    )
    assert not await Passwords("fast").verify(person.password_hash, PASSWORD)
    assert (record.user_id, record.actor_id, record.reason) == (person_id, None, "")
    assert request.status == "cancelled"  # their open help request is called off


async def test_the_deleted_account_cannot_sign_in_and_its_address_is_free(app, learner):
    await delete_own(learner)
    assert (await learner.get("/profile")).status_code in (302, 303, 307)
    async with make_client(app) as other:
        refused = await post_form(
            other, "/signin", {"email": LEARNER, "password": PASSWORD}, page="/signin"
        )
        assert refused.status_code == 422
        assert (await sign_up(other, LEARNER, "Youssef, de retour")).status_code == 303


async def test_a_wrong_password_changes_nothing_and_says_so_next_to_the_field(app, learner):
    person_id = await user_id(app, LEARNER)
    before = await rows_naming(app, person_id)
    answer = await delete_own(learner, password="pas le bon")
    assert answer.status_code == 422
    assert 'id="e-password"' in answer.text and 'aria-invalid="true"' in answer.text
    assert await rows_naming(app, person_id) == before
    assert (await learner.get("/profile")).status_code == 200  # still signed in


async def test_without_the_confirmation_nothing_is_deleted(app, learner):
    answer = await post_form(
        learner, "/profile/delete", {"password": PASSWORD}, page="/profile/delete"
    )
    assert answer.status_code == 422 and 'id="e-confirm"' in answer.text
    assert (await learner.get("/profile")).status_code == 200


async def test_password_guesses_are_throttled_like_sign_in(app, learner):
    # Signing in with the right password counted nothing: ten wrong guesses, then a wait.
    statuses = [(await delete_own(learner, password=f"essai {n}")).status_code for n in range(11)]
    assert statuses == [422] * 10 + [429]


async def summaries(app, staff: httpx2.AsyncClient) -> dict[str, Any]:
    """What the provider's reports and the projects' support counts say."""
    pages = {}
    for group in GROUPS:
        for path in (f"/reports/iterations/{group}", f"/reports/iterations/{group}/export.csv"):
            answer = await staff.get(path)
            assert answer.status_code == 200
            pages[path] = answer.text
    async with app.state.db.session() as session:
        supports = await session.exec(
            select(ProjectSupport.project_id, func.count(col(ProjectSupport.id))).group_by(
                col(ProjectSupport.project_id)
            )
        )
        statuses = await session.exec(select(Project.id, Project.status))
        pages["supports"] = sorted(supports.all())
        pages["statuses"] = sorted(statuses.all())
    return pages


async def test_report_figures_and_support_counts_are_the_same_after_a_deletion(app, learner):
    async with make_client(app) as staff:
        await sign_in(staff, STAFF)
        before = await summaries(app, staff)
        await delete_own(learner)
        assert await summaries(app, staff) == before


async def test_others_read_former_member_where_the_name_was(app, learner):
    async with app.state.db.session() as session:
        project_id = (
            await session.exec(
                select(Message.project_id).where(Message.body.contains("pictogrammes"))
            )  # type: ignore[attr-defined]
        ).first()
    async with make_client(app) as peer:
        await sign_in(peer, PEER)
        page = (await peer.get(f"/projects/{project_id}")).text
        assert "Youssef El Amrani" in page
        assert "Youssef El Amrani" in (await peer.get("/notifications")).text  # joined
        await delete_own(learner)
        for path in (f"/projects/{project_id}", "/notifications"):
            page = (await peer.get(path)).text
            assert "Youssef" not in page and "<bdi>ancien·ne membre</bdi>" in page
        english = await peer.get(f"/projects/{project_id}", headers={"Accept-Language": "en"})
        assert "<bdi>ancien·ne membre</bdi>" in english.text  # the profile's language first
        await post_form(peer, "/profile", {"display_name": "Lucas Martin", "locale": "en"})
        assert "<bdi>former member</bdi>" in (await peer.get(f"/projects/{project_id}")).text


async def test_two_deletions_at_the_same_moment_make_one(app, demo_with_projects):
    async with make_client(app) as first, make_client(app) as second:
        await sign_in(first, LEARNER)
        await sign_in(second, LEARNER)
        answers = await asyncio.gather(delete_own(first), delete_own(second))
    assert all(a.status_code < 500 for a in answers)
    async with app.state.db.session() as session:
        count = (await session.exec(select(func.count(col(AccountErasure.id))))).one()
    assert count == 1


async def test_staff_delete_the_account_of_their_learner_with_the_reason(app, learner):
    person_id = await user_id(app, LEARNER)
    async with make_client(app) as staff:
        await sign_in(staff, STAFF)
        found = await post_form(staff, "/people/erase", {"email": LEARNER}, page="/people/erase")
        assert found.headers["location"] == f"/people/{person_id}/erase"
        page = await staff.get(f"/people/{person_id}/erase")
        assert "Youssef El Amrani" in page.text
        refused = await post_form(staff, f"/people/{person_id}/erase", {"confirm": "1"})
        assert refused.status_code == 422 and 'id="e-reason"' in refused.text
        done = await post_form(
            staff,
            f"/people/{person_id}/erase",
            {"reason": "Demande écrite du 2 mars", "confirm": "1"},
        )
        assert done.status_code == 303
    async with app.state.db.session() as session:
        record = (await session.exec(select(AccountErasure))).one()
        staff_id = await user_id(app, STAFF)
    assert (record.user_id, record.actor_id) == (person_id, staff_id)
    assert record.reason == "Demande écrite du 2 mars"
    assert (await learner.get("/profile")).status_code in (302, 303, 307)


async def test_staff_of_another_provider_get_404(app, db, demo_with_projects):
    await staff_of_another_provider(db)
    person_id = await user_id(app, LEARNER)
    async with make_client(app) as staff:
        await sign_in(staff, "staff-b@b.test", "mot de passe b")
        assert (await staff.get(f"/people/{person_id}/erase")).status_code == 404
        posted = await post_form(
            staff, f"/people/{person_id}/erase", {"reason": "x", "confirm": "1"}
        )
        assert posted.status_code == 404
        found = await post_form(staff, "/people/erase", {"email": LEARNER}, page="/people/erase")
        assert found.status_code == 422
    async with app.state.db.session() as session:
        assert (await session.get(User, person_id)).erased_at is None  # type: ignore[union-attr]


@pytest.mark.parametrize("email", ["admin@demo.test", STAFF])
async def test_staff_cannot_delete_an_administrator_nor_themselves_this_way(
    app, demo_with_projects, email
):
    person_id = await user_id(app, email)
    async with make_client(app) as staff:
        await sign_in(staff, STAFF)
        assert (await staff.get(f"/people/{person_id}/erase")).status_code == 404


async def test_learners_cannot_reach_the_staff_pages(app, demo_with_projects):
    async with make_client(app) as http:
        await sign_in(http, LEARNER)
        assert (await http.get("/people/erase")).status_code == 403


async def test_the_page_lists_what_goes_and_what_stays_from_the_declarations(app, learner):
    page = (await learner.get("/profile/delete")).text
    with using("fr"):  # the learner's language
        for holding in areas.HOLDINGS:
            if holding.on_erase != OnErase.NOT_LINKED:
                assert str(escape(holding.what())) in page
    assert 'href="/profile/data"' in page


async def test_the_sockets_of_a_deleted_account_close_on_every_server(
    start,  # noqa: F811
    people,  # noqa: F811
    redis_url,
):
    servers = [start(), start()] if redis_url else [start()]
    tabs = [await people(server, LEARNER) for server in servers]
    sockets = [await tab.socket({"iteration:2": 0}) for tab in tabs]
    peer = await people(servers[-1], PEER)
    project = await peer.socket({"project:1": 0})  # the project learner 4 has a seat in
    await asyncio.gather(*(s.wait_for(lambda s: s.messages) for s in (*sockets, project)))

    answer = await tabs[0].post(
        "/profile/delete", {"password": PASSWORD, "confirm": "1"}, page="/profile/delete"
    )
    assert answer.status_code == 303
    assert [await socket.closed_with() for socket in sockets] == [1008] * len(sockets)
    await project.wait_for(
        lambda s: any("ancien·ne membre" in e["content"] for e in s.events("project:1"))
    )
    for tab in tabs:  # every session of the person, on every server, is over
        assert (await tab.http.get("/profile")).status_code in (302, 303, 307)
    await project.close()


async def test_a_freed_seat_goes_to_the_first_on_the_waitlist_as_leaving_does(
    app, demo_with_projects
):
    """Learner 11 holds the one place of a role in the community project; learner 12 waits."""
    async with app.state.db.session() as session:
        project = (
            await session.exec(select(Project).where(col(Project.community).is_(True)))
        ).one()
        seat = (
            await session.exec(
                select(ProjectMember).where(
                    ProjectMember.project_id == project.id,
                    ProjectMember.user_id == await user_id(app, demo.learner_email(11)),
                )
            )
        ).one()
    async with make_client(app) as leaving, make_client(app) as waiting:
        await sign_in(leaving, demo.learner_email(11))
        await sign_in(waiting, demo.learner_email(12))
        page = f"/projects/{project.id}"
        joined = await post_form(waiting, f"{page}/join", {"role_id": str(seat.role_id)}, page=page)
        assert joined.status_code == 303
        assert await seat_of(app, demo.learner_email(12), project.id) == "waitlist"
        await delete_own(leaving)
    assert await seat_of(app, demo.learner_email(12), project.id) == "member"


async def seat_of(app, email: str, project_id: int | None) -> str:
    person = await user_id(app, email)
    async with app.state.db.session() as session:
        found = await session.exec(
            select(ProjectMember.status).where(
                ProjectMember.project_id == project_id, ProjectMember.user_id == person
            )
        )
        return found.one()


async def test_a_lead_who_deletes_their_account_hands_the_project_to_the_longest_member(
    app, demo_with_projects
):
    """Learner 2 leads the guide project; learners 3, 4 and 5 joined it in that order."""
    async with app.state.db.session() as session:
        project = (await session.exec(select(Project).order_by(col(Project.id)))).first()
    assert project is not None
    async with make_client(app) as lead, make_client(app) as heir:
        await sign_in(lead, PEER)
        await delete_own(lead)
        await sign_in(heir, demo.learner_email(3))
        notices = await heir.get("/notifications")
    async with app.state.db.session() as session:
        leads = await session.exec(
            select(ProjectMember.user_id).where(
                ProjectMember.project_id == project.id, col(ProjectMember.is_lead).is_(True)
            )
        )
        assert list(leads) == [await user_id(app, demo.learner_email(3))]
    told = "Vous menez désormais « <bdi>Guide des gestes du quotidien</bdi> »"
    assert told in notices.text

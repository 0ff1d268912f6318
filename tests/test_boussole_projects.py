"""Project evidence reaches the compass live: taking or leaving a role, a task of one's own
done or undone, each appends one nudge to that learner's compass channel, and the compass
then lists the evidence (or no longer does)."""

from __future__ import annotations

import re

from sqlmodel import select

import realtime
from community.models import ProjectMember, Task, User
from community.pathways import live
from tests import test_live
from tests.helpers import post_form
from tests.test_projects import as_person, launched

FIRST_AID = "Premiers secours"
TITLE = "Secourisme au quotidien"
ROLE_TAKEN = f"Vous avez pris un rôle dans le projet {TITLE}"
TASK_DONE = f"Vous avez terminé une tâche dans le projet {TITLE}."

# Real servers and the people signed in on them, as the live tests start them.
start, people = test_live.start, test_live.people


async def user_id(db, email: str) -> int:
    async with db.session() as session:
        return (await session.exec(select(User.id).where(User.email == email))).one() or 0


async def compass_seq(db, email: str) -> int:
    async with db.session() as session:
        return await realtime.last_seq(session, live.channel(await user_id(db, email)))


async def first_aid_project(client, db, slots: str = "1", **extra: str) -> str:
    """A launched project of apprenant1 that uses first aid: its path. Its first role,
    "Rédaction", has `slots` places."""
    await post_form(client, "/signout", {})
    proposal = {"title": TITLE, "skills": f"Hygiène, {FIRST_AID}", "slots0": slots, **extra}
    return await launched(client, db, **proposal)


async def join_first_role(client, path: str, email: str) -> None:
    await as_person(client, email)
    page = (await client.get(path)).text
    role = re.search(r'name="role_id" value="(\d+)"[^\n]*Rédaction', page)
    assert role, "no way to join as Rédaction"
    joined = await post_form(client, f"{path}/join", {"role_id": role.group(1)}, page=path)
    assert joined.status_code == 303


async def compass_of(client, email: str) -> str:
    await as_person(client, email)
    page = await client.get("/boussole")
    assert page.status_code == 200
    return page.text


async def test_taking_a_role_nudges_the_learners_compass_once_and_it_lists_the_role(
    client, db, demo_data
):
    path = await first_aid_project(client, db)
    before = await compass_seq(db, "apprenant2@demo.test")
    await join_first_role(client, path, "apprenant2@demo.test")
    assert await compass_seq(db, "apprenant2@demo.test") == before + 1
    assert ROLE_TAKEN in await compass_of(client, "apprenant2@demo.test")


async def test_leaving_the_role_nudges_the_compass_and_the_role_is_no_longer_evidence(
    client, db, demo_data
):
    path = await first_aid_project(client, db)
    await join_first_role(client, path, "apprenant2@demo.test")
    before = await compass_seq(db, "apprenant2@demo.test")
    assert (await post_form(client, f"{path}/leave", {}, page=path)).status_code == 303
    assert await compass_seq(db, "apprenant2@demo.test") == before + 1
    assert ROLE_TAKEN not in await compass_of(client, "apprenant2@demo.test")


async def test_the_waitlist_is_no_evidence_until_a_freed_place_makes_them_a_member(
    client, db, demo_data
):
    path = await first_aid_project(client, db, slots="1")
    await join_first_role(client, path, "apprenant2@demo.test")
    before = await compass_seq(db, "apprenant3@demo.test")
    await join_first_role(client, path, "apprenant3@demo.test")  # the only place is taken
    assert await compass_seq(db, "apprenant3@demo.test") == before
    assert ROLE_TAKEN not in await compass_of(client, "apprenant3@demo.test")
    await as_person(client, "apprenant2@demo.test")
    assert (await post_form(client, f"{path}/leave", {}, page=path)).status_code == 303
    assert await compass_seq(db, "apprenant3@demo.test") == before + 1
    assert ROLE_TAKEN in await compass_of(client, "apprenant3@demo.test")


async def test_a_task_done_nudges_its_assignees_compass_only_when_it_enters_or_leaves_done(
    client, db, demo_data
):
    path = await first_aid_project(client, db, slots="2")
    await join_first_role(client, path, "apprenant2@demo.test")
    assignee = await user_id(db, "apprenant2@demo.test")
    await as_person(client, "apprenant1@demo.test")
    task = {"title": "Fiche PLS", "assignee_id": str(assignee)}
    assert (await post_form(client, f"{path}/tasks", task, page=path)).status_code == 303
    async with db.session() as session:
        task_id = (await session.exec(select(Task.id))).one()
    lead_before = await compass_seq(db, "apprenant1@demo.test")
    steps = {"doing": 0, "done": 1, "todo": 2}  # the nudges heard so far, after each move
    before = await compass_seq(db, "apprenant2@demo.test")
    for status, heard in steps.items():
        moved = await post_form(client, f"{path}/tasks/{task_id}/move", {"status": status})
        assert moved.status_code == 303
        assert await compass_seq(db, "apprenant2@demo.test") == before + heard, status
        if status == "done":
            assert TASK_DONE in await compass_of(client, "apprenant2@demo.test")
            await as_person(client, "apprenant1@demo.test")
    assert TASK_DONE not in await compass_of(client, "apprenant2@demo.test")
    assert await compass_seq(db, "apprenant1@demo.test") == lead_before


async def test_the_lead_accepting_someone_nudges_their_compass(client, db, demo_data):
    path = await first_aid_project(client, db, slots="2", approval="1")
    await join_first_role(client, path, "apprenant2@demo.test")
    before = await compass_seq(db, "apprenant2@demo.test")
    async with db.session() as session:
        member = (
            await session.exec(select(ProjectMember).where(ProjectMember.status == "pending"))
        ).one()
    await as_person(client, "apprenant1@demo.test")
    decided = await post_form(
        client, f"{path}/members/{member.id}/decide", {"accept": "1"}, page=path
    )
    assert decided.status_code == 303
    assert await compass_seq(db, "apprenant2@demo.test") == before + 1
    assert ROLE_TAKEN in await compass_of(client, "apprenant2@demo.test")


async def test_a_socket_on_the_compass_hears_the_nudge_when_its_learner_takes_a_role(start, people):
    server = start()
    learner = await people(server, "apprenant10@demo.test")
    compass = (await learner.http.get("/boussole")).text
    found = re.search(r'data-live-channel="(boussole:\d+)" data-live-seq="(\d*)"', compass)
    assert found, "the compass has no live region"
    channel, seq = found.group(1), int(found.group(2) or 0)
    socket = await learner.socket({channel: seq})
    listing = (await learner.http.get("/projects")).text
    project = re.search(r'href="(/projects/\d+)"><bdi[^>]*>Un site accessible', listing)
    assert project, "the demo's web project is not listed"
    path = project.group(1)
    page = (await learner.http.get(path)).text
    role = re.search(r'name="role_id" value="(\d+)"[^\n]*Design', page)
    assert role, "no way to join as Design"
    joined = await learner.post(f"{path}/join", {"role_id": role.group(1)}, page=path)
    assert joined.status_code == 303
    region = channel.replace(":", "-")
    await socket.wait_for(
        lambda s: any(f'data-refetch="{region}"' in e["content"] for e in s.events(channel))
    )
    assert [e["seq"] for e in socket.events(channel)] == [seq + 1]
    await socket.close()

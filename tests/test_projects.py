"""Collective projects through the app: proposal to moderation, limits, permissions."""

from __future__ import annotations

import re

import pytest
from sqlmodel import col, func, select

import realtime
from community import projects
from community.models import (
    Message,
    ModerationEntry,
    Notification,
    Project,
    ProjectMember,
    ProjectSupport,
    Task,
    User,
)
from realtime import log as event_log
from realtime.variants import pick
from tests.helpers import post_form, sign_in

PROPOSAL = {
    "iteration_id": "2", "title": "Guide des gestes", "pitch": "Un guide illustré pour tous",
    "weeks": "4", "role0": "Rédaction", "slots0": "1", "role1": "Illustration", "slots1": "1",
    "publish": "1",
}  # fmt: skip


async def as_person(client, email: str) -> None:
    await post_form(client, "/signout", {})
    await sign_in(client, email)


async def propose(client, **extra: str):
    return await post_form(client, "/projects", {**PROPOSAL, **extra}, page="/projects")


async def count(db, column, *where) -> int:
    async with db.session() as session:
        return (await session.exec(select(func.count(column)).where(*where))).one()


def first_message(page: str) -> str:
    """The id of the first message a project page lists."""
    found = re.search(r'id="message-(\d+)"', page)
    assert found, "no message on the page"
    return found.group(1)


def last_message(page: str) -> str:
    """The id of the last message a project page lists: the newest thread's latest."""
    found = re.findall(r'id="message-(\d+)"', page)
    assert found, "no message on the page"
    return found[-1]


async def launched(client, db, **proposal: str) -> str:
    """A project of apprenant1 (`proposal` changes fields of the proposal), supported by
    three peers and launched: its path."""
    await sign_in(client, "apprenant1@demo.test")
    path = (await propose(client, **proposal)).headers["location"]
    for n in (2, 3, 4):
        await as_person(client, f"apprenant{n}@demo.test")
        await post_form(client, f"{path}/support", {}, page=path)
    await as_person(client, "apprenant1@demo.test")
    assert (await post_form(client, f"{path}/launch", {}, page=path)).status_code == 303
    return path


async def test_supports_reach_the_threshold_and_the_author_launches(client, db, demo_data):
    await sign_in(client, "apprenant1@demo.test")
    path = (await propose(client)).headers["location"]
    early = await post_form(client, f"{path}/launch", {}, page=path)
    assert early.status_code == 422 and "Pas encore assez de soutiens" in early.text
    await as_person(client, "apprenant2@demo.test")
    await post_form(client, f"{path}/support", {}, page=path)
    await post_form(client, f"{path}/support", {}, page=path)  # a second support: no-op
    assert await count(db, col(ProjectSupport.id)) == 1
    for n in (3, 4):
        await as_person(client, f"apprenant{n}@demo.test")
        await post_form(client, f"{path}/support", {}, page=path)
    author = await _user(db, "apprenant1@demo.test")
    assert (
        await count(
            db,
            col(Notification.id),
            Notification.kind == "threshold",
            Notification.user_id == author.id,
        )
        == 1
    )
    await as_person(client, "apprenant1@demo.test")
    assert "Le seuil est atteint" in (await client.get(path)).text
    assert (await post_form(client, f"{path}/launch", {}, page=path)).status_code == 303
    async with db.session() as session:
        assert (await session.exec(select(Project.status))).one() == "active"


async def _user(db, email: str) -> User:
    async with db.session() as session:
        return (await session.exec(select(User).where(User.email == email))).one()


async def test_a_double_submitted_proposal_makes_one_project(client, db, demo_data):
    await sign_in(client, "apprenant1@demo.test")
    first = await propose(client, idem="formulaire-7")
    second = await propose(client, idem="formulaire-7")
    assert first.headers["location"] == second.headers["location"]
    assert await count(db, col(Project.id)) == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "x" * 121}, "120 caractères au maximum"),
        ({"title": ""}, "Ce champ est obligatoire."),
        ({"pitch": ""}, "Ce champ est obligatoire."),
        ({"role0": "", "role1": ""}, "Indiquez au moins un rôle à pourvoir."),
        ({"slots0": "40"}, "Entre 1 et 10 places par rôle."),
        ({"weeks": "100"}, "Choisissez l'une des options proposées."),
    ],
)
async def test_bad_proposals_are_explained_and_write_nothing(
    client, db, demo_data, fields, message
):
    await sign_in(client, "apprenant1@demo.test")
    response = await propose(client, **fields)
    assert response.status_code == 422
    assert message in response.text.replace("&#39;", "'")
    assert await count(db, col(Project.id)) == 0


async def test_roles_fill_then_the_waitlist_takes_over(client, db, demo_data):
    path = await launched(client, db)
    page = (await client.get(path)).text
    writing = re.findall(
        r'name="role_id" value="(\d+)"', (await _as(client, "apprenant2@demo.test", path)).text
    )[0]
    await post_form(client, f"{path}/join", {"role_id": writing}, page=path)
    await post_form(client, f"{path}/join", {"role_id": writing}, page=path)  # twice: no-op
    await _as(client, "apprenant3@demo.test", path)
    await post_form(client, f"{path}/join", {"role_id": writing}, page=path)
    async with db.session() as session:
        statuses = sorted((await session.exec(select(ProjectMember.status))).all())
    assert statuses == ["member", "member", "waitlist"]  # the lead, the writer, the waitlist
    await _as(client, "apprenant2@demo.test", path)
    await post_form(client, f"{path}/leave", {}, page=path)
    async with db.session() as session:
        statuses = sorted((await session.exec(select(ProjectMember.status))).all())
    assert statuses == ["member", "member"]
    assert "Rédaction" in page


async def _as(client, email: str, path: str):
    await as_person(client, email)
    return await client.get(path)


async def test_discussion_mentions_edit_delete_flag_hide_and_audit(client, db, demo_data):
    path = await launched(client, db)
    writing = re.findall(
        r'name="role_id" value="(\d+)"', (await _as(client, "apprenant2@demo.test", path)).text
    )[0]
    await post_form(client, f"{path}/join", {"role_id": writing}, page=path)
    sent = await post_form(
        client, f"{path}/messages", {"body": "Bonjour @Amina, on commence ?"}, page=path
    )
    assert sent.status_code == 303
    amina = await _user(db, "apprenant1@demo.test")
    assert (
        await count(
            db,
            col(Notification.id),
            Notification.kind == "mention",
            Notification.user_id == amina.id,
        )
        == 1
    )
    page = (await client.get(path)).text
    message = first_message(page)
    edited = await post_form(
        client, f"{path}/messages/{message}/edit", {"body": "Bonjour à tous"}, page=path
    )
    assert edited.status_code == 303 and "modifié" in (await client.get(path)).text
    too_long = await post_form(client, f"{path}/messages", {"body": "x" * 2001}, page=path)
    assert too_long.status_code == 422 and "2000 caractères au maximum" in too_long.text

    await _as(client, "apprenant1@demo.test", path)
    await post_form(client, f"{path}/messages/{message}/flag", {"reason": "Hors sujet"}, page=path)
    assert f'data-flagged="{message}"' in (await client.get(path)).text  # the page knows
    await _as(client, "formateur1@demo.test", path)
    queue = (await client.get("/iterations/2/review")).text
    assert "Hors sujet" in queue and "1 signalement" in queue
    hidden = await post_form(
        client, f"{path}/messages/{message}/hide", {"reason": "Restons concentrés"}, page=path
    )
    assert hidden.status_code == 303
    await post_form(
        client, f"{path}/space", {"locked": "1", "slow": "0", "reason": "Pause"}, page=path
    )
    audit = (await client.get(f"{path}/audit")).text
    assert "A masqué un message" in audit and "Restons concentrés" in audit and "Pause" in audit
    async with db.session() as session:
        assert (await session.exec(select(func.count(col(ModerationEntry.id))))).one() == 2

    await _as(client, "apprenant2@demo.test", path)
    member_view = (await client.get(path)).text
    assert "Message masqué par un·e formateur·rice." in member_view
    # The region is the whole team's: its author is told why behind a link of their own.
    assert "Restons concentrés" not in member_view
    why = f"{path}/messages/{message}/why"
    assert f'href="{why}"' in member_view
    assert "Motif : Restons concentrés" in (await client.get(why)).text
    locked = await post_form(client, f"{path}/messages", {"body": "Encore moi"}, page=path)
    assert locked.status_code == 422 and "lecture seule" in locked.text
    assert (await client.get(f"{path}/audit")).status_code == 403  # learners cannot read it


async def _body_of(db, message_id: str) -> str:
    async with db.session() as session:
        message = await session.get(Message, int(message_id))
        assert message is not None
        return message.body


async def test_a_locked_space_tells_members_why_and_takes_away_every_way_to_write(
    client, db, demo_data
):
    path = await launched(client, db)
    await post_form(client, f"{path}/messages", {"body": "On se voit lundi"}, page=path)
    message = first_message((await client.get(path)).text)
    await _as(client, "formateur1@demo.test", path)
    reason = "Pause <b>jusqu'à</b> lundi"
    await post_form(
        client, f"{path}/space", {"locked": "1", "slow": "0", "reason": reason}, page=path
    )

    page = (await _as(client, "apprenant1@demo.test", path)).text
    assert f'action="{path}/messages"' not in page  # neither the message box nor a reply
    assert "Répondre" not in page and f"{path}/messages/{message}/edit" not in page
    assert "Cet espace est en lecture seule : un·e formateur·rice l'a verrouillé." in page
    assert "Motif : Pause &lt;b&gt;jusqu&#39;à&lt;/b&gt; lundi" in page
    edited = await post_form(
        client, f"{path}/messages/{message}/edit", {"body": "Changé"}, page=path
    )
    assert edited.status_code == 422 and "lecture seule" in edited.text
    assert await _body_of(db, message) == "On se voit lundi"


async def test_locking_a_space_pushes_the_message_box_each_role_now_sees(client, db, demo_data):
    path = await launched(client, db)
    project_id = path.rsplit("/", 1)[1]
    channel = projects.channel(int(project_id))
    async with db.session() as session:
        before = await realtime.last_seq(session, channel)
    await _as(client, "formateur1@demo.test", path)
    await post_form(client, f"{path}/space", {"locked": "1", "slow": "0"}, page=path)

    async with db.session() as session:
        pushed = await event_log.since(session, channel, before, limit=100)
    assert pushed is not None
    boxes = [
        e.content
        for e in pushed
        if f'id="compose-{project_id}"' in (pick(e.content, "fr/lead") or "")
    ]
    assert len(boxes) == 1
    lead = pick(boxes[0], "fr/lead")
    assert lead is not None and 'class="compose"' not in lead and "lecture seule" in lead
    trainer = pick(boxes[0], "fr/moderator")
    assert trainer is not None and "lecture seule" not in trainer


async def test_a_hidden_message_cannot_be_edited_by_its_author(client, db, demo_data):
    path = await launched(client, db)
    await post_form(client, f"{path}/messages", {"body": "Hors sujet"}, page=path)
    message = first_message((await client.get(path)).text)
    await _as(client, "formateur1@demo.test", path)
    await post_form(
        client, f"{path}/messages/{message}/hide", {"reason": "Restons concentrés"}, page=path
    )

    page = (await _as(client, "apprenant1@demo.test", path)).text
    assert f"{path}/messages/{message}/edit" not in page
    edited = await post_form(
        client, f"{path}/messages/{message}/edit", {"body": "Autre chose"}, page=path
    )
    assert edited.status_code == 403
    assert await _body_of(db, message) == "Hors sujet"


async def test_slow_mode_spaces_messages(client, db, demo_data):
    path = await launched(client, db)
    await _as(client, "formateur1@demo.test", path)
    await post_form(client, f"{path}/space", {"slow": "60", "reason": "Calme"}, page=path)
    await _as(client, "apprenant1@demo.test", path)
    assert (
        await post_form(client, f"{path}/messages", {"body": "Un"}, page=path)
    ).status_code == 303
    second = await post_form(client, f"{path}/messages", {"body": "Deux"}, page=path)
    assert second.status_code == 422 and "un message toutes les 60 secondes" in second.text


async def test_lists_filter_search_and_paginate(client, db, demo_data):
    await sign_in(client, "apprenant1@demo.test")
    for n in range(12):
        await propose(client, title=f"Projet {n}", skills="HTML" if n % 2 else "Soudure")
    await propose(client, title="Mon brouillon secret", publish="0")
    first = (await client.get("/projects")).text
    assert first.count('class="h3"') == 10 and 'aria-current="page"' in first
    assert (await client.get("/projects?page=2")).text.count('class="h3"') == 3
    assert (await client.get("/projects?skill=HTML")).text.count('class="h3"') == 6
    assert (await client.get("/projects?q=Projet+11")).text.count('class="h3"') == 1
    await as_person(client, "apprenant2@demo.test")
    assert "Mon brouillon secret" not in (await client.get("/projects")).text


WHO = {
    "anonymous": None,
    "learner member": "apprenant2@demo.test",
    "learner non-member": "apprenant5@demo.test",
    "learner of another group": "apprenant7@demo.test",
    "trainer of the group": "formateur1@demo.test",
    "trainer of another group": "formateur2@demo.test",
    "provider staff": "organisme@demo.test",
}
# A page opened while signed out leads to sign-in (303); a project one cannot see is not
# there (404); an action refused in a project one sees says so (403).
#                             page audit message hide  task  space join  review
MATRIX = {
    "anonymous":                (303, 303, 404, 404, 404, 404, 404, 303),
    "learner member":           (200, 403, 303, 403, 303, 403, 303, 403),
    "learner non-member":       (200, 403, 403, 403, 403, 403, 303, 403),
    "learner of another group": (404, 404, 404, 404, 404, 404, 404, 404),
    "trainer of the group":     (200, 200, 403, 303, 403, 303, 403, 200),
    "trainer of another group": (404, 404, 404, 404, 404, 404, 404, 404),
    "provider staff":           (200, 200, 403, 303, 403, 303, 403, 200),
}  # fmt: skip


@pytest.mark.parametrize("who", MATRIX)
async def test_project_permission_matrix(client, db, demo_data, who):
    path = await launched(client, db)
    writing, role = re.findall(
        r'name="role_id" value="(\d+)"', (await _as(client, "apprenant2@demo.test", path)).text
    )[:2]
    await post_form(client, f"{path}/join", {"role_id": writing}, page=path)
    await post_form(client, f"{path}/messages", {"body": "Premier message"}, page=path)
    message = first_message((await client.get(path)).text)
    await post_form(client, "/signout", {})
    if email := WHO[who]:
        await sign_in(client, email)
    got = (
        (await client.get(path)).status_code,
        (await client.get(f"{path}/audit")).status_code,
        (await post_form(client, f"{path}/messages", {"body": "Moi aussi"}, page="/")).status_code,
        (
            await post_form(client, f"{path}/messages/{message}/hide", {"reason": "x"}, page="/")
        ).status_code,
        (await post_form(client, f"{path}/tasks", {"title": "Arroser"}, page="/")).status_code,
        (await post_form(client, f"{path}/space", {"slow": "0"}, page="/")).status_code,
        (await post_form(client, f"{path}/join", {"role_id": role}, page="/")).status_code,
        (await client.get("/iterations/2/review")).status_code,
    )
    assert got == MATRIX[who]


async def test_drafts_are_edited_then_published(client, db, demo_data):
    await sign_in(client, "apprenant1@demo.test")
    path = (await propose(client, publish="0")).headers["location"]
    await as_person(client, "apprenant2@demo.test")
    assert (await client.get(path)).status_code == 404  # a draft is its author's alone
    await as_person(client, "apprenant1@demo.test")
    edited = await post_form(
        client, f"{path}/edit", {"title": "Guide illustré", "pitch": "Mieux dit", "weeks": "2"},
        page=path,
    )  # fmt: skip
    assert edited.status_code == 303
    await post_form(client, f"{path}/publish", {}, page=path)
    await as_person(client, "apprenant2@demo.test")
    page = (await client.get(path)).text
    assert "Guide illustré" in page and "Soutenir" in page


async def test_community_projects_reach_the_other_groups_of_the_provider(client, db, demo_data):
    await sign_in(client, "apprenant1@demo.test")  # group 2
    path = (await propose(client, community="1")).headers["location"]
    closed = (await propose(client, title="Rien que pour nous")).headers["location"]
    await as_person(client, "apprenant7@demo.test")  # group 4, same provider
    assert "Guide des gestes" in (await client.get("/projects")).text
    assert (await client.get(path)).status_code == 200
    assert (await post_form(client, f"{path}/support", {}, page=path)).status_code == 303
    assert (await client.get(closed)).status_code == 404
    assert await count(db, col(ProjectSupport.id)) == 1


async def test_a_message_sent_twice_is_posted_once(client, db, demo_data):
    path = await launched(client, db)
    for _ in range(2):
        await post_form(client, f"{path}/messages", {"body": "Une seule fois"}, page=path)
    assert len(re.findall(r'id="message-\d+"', (await client.get(path)).text)) == 1


async def test_actions_leave_the_commit_to_their_caller(client, db, demo_data):
    """Actions write in their caller's transaction: several make one unit of work, which a
    rollback undoes whole."""
    path = await launched(client, db)
    project_id = int(path.rsplit("/", 1)[1])
    lead = await _user(db, "apprenant1@demo.test")
    peer = await _user(db, "apprenant2@demo.test")
    async with db.session() as session:
        view = await projects.project_view(session, lead, project_id)
        await projects.add_task(session, view, {"title": "Arroser", "assignee_id": ""})
        view = await projects.project_view(session, peer, project_id)
        role_id = (await projects.roles_of(session, project_id))[0][0].id or 0
        assert await projects.join(session, view, role_id) == "member"
        view = await projects.project_view(session, peer, project_id)
        await projects.post(session, view, {"body": "Je m'occupe de l'arrosage"})
        await session.rollback()
    assert await count(db, col(Task.id)) == 0
    assert await count(db, col(Message.id)) == 0
    assert await count(db, col(ProjectMember.id)) == 1  # its lead, as before

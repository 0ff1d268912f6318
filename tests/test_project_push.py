"""A project's regions are pushed as they are, rendered once per language and role: what a
page holds after a push is what a fresh load shows that reader, and no role is sent what it
must not see."""

from __future__ import annotations

import re

import pytest
from sqlmodel import col, select

from community import accounts, i18n, projects
from community.models import User
from community.projects import audience
from community.projects.page import variants
from realtime import log as event_log
from realtime.hub import envelope_for
from realtime.variants import pick
from tests import test_live
from tests.helpers import own_statements, post_form
from tests.test_projects import as_person, first_message, last_message, launched

# Who holds each role in the project `team` builds.
PEOPLE = {
    audience.LEAD: "apprenant1@demo.test",
    audience.MEMBER: "apprenant2@demo.test",
    audience.WAITING: "apprenant3@demo.test",
    audience.LEARNER: "apprenant5@demo.test",
    audience.MODERATOR: "formateur1@demo.test",
}
# Real servers and the people signed in on them, as the live tests start them.
start, people = test_live.start, test_live.people
SEAT_ROLES = [role for role in audience.ROLES if role != audience.MODERATOR]

# Per page, not per region: htmx consumes the swap instruction of a pushed region, and the
# cursor a region was rendered with is the seq of its own event, where a fresh load carries
# the channel's latest (static/js/live.js keeps its cursors apart from the markup anyway).
PER_PAGE = (re.compile(r' hx-swap-oob="outerHTML"'), re.compile(r' data-live-seq="\d*"'))


def per_reader_normalised(html: str) -> str:
    for pattern in PER_PAGE:
        html = pattern.sub("", html)
    return html


async def _role_id(client, path: str, name: str) -> str:
    page = (await client.get(path)).text
    found = re.search(rf'name="role_id" value="(\d+)"[^\n]*{name}', page)
    assert found, f"no way to join as {name}"
    return found.group(1)


async def team(client, db) -> str:
    """A launched project with a lead, a member, someone on the waitlist, messages from the
    lead and the member (one replying in the lead's thread), a task, and a message a trainer
    hid: its path."""
    path = await launched(client, db)
    await post_form(client, f"{path}/messages", {"body": "Bonjour, ici la lead"}, page=path)
    for email in (PEOPLE[audience.MEMBER], PEOPLE[audience.WAITING]):
        await as_person(client, email)
        writing = await _role_id(client, path, "Rédaction")
        await post_form(client, f"{path}/join", {"role_id": writing}, page=path)
    await as_person(client, PEOPLE[audience.MEMBER])
    lead_said = first_message((await client.get(path)).text)
    answer = {"body": "Réponse dans le fil", "reply_to": lead_said}
    await post_form(client, f"{path}/messages", answer, page=path)
    for body in ("Salut, je rédige", "Un message à masquer"):
        await post_form(client, f"{path}/messages", {"body": body}, page=path)
    await post_form(client, f"{path}/tasks", {"title": "Plan du guide"}, page=path)
    hidden = last_message((await client.get(path)).text)
    await as_person(client, PEOPLE[audience.MODERATOR])
    await post_form(client, f"{path}/messages/{hidden}/hide", {"reason": "Hors sujet"}, page=path)
    # Last: the head, the message box and the messages pushed once more.
    await post_form(client, f"{path}/space", {"locked": "0", "slow": "30"}, page=path)
    return path


async def last_pushed(db, project_id: int) -> dict[str, str]:
    """The content of the latest event of each region of the project's page."""
    async with db.session() as session:
        events = await event_log.since(session, projects.channel(project_id), 0, limit=1000)
    assert events is not None
    latest: dict[str, str] = {}
    for event in events:
        moderator_view = pick(event.content, "fr/moderator") or ""
        for region in projects.REGIONS:
            if f'id="{region}-{project_id}"' in moderator_view:
                latest[region] = event.content
    assert set(latest) == set(projects.REGIONS), "a region was never pushed"
    return latest


async def speak(db, locale: str) -> None:
    """Everyone in the project chooses `locale` in their profile."""
    async with db.session() as session:
        for user in await session.exec(select(User).where(col(User.email).in_(PEOPLE.values()))):
            data = {"display_name": user.display_name, "locale": locale}
            await accounts.update_profile(session, user, data)
        await session.commit()


@pytest.mark.parametrize("locale", ["fr", "en"])
async def test_every_region_pushed_to_a_role_equals_a_fresh_load_by_someone_in_it(
    client, db, demo_data, locale
):
    path = await team(client, db)
    project_id = int(path.rsplit("/", 1)[1])
    pushed = await last_pushed(db, project_id)
    await speak(db, locale)
    for role, email in PEOPLE.items():
        await as_person(client, email)
        page = await client.get(path)
        assert page.status_code == 200
        fresh = per_reader_normalised(page.text)
        for region, content in pushed.items():
            variant = pick(content, f"{locale}/{role}")
            assert variant is not None, f"no {region} for {locale}/{role}"
            assert 'hx-swap-oob="outerHTML"' in variant.split(">", 1)[0]
            assert per_reader_normalised(variant) in fresh, f"{region} differs for {role}"


async def test_own_controls_are_in_every_message_and_the_page_says_whose_it_is(
    client, db, demo_data
):
    """Everyone in a role gets the same regions: the edit and delete controls of a message
    travel with it, with its author's id, and the page names its reader for viewer.js."""
    path = await team(client, db)
    async with db.session() as session:
        found = await session.exec(select(User).where(col(User.email).in_(PEOPLE.values())))
        people = {user.email: user.id for user in found}
    await as_person(client, PEOPLE[audience.MEMBER])
    page = (await client.get(path)).text
    assert f'id="viewer" hidden data-reader="{people[PEOPLE[audience.MEMBER]]}"' in page
    listed = r'<article class="message[^"]*" id="message-\d+" data-author="(\d+)">(.*?)</article>'
    items = re.findall(listed, page, re.S)
    for author, words in ((audience.LEAD, "ici la lead"), (audience.MEMBER, "je rédige")):
        [(who, markup)] = [(int(who), html) for who, html in items if words in html]
        assert who == people[PEOPLE[author]]
        assert 'class="own-only" data-edit-until="' in markup
        assert "/delete" in markup


async def test_a_hidden_message_and_its_reason_reach_the_moderators_alone(client, db, demo_data):
    path = await team(client, db)
    project_id = int(path.rsplit("/", 1)[1])
    messages = (await last_pushed(db, project_id))["messages"]
    channel = projects.channel(project_id)
    for locale in ("fr", "en"):
        # What a socket of each audience is sent, as the hub sends it.
        sent = {
            role: envelope_for(channel, 1, messages, f"{locale}/{role}") for role in audience.ROLES
        }
        assert "Un message à masquer" in sent[audience.MODERATOR]
        assert "Hors sujet" in sent[audience.MODERATOR]
        for role in SEAT_ROLES:
            assert "Un message à masquer" not in sent[role], role
            assert "Hors sujet" not in sent[role], role
            assert "/why" in sent[role]  # its author follows a link that checks who asks


async def test_the_reason_a_message_was_hidden_is_for_its_author_and_the_trainers(
    client, db, demo_data
):
    path = await team(client, db)
    await as_person(client, PEOPLE[audience.MEMBER])
    hidden = re.search(r'messages/(\d+)/why"', (await client.get(path)).text)
    assert hidden
    why = f"{path}/messages/{hidden.group(1)}/why"
    for email, status in (
        (PEOPLE[audience.MEMBER], 200),  # its author
        (PEOPLE[audience.MODERATOR], 200),
        (PEOPLE[audience.LEAD], 403),
        (PEOPLE[audience.LEARNER], 403),
    ):
        await as_person(client, email)
        answer = await client.get(why)
        assert answer.status_code == status, email
        assert ("Hors sujet" in answer.text) == (status == 200), email


async def test_forms_in_pushed_regions_carry_no_token_and_a_post_without_one_is_refused(
    client, db, demo_data
):
    path = await launched(client, db)
    pushed = await last_pushed_region(db, path, "compose")
    assert 'name="csrf_token" value=""' in pushed
    token = re.search(r'name="csrf_token" value="([^"]+)"', (await client.get(path)).text)
    assert token
    bare = await client.post(f"{path}/messages", data={"body": "Sans jeton"})
    assert bare.status_code == 403
    empty = await client.post(f"{path}/messages", data={"body": "Jeton vide", "csrf_token": ""})
    assert empty.status_code == 403
    headed = await client.post(
        f"{path}/messages",
        data={"body": "Avec l'en-tête", "csrf_token": ""},
        headers={"X-CSRF-Token": token.group(1)},
    )
    assert headed.status_code == 303
    page = (await client.get(path)).text
    assert "Avec l&#39;en-tête" in page and "Sans jeton" not in page and "Jeton vide" not in page


async def last_pushed_region(db, path: str, region: str) -> str:
    project_id = int(path.rsplit("/", 1)[1])
    async with db.session() as session:
        events = await event_log.since(session, projects.channel(project_id), 0, limit=1000)
    assert events
    found = [pick(e.content, "fr/lead") or "" for e in events]
    return next(html for html in reversed(found) if f'id="{region}-{project_id}"' in html)


async def test_the_role_decides_everything_the_regions_offer(client, db, demo_data):
    """A region is rendered for a role, not for its reader: for each person, the role's view
    answers every rule the regions ask as their own view does."""
    path = await team(client, db)
    project_id = int(path.rsplit("/", 1)[1])
    asked = [
        "can_edit_draft", "can_publish", "can_support", "can_launch", "can_decide",
        "can_join", "can_leave", "can_accept_members", "can_run_board", "can_post",
        "read_only", "can_flag", "can_moderate", "can_read_audit",
    ]  # fmt: skip
    async with db.session() as session:
        for role, email in PEOPLE.items():
            user = (await session.exec(select(User).where(User.email == email))).one()
            view = await projects.project_view(session, user, project_id)
            assert audience.role_of(view) == role, email
            as_role = audience.role_view(view, role)
            for rule in asked:
                assert getattr(as_role, rule) == getattr(view, rule), (role, rule)


async def test_a_pushed_region_is_read_once_for_every_language_and_role(app, client, db, demo_data):
    """What a change costs does not grow with its readers: each region is read once, then
    rendered for every audience, whoever has the page open."""
    path = await team(client, db)
    project_id = int(path.rsplit("/", 1)[1])
    # At most (the author may already be in the session), whatever the number of readers.
    reads = {"head": 3, "members": 3, "board": 2, "compose": 0, "messages": 2}  # and photos
    async with app.state.db.session() as session:
        user = (await session.exec(select(User).where(User.email == PEOPLE[audience.LEAD]))).one()
        view = await projects.project_view(session, user, project_id)
        for region, expected in reads.items():
            with own_statements(app) as statements:
                rendered = await variants(session, view, region)
            assert len(rendered) == len(i18n.LOCALES) * len(audience.ROLES)
            assert 0 < len(statements) <= expected or expected == 0 == len(statements), (
                region,
                statements,
            )


async def test_a_members_socket_never_carries_a_hidden_message_nor_why(start, people):
    """The adversary is a member reading their raw socket, live and in the replay."""
    server = start()
    project = "/projects/3"  # the demo's running project of apprenant9, run by formateur2
    member = await people(server, "apprenant9@demo.test")
    trainer = await people(server, "formateur2@demo.test")
    assert (
        await member.post(f"{project}/messages", {"body": "Secret à masquer"}, page=project)
    ).status_code == 303
    hidden = last_message((await member.http.get(project)).text)
    listening = await member.socket({"project:3": 0})  # replays the log, then live
    watching = await trainer.socket({"project:3": 0})
    answer = await trainer.post(
        f"{project}/messages/{hidden}/hide", {"reason": "Motif secret"}, page=project
    )
    assert answer.status_code == 303
    for socket in (listening, watching):
        await socket.wait_for(
            lambda s: any("Message masqué" in e.get("content", "") for e in s.events("project:3"))
        )
    seen = "".join(e.get("content", "") for e in listening.events("project:3"))
    told = "".join(e.get("content", "") for e in watching.events("project:3"))
    assert "Secret à masquer" in seen  # before it was hidden, as everyone saw it
    last = listening.events("project:3")[-1]["content"]
    assert "Secret à masquer" not in last and "Motif secret" not in last
    assert "Motif secret" not in seen
    assert "Motif secret" in told and "Secret à masquer" in told.rsplit("Message masqué", 1)[1]

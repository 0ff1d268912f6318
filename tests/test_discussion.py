"""A project's discussion: messages sent from the page are answered in place, replies gather
in threads, and a mention tells who mentioned whom, and where."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from community import demo, notifications
from community.accounts import Passwords
from community.models import Message, Notification, User
from tests.helpers import post_form, sign_in
from tests.test_projects import as_person

PROJECT = "/projects/1"  # the demo's "Guide des gestes du quotidien", led by apprenant2
IN_PLACE = {"HX-Request": "true", "HX-Request-Type": "partial"}


@pytest.fixture
async def demo_with_projects(db) -> None:
    """The demo with its projects and their discussions."""
    await demo.load(db, Passwords("fast"))


async def send(client, body: str, *, in_place: bool = True, **extra: str):
    """A message sent from the page's form: with htmx (answered in place), or without."""
    page = (await client.get(PROJECT)).text
    token = re.search(r'data-csrf="([^"]+)"', page)
    assert token
    return await client.post(
        f"{PROJECT}/messages",
        data={"body": body, **extra, "csrf_token": token.group(1)},
        headers=IN_PLACE if in_place else {},
    )


async def ids_of(db, *bodies: str) -> dict[str, Message]:
    async with db.session() as session:
        found = await session.exec(select(Message).where(Message.body.in_(bodies)))  # type: ignore[attr-defined]
        return {message.body: message for message in found}


def thread_of(page: str, first_id: int) -> str:
    """The markup of the thread that starts with this message, up to the next thread."""
    start = page.index(f'<li class="thread" id="thread-{first_id}"')
    end = page.find('<li class="thread"', start + 1)
    return page[start : end if end > 0 else len(page)]


async def test_a_message_sent_in_place_is_answered_with_the_emptied_box_and_the_messages(
    client, demo_with_projects
):
    await sign_in(client, "apprenant3@demo.test")
    answer = await send(client, "On se voit jeudi ?")
    assert answer.status_code == 200 and "location" not in answer.headers
    html = answer.text
    assert "<html" not in html
    assert re.search(r'<div id="compose-1"[^>]* hx-swap-oob="outerHTML"', html)
    assert re.search(r'<ol id="messages-1"[^>]* hx-swap-oob="outerHTML"', html)
    assert "On se voit jeudi ?" in html
    box = re.search(r'<textarea id="f-body"[^>]*>(.*?)</textarea>', html, re.S)
    assert box and box.group(1) == ""  # emptied
    # The newest message is the last one, like a chat.
    assert html.rindex("On se voit jeudi ?") > html.rindex("@Amina tu peux relire")


async def test_without_htmx_a_message_still_takes_the_page_back_to_the_project(
    client, demo_with_projects
):
    await sign_in(client, "apprenant3@demo.test")
    answer = await send(client, "Sans htmx", in_place=False)
    assert answer.status_code == 303 and answer.headers["location"] == PROJECT


async def test_a_refused_message_comes_back_alone_with_why_and_what_was_typed(
    client, db, demo_with_projects
):
    await sign_in(client, "apprenant3@demo.test")
    empty = await send(client, "   ")
    assert empty.status_code == 422
    assert empty.text.lstrip().startswith('<form method="post" action="/projects/1/messages"')
    assert 'id="compose-form-1"' in empty.text and 'aria-invalid="true"' in empty.text
    too_long = await send(client, "é" * 2001)
    assert too_long.status_code == 422
    assert "2000 caractères au maximum" in too_long.text and "é" * 2001 in too_long.text
    replied_to = await ids_of(db, "Bienvenue ! La liste des gestes est dans les tâches.")
    first = next(iter(replied_to.values())).id
    reply = await send(client, "x" * 2001, reply_to=str(first))
    assert reply.status_code == 422
    assert f'id="reply-form-{first}"' in reply.text and "x" * 2001 in reply.text
    assert 'id="compose-form-1"' not in reply.text


async def test_a_locked_or_slow_space_refuses_in_place_and_keeps_the_text(
    client, demo_with_projects
):
    await sign_in(client, "formateur1@demo.test")
    slow = {"locked": "0", "slow": "30", "reason": "Calmons le jeu"}
    assert (await post_form(client, f"{PROJECT}/space", slow, page=PROJECT)).status_code == 303
    await as_person(client, "apprenant5@demo.test")  # who has not written yet
    assert (await send(client, "Premier")).status_code == 200
    second = await send(client, "Second, trop tôt")
    assert second.status_code == 422
    assert "Mode lent" in second.text and "Second, trop tôt" in second.text
    await as_person(client, "formateur1@demo.test")
    locked = {"locked": "1", "slow": "0", "reason": "Pause"}
    assert (await post_form(client, f"{PROJECT}/space", locked, page=PROJECT)).status_code == 303
    await as_person(client, "apprenant5@demo.test")
    refused = await send(client, "Encore là")
    assert refused.status_code == 422
    assert "lecture seule" in refused.text and "Encore là" in refused.text


async def test_a_reply_to_a_reply_joins_the_same_thread_oldest_first(
    client, db, demo_with_projects
):
    await sign_in(client, "apprenant3@demo.test")
    await send(client, "Qui arrose les plantes ?")
    start = (await ids_of(db, "Qui arrose les plantes ?"))["Qui arrose les plantes ?"]
    await send(client, "Moi lundi", reply_to=str(start.id))
    await send(client, "Un autre sujet")
    reply = (await ids_of(db, "Moi lundi"))["Moi lundi"]
    await as_person(client, "apprenant4@demo.test")
    await send(client, "Et moi mardi", reply_to=str(reply.id))  # a reply to the reply
    found = await ids_of(db, "Moi lundi", "Et moi mardi", "Un autre sujet")
    assert found["Moi lundi"].reply_to_id == start.id
    assert found["Et moi mardi"].reply_to_id == start.id
    page = (await client.get(PROJECT)).text
    thread = thread_of(page, start.id or 0)
    assert thread.index("Qui arrose") < thread.index("Moi lundi") < thread.index("Et moi mardi")
    assert "Un autre sujet" not in thread
    assert "2 réponses" in thread
    # Threads follow their first message: this one, then the later one.
    assert page.index(f'id="thread-{start.id}"') < page.index("Un autre sujet")


async def test_a_pinned_thread_is_shown_before_the_others(client, db, demo_with_projects):
    await sign_in(client, "formateur1@demo.test")
    latest = await ids_of(db, "@Amina tu peux relire ma première fiche jeudi ?")
    pinned = next(iter(latest.values())).id
    pin = await post_form(client, f"{PROJECT}/messages/{pinned}/pin", {}, page=PROJECT)
    assert pin.status_code == 303
    page = (await client.get(PROJECT)).text
    assert re.findall(r'<li class="thread" id="thread-(\d+)"', page)[0] == str(pinned)


async def test_the_team_list_offers_its_seated_members_to_mention(client, demo_with_projects):
    await sign_in(client, "apprenant3@demo.test")
    page = (await client.get(PROJECT)).text
    offered = dict(re.findall(r'data-mention="([^"]+)" data-name="([^"]+)"', page))
    assert offered == {
        "Lucas": "Lucas Martin", "Chloé": "Chloé Dubois",
        "Youssef": "Youssef El Amrani", "Léa": "Léa Bernard",
    }  # fmt: skip
    assert 'role="combobox"' in page and 'aria-controls="mention-options"' in page
    assert '<ul id="mention-options" role="listbox"' in page


async def test_a_mention_says_who_mentioned_you_and_where_even_once_they_are_gone(
    client, db, demo_with_projects
):
    await sign_in(client, "apprenant2@demo.test")
    assert (await send(client, "@Chloé tu relis <b>ça</b> ?")).status_code == 200
    await as_person(client, "apprenant3@demo.test")
    said = "Lucas Martin vous a mentionné·e dans « Guide des gestes du quotidien »."
    told = (await client.get("/notifications")).text
    assert (
        said.replace("Lucas Martin", "<bdi>Lucas Martin</bdi>").replace(
            "Guide des gestes du quotidien", "<bdi>Guide des gestes du quotidien</bdi>"
        )
        in told
    )
    async with db.session() as session:
        await notifications.forget_name(session, "Lucas Martin")
        await session.commit()
        chloe = await session.exec(select(User.id).where(User.email == "apprenant3@demo.test"))
        kept = await session.exec(
            select(Notification).where(
                Notification.user_id == chloe.one(), Notification.kind == "mention"
            )
        )
        assert [n.subject for n in kept][-1] == "\x1fGuide des gestes du quotidien"
    told = (await client.get("/notifications")).text
    assert "<bdi>ancien·ne membre</bdi> vous a mentionné·e dans" in told

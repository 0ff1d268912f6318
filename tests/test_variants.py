"""Events rendered once per audience: each socket gets its own audience's variant, live and
from the log, and an audience without a variant is told to fetch again rather than left
behind. The hub, broker and event log are real; the sockets stand in for the network."""

from __future__ import annotations

import json

import pytest

import realtime
from realtime import Hub, MemoryBroker
from realtime.hub import envelope
from realtime.variants import pick
from tests.test_hub import Peer, until

CONTENT = realtime.variants({"fr/member": "<p>bonjour</p>", "en/member": "<p>hello</p>"})


class Audiences:
    """Who hears `room` as what: changed by a test to play a change of rights."""

    def __init__(self) -> None:
        self.by_user: dict[str, str | None] = {}

    async def __call__(self, ws, _channel: str) -> str | None:
        return self.by_user[ws.user]


class NamedPeer(Peer):
    def __init__(self, user: str) -> None:
        super().__init__()
        self.user = user

    def messages(self) -> list[dict]:
        return [json.loads(text) for text in self.received]


@pytest.fixture
async def audiences():
    return Audiences()


@pytest.fixture
async def hub(db, audiences):
    started = Hub(MemoryBroker(), db.sessionmaker, audiences)
    await started.start()
    yield started
    for client in list(started.clients):  # their sender tasks end before the database closes
        await started.detach(client)
    await started.stop()


async def joined(hub, audiences, user: str, audience: str | None, seq: int = 0):
    audiences.by_user[user] = audience
    peer = NamedPeer(user)
    client = hub.attach(peer, user, f"session-{user}")
    await hub.subscribe(client, "room", seq, audience or "")
    return peer, client


async def test_each_socket_is_sent_its_own_audience_variant_live(hub, audiences):
    french, _ = await joined(hub, audiences, "a", "fr/member")
    english, _ = await joined(hub, audiences, "b", "en/member")
    await hub.broker.publish("room", envelope("room", 1, CONTENT))
    await until(lambda: french.received and english.received)
    assert french.messages() == [{"ch": "room", "seq": 1, "content": "<p>bonjour</p>"}]
    assert english.messages() == [{"ch": "room", "seq": 1, "content": "<p>hello</p>"}]


async def test_an_audience_the_event_has_no_variant_for_is_told_to_fetch_again(hub, audiences):
    trainer, client = await joined(hub, audiences, "t", "fr/moderator")
    await hub.broker.publish("room", envelope("room", 1, CONTENT))
    await until(lambda: trainer.received)
    assert trainer.messages() == [{"type": "resync", "ch": "room", "seq": 1}]
    assert "bonjour" not in trainer.received[0]
    assert client.cursors["room"] == 1  # the refetch shows seq 1: it is not sent again


async def test_a_socket_catching_up_from_the_log_gets_its_own_variant(db, hub, audiences):
    async with db.session() as session:
        await realtime.append(session, "room", CONTENT)
        await realtime.append(session, "room", "<p>same for all</p>")
        await session.commit()
    english, _ = await joined(hub, audiences, "b", "en/member")
    await until(lambda: len(english.received) == 2)
    assert [m["content"] for m in english.messages()] == ["<p>hello</p>", "<p>same for all</p>"]


async def test_a_new_role_makes_the_page_fetch_again_and_later_events_follow_it(hub, audiences):
    learner, client = await joined(hub, audiences, "a", "fr/member")
    audiences.by_user["a"] = "en/member"  # e.g. rights changed; the page was rendered before
    await hub.control(type="reauthorize", user="a")
    await until(lambda: learner.received)
    assert learner.messages() == [{"type": "resync", "ch": "room"}]
    await hub.broker.publish("room", envelope("room", 1, CONTENT))
    await until(lambda: len(learner.received) == 2)
    assert learner.messages()[1]["content"] == "<p>hello</p>"
    assert client.audiences["room"] == "en/member"


async def test_a_socket_that_lost_the_right_is_denied_and_hears_nothing_more(hub, audiences):
    learner, client = await joined(hub, audiences, "a", "fr/member")
    audiences.by_user["a"] = None
    await hub.control(type="reauthorize", user="a")
    await until(lambda: learner.received)
    assert learner.messages() == [{"type": "denied", "ch": "room"}]
    assert "room" not in client.cursors and "room" not in client.audiences
    await hub.broker.publish("room", envelope("room", 1, CONTENT))
    await hub.broker.publish("room", envelope("room", 2, "<p>more</p>"))
    await until(lambda: not hub.channels.get("room"))
    assert len(learner.received) == 1


def test_audiences_that_see_the_same_region_share_one_copy_of_it():
    html = "<ol>" + "<li>a long message</li>" * 50 + "</ol>"
    content = realtime.variants({"fr/member": html, "fr/lead": html, "fr/moderator": "<ol/>"})
    assert content.count("a long message") == 50
    assert [pick(content, a) for a in ("fr/member", "fr/lead", "fr/moderator", "en/member")] == [
        html,
        html,
        "<ol/>",
        None,
    ]

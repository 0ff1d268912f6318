"""Live channels end to end: real `ruche serve` processes, real websockets, real Redis."""

from __future__ import annotations

import asyncio
import shutil
import urllib.request

import pytest
from redis.asyncio import Redis
from sqlmodel import select

from community.models import User
from tests.conftest import need
from tests.live_client import Person
from tests.servers import RedisServer, prepare, ruche_env, serve

GROUP = "iteration:2"  # learners 1-6, formateur1, organisme@
OTHER_GROUP = "iteration:4"


@pytest.fixture
def start(database_url, redis_url, tmp_path):
    """Start servers on the test's database (demo data loaded once); all stopped afterwards."""
    started = []
    prepared = False

    def launch(redis: str | None = redis_url, **extra: str):
        nonlocal prepared
        env = ruche_env(database_url, redis, **extra)
        if not prepared:
            prepare(env)
            prepared = True
        server = serve(env, tmp_path)
        started.append(server)
        return server

    yield launch
    for server in started:
        server.stop()


@pytest.fixture
async def people():
    """Sign people in on a server; their HTTP clients and sockets are closed afterwards."""
    made: list[Person] = []

    async def person(server, email: str) -> Person:
        made.append(Person(server.url))
        return await made[-1].sign_in(email)

    yield person
    for p in made:
        await p.close()


def healthy(server) -> bool:
    with urllib.request.urlopen(f"{server.url}/healthz", timeout=2) as response:  # noqa: S310
        return response.status == 200


async def test_sockets_are_refused_before_they_are_accepted(start, people):
    import websockets

    server = start()
    learner = await people(server, "apprenant1@demo.test")
    for headers in ({"Origin": "https://evil.example"}, {"Origin": None}, {"Cookie": ""}):
        with pytest.raises(websockets.InvalidStatus) as refused:
            await learner.socket(**headers)
        assert refused.value.response.status_code == 403
    # /live skips most of the middleware chain, but not the host check (DNS rebinding).
    with pytest.raises(websockets.InvalidStatus) as refused:
        await learner.socket(Host="evil.example", Origin="http://evil.example")
    assert refused.value.response.status_code == 400


async def test_channels_the_user_may_not_see_are_denied(start, people):
    server = start()
    learner = await people(server, "apprenant1@demo.test")
    socket = await learner.socket({OTHER_GROUP: 0, "project:999": 0, "review:2": 0, GROUP: 0})
    await socket.wait_for(lambda s: sum(m.get("type") == "denied" for m in s.messages) == 3)
    denied = {m["ch"] for m in socket.messages if m.get("type") == "denied"}
    # Another group, no such project, and the trainers' queue of their own group.
    assert denied == {OTHER_GROUP, "project:999", "review:2"}
    trainer = await people(server, "formateur2@demo.test")
    await trainer.announce(4, "Pour la promotion 4 seulement")
    await trainer.announce(4, "Encore pour la 4")
    await asyncio.sleep(0.5)
    assert socket.events(OTHER_GROUP) == []
    await socket.close()


@pytest.mark.parametrize(
    ("message", "code"),
    [("x" * 9000, 1009), ("not json", 1007), ('{"type": "subscribe"}', 1007), (b"\x00", 1003)],
)
async def test_rule_breaking_messages_close_the_socket_not_the_server(start, people, message, code):
    server = start()
    learner = await people(server, "apprenant1@demo.test")
    socket = await learner.socket()
    await socket.connection.send(message)
    assert await socket.closed_with() == code
    assert healthy(server)
    again = await learner.socket({GROUP: 0})
    await again.wait_for(lambda s: any(m.get("ch") == GROUP for m in s.messages))
    await again.close()


async def test_a_flood_of_messages_is_cut_off(start, people):
    server = start()
    learner = await people(server, "apprenant1@demo.test")
    socket = await learner.socket()
    for _ in range(60):
        await socket.resume({GROUP: 0})
    assert await socket.closed_with() == 1008
    assert healthy(server)


async def test_announcements_reach_open_sockets_in_order(start, people):
    server = start()
    learners = [await people(server, f"apprenant{n}@demo.test") for n in (1, 2)]
    sockets = [await learner.socket({GROUP: 0}) for learner in learners]
    trainer = await people(server, "formateur1@demo.test")
    for n in range(3):
        await trainer.announce(2, f"Annonce numéro {n}")
    for socket in sockets:
        await socket.wait_for(lambda s: len(s.events(GROUP)) == 3)
        assert socket.seqs(GROUP) == [1, 2, 3]
        assert "Annonce numéro 2" in socket.events(GROUP)[-1]["content"]
        assert 'hx-swap-oob="outerHTML"' in socket.events(GROUP)[-1]["content"]
        await socket.close()


async def test_user_text_is_escaped_in_pushed_fragments(start, people):
    server = start()
    learner = await people(server, "apprenant1@demo.test")
    socket = await learner.socket({GROUP: 0})
    trainer = await people(server, "formateur1@demo.test")
    await trainer.announce(2, '<img src=x onerror=alert(1)> <div hx-get="/signout">')
    await socket.wait_for(lambda s: len(s.events(GROUP)) == 1)
    content = socket.events(GROUP)[0]["content"]
    assert "<img" not in content and '<div hx-get="/signout">' not in content
    assert "&lt;img src=x onerror=alert(1)&gt;" in content
    await socket.close()


async def test_an_offline_client_resumes_every_missed_event_exactly_once(start, people):
    server = start()
    learner = await people(server, "apprenant1@demo.test")
    trainer = await people(server, "formateur1@demo.test")
    await trainer.announce(2, "Avant la coupure")
    socket = await learner.socket({GROUP: 0})
    await socket.wait_for(lambda s: s.seqs(GROUP) == [1])
    await socket.close()  # the phone goes to sleep

    for n in range(50):
        await trainer.announce(2, f"Pendant la coupure {n}")

    back = await learner.socket({GROUP: 1})
    await back.wait_for(lambda s: len(s.events(GROUP)) == 50)
    await trainer.announce(2, "Après le retour")
    await back.wait_for(lambda s: len(s.events(GROUP)) == 51)
    await asyncio.sleep(0.3)
    assert back.seqs(GROUP) == list(range(2, 53))  # in order, no gap, no double
    assert "Pendant la coupure 49" in back.events(GROUP)[49]["content"]
    await back.close()


async def test_a_second_resume_on_an_open_socket_resends_nothing(start, people):
    server = start()
    trainer = await people(server, "formateur1@demo.test")
    for n in range(3):
        await trainer.announce(2, f"Annonce {n}")
    learner = await people(server, "apprenant1@demo.test")
    socket = await learner.socket({GROUP: 0})
    await socket.wait_for(lambda s: s.seqs(GROUP) == [1, 2, 3])
    await socket.resume({GROUP: 0, OTHER_GROUP: 0})  # a page resuming again, from 0
    await socket.wait_for(lambda s: {"type": "denied", "ch": OTHER_GROUP} in s.messages)
    await trainer.announce(2, "La suite")
    # Anything sent again would have been queued before this event.
    await socket.wait_for(lambda s: 4 in s.seqs(GROUP))
    assert socket.seqs(GROUP) == [1, 2, 3, 4]
    await socket.close()


async def test_a_gap_older_than_the_log_asks_for_a_resync(start, people):
    server = start(RUCHE_LIVE_KEEP_EVENTS="10")
    trainer = await people(server, "formateur1@demo.test")
    for n in range(15):
        await trainer.announce(2, f"Annonce {n}")
    learner = await people(server, "apprenant1@demo.test")
    socket = await learner.socket({GROUP: 2})
    await socket.wait_for(lambda s: {"type": "resync", "ch": GROUP} in s.messages)
    await trainer.announce(2, "La suite")
    await socket.wait_for(lambda s: s.seqs(GROUP) == [16])
    await socket.close()


async def test_signing_out_closes_that_sessions_sockets(start, people):
    server = start()
    leaving = await people(server, "apprenant1@demo.test")
    staying = await people(server, "apprenant2@demo.test")
    gone, kept = await leaving.socket({GROUP: 0}), await staying.socket({GROUP: 0})
    await leaving.post("/signout", {})
    assert await gone.closed_with() == 1008
    trainer = await people(server, "formateur1@demo.test")
    await trainer.announce(2, "Toujours là ?")
    await kept.wait_for(lambda s: s.seqs(GROUP) == [1])
    await kept.close()


async def test_a_removed_member_receives_nothing_more(start, people, db):
    server = start()
    learner = await people(server, "apprenant3@demo.test")
    socket = await learner.socket({GROUP: 0})
    staff = await people(server, "organisme@demo.test")
    await staff.announce(2, "Première annonce")
    await socket.wait_for(lambda s: s.seqs(GROUP) == [1])
    async with db.session() as session:
        query = select(User.id).where(User.email == "apprenant3@demo.test")
        learner_id = (await session.exec(query)).one()
    response = await staff.post(f"/iterations/2/members/{learner_id}/remove", {}, page="/")
    assert response.status_code == 303
    await socket.wait_for(lambda s: {"type": "denied", "ch": GROUP} in s.messages)
    await staff.announce(2, "Après le départ")
    await asyncio.sleep(0.5)
    assert socket.seqs(GROUP) == [1]
    again = await learner.socket({GROUP: 1})
    await again.wait_for(lambda s: {"type": "denied", "ch": GROUP} in s.messages)
    assert again.events(GROUP) == []


async def test_events_committed_but_never_published_are_delivered_by_the_dispatcher(start, people):
    server = start(RUCHE_FAULT_SKIP_PUBLISH="1")  # as if the process died after each commit
    learner = await people(server, "apprenant1@demo.test")
    socket = await learner.socket({GROUP: 0})
    trainer = await people(server, "formateur1@demo.test")
    await trainer.announce(2, "Publiée par le répartiteur")
    await socket.wait_for(lambda s: s.seqs(GROUP) == [1], timeout=10)
    assert "Publiée par le répartiteur" in socket.events(GROUP)[0]["content"]
    await socket.close()


@pytest.fixture
def private_redis(tmp_path):
    need(shutil.which("redis-server"), "redis-server is not installed")
    redis = RedisServer(tmp_path)
    redis.start()
    yield redis
    redis.stop()


async def test_an_event_written_on_one_process_reaches_a_socket_on_another(
    start, people, private_redis
):
    a, b = start(private_redis.url), start(private_redis.url)
    learner = await people(b, "apprenant1@demo.test")
    socket = await learner.socket({GROUP: 0})
    trainer = await people(a, "formateur1@demo.test")
    await trainer.announce(2, "Écrite sur A, lue sur B")
    await socket.wait_for(lambda s: s.seqs(GROUP) == [1])
    await socket.close()


async def test_nothing_is_lost_when_redis_drops_its_subscribers_and_restarts(
    start, people, private_redis
):
    servers = [start(private_redis.url), start(private_redis.url)]
    sockets = []
    for n, server in enumerate(servers * 2):
        learner = await people(server, f"apprenant{n + 1}@demo.test")
        sockets.append(await learner.socket({GROUP: 0}))
    writers = [await people(server, "formateur1@demo.test") for server in servers]
    total = 40
    for n in range(total):
        await writers[n % 2].announce(2, f"Message {n}")
        if n == 10:
            admin = Redis.from_url(private_redis.url)
            await admin.client_kill_filter(_type="pubsub")
            await admin.aclose()
        if n == 20:
            private_redis.stop()
        if n == 25:
            private_redis.start()
        await asyncio.sleep(0.05)
    for socket in sockets:
        await socket.wait_for(lambda s: len(s.events(GROUP)) >= total, timeout=20)
        await asyncio.sleep(0.2)
        assert socket.seqs(GROUP) == list(range(1, total + 1))
        await socket.close()


async def test_a_restarting_server_says_so_and_the_page_resumes_on_the_next(
    start, people, private_redis
):
    first, second = start(private_redis.url), start(private_redis.url)
    learner_on_first = await people(first, "apprenant1@demo.test")
    socket = await learner_on_first.socket({GROUP: 0})
    await socket.wait_for(lambda s: any(m.get("ch") == GROUP for m in s.messages))
    first.stop()  # SIGTERM: uvicorn closes its sockets with 1012, "service restart"
    assert await socket.closed_with() == 1012

    trainer = await people(second, "formateur1@demo.test")
    await trainer.announce(2, "Pendant le redémarrage")
    learner_on_second = await people(second, "apprenant1@demo.test")
    back = await learner_on_second.socket({GROUP: 0})
    await back.wait_for(lambda s: s.seqs(GROUP) == [1])
    await back.close()


BAD_CURSORS = {
    "project:99999999999999999999": 0,
    "iteration:²": 0,
    "iteration:-2": 0,
    "iteration:0": 0,
    "iteration:2\u0000": 0,
    "nope:2": 0,
    "iteration": 0,
    "": 0,
    "iteration:3": 2**64,
    "iteration:5": -1,
    "iteration:6": True,
    "iteration:7": "1",
    "iteration:8": 1.5,
    "iteration:9": None,
}


async def test_malformed_resume_cursors_are_denied_one_by_one_and_the_socket_stays(start, people):
    server = start()
    learner = await people(server, "apprenant1@demo.test")
    socket = await learner.socket({**BAD_CURSORS, GROUP: 0})  # type: ignore[dict-item]
    await socket.wait_for(lambda s: sum(m.get("type") == "denied" for m in s.messages) == 14)
    denied = {m["ch"] for m in socket.messages if m.get("type") == "denied"}
    assert denied == set(BAD_CURSORS)
    heard = len(socket.events(GROUP))
    trainer = await people(server, "formateur1@demo.test")
    await trainer.announce(2, "Toujours là")
    await socket.wait_for(lambda s: len(s.events(GROUP)) > heard)
    await socket.close()
    assert "Traceback" not in server.log.read_text()

"""Virtual reality and 360° through the app: the catalogue's scenes (pictures cleaned, links
https only), the comfort check and its opt-out, private debriefs, headsets booked by slot
(one booking a slot, whoever asks at the same moment), and who may do what."""

from __future__ import annotations

import asyncio
import dataclasses
import io
from datetime import timedelta
from html import unescape

import pytest
from PIL import Image
from sqlmodel import col, func, select

from community.i18n import DISPLAY_TIMEZONE
from community.models import VrBooking, VrHeadset, VrPractice, VrScene, VrSlot, utcnow
from community.vr.demo import BOOKED_BY, HEADSETS, SKILL
from tests.conftest import make_client
from tests.helpers import csrf_token, post_form, sign_in, staff_of_another_provider

STAFF = "organisme@demo.test"
LEARNER = "apprenant1@demo.test"
OTHER_LEARNER = "apprenant2@demo.test"
TRAINER = "formateur1@demo.test"
GPS_IFD = 0x8825
MAKE = 0x010F


@pytest.fixture
def settings(settings, tmp_path):
    """Pictures are kept in a directory of the test's own."""
    return dataclasses.replace(settings, media_dir=tmp_path / "media")


def panorama_jpeg() -> bytes:
    """A 360° picture as a camera makes it: with its maker and where it was taken."""
    exif = Image.Exif()
    exif[MAKE] = "CameraMaker"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 3.0)})
    out = io.BytesIO()
    Image.new("RGB", (2000, 1000), (90, 140, 200)).save(out, "JPEG", exif=exif)
    return out.getvalue()


async def skill_id(client) -> str:
    page = unescape((await client.get("/vr")).text)
    start = page.index('name="skill_id"')
    marker = f">{SKILL}</option>"
    end = page.index(marker, start)
    return page[page.rindex('value="', start, end) + 7 : page.rindex('"', start, end)]


async def add_scene(client, content: bytes | None = None, url: str = "", **extra: str):
    token = await csrf_token(client, "/vr")
    data = {
        "title": "Chambre à 360°",
        "description": "Un lit, une fenêtre, une porte.",
        "skill_id": await skill_id(client),
        "image_url": url,
        "csrf_token": token,
        **extra,
    }
    files = {"picture": ("scene.jpg", content, "image/jpeg")} if content is not None else None
    # A page's form sends the token as htmx does, in a header: a multipart body is not read
    # before the request is allowed.
    return await client.post("/vr/scenes", data=data, files=files, headers={"X-CSRF-Token": token})


async def a_scene(client) -> str:
    """A scene added by the demo's staff from a camera's picture: its address."""
    await sign_in(client, STAFF)
    added = await add_scene(client, panorama_jpeg())
    assert added.status_code == 303, added.text
    return added.headers["location"]


async def the_slots(db) -> list[tuple[VrSlot, VrHeadset]]:
    async with db.session() as session:
        rows = await session.exec(
            select(VrSlot, VrHeadset)
            .join(VrHeadset, col(VrHeadset.id) == VrSlot.headset_id)
            .order_by(col(VrSlot.starts_at), col(VrHeadset.name))
        )
        return list(rows)


async def bookings(db, slot_id: int) -> int:
    async with db.session() as session:
        query = select(func.count()).select_from(VrBooking).where(VrBooking.slot_id == slot_id)
        return (await session.exec(query)).one()


async def test_a_picture_is_kept_without_its_metadata_and_served_to_the_providers_learners(
    app, client, db, demo_data
):
    scene = await a_scene(client)
    async with db.session() as session:
        kept = (await session.exec(select(VrScene))).one()
    content = app.state.media.get(kept.image_key)
    image = Image.open(io.BytesIO(content))
    assert image.format == "WEBP" and not image.getexif() and image.size == (2000, 1000)
    learner = make_client(app)
    await sign_in(learner, LEARNER)
    assert (await learner.get(scene + "/picture")).content == content
    assert "Un lit, une fenêtre, une porte." in unescape((await learner.get(scene)).text)
    await learner.aclose()


async def test_a_scene_is_refused_without_a_picture_or_https_link_and_for_a_file_not_a_picture(
    client, db, demo_data
):
    await sign_in(client, STAFF)
    for url in ("", "http://exemple.fr/scene.jpg", "javascript:alert(1)", "https://"):
        refused = await add_scene(client, url=url)
        assert refused.status_code == 422, url
        assert "https://" in unescape(refused.text)
    not_a_picture = await add_scene(client, b"%PDF-1.7 pas une image")
    assert not_a_picture.status_code == 422
    assert "pas une image que Ruche sait lire" in unescape(not_a_picture.text)
    assert (await add_scene(client, url="https://exemple.fr/scene.jpg")).status_code == 303


async def test_the_comfort_opt_out_is_remembered_and_the_flat_version_moves_nothing(
    app, client, db, demo_data
):
    scene = await a_scene(client)
    learner = make_client(app)
    await sign_in(learner, LEARNER)
    check = unescape((await learner.get(scene)).text)
    assert "peuvent donner le vertige" in check and "version fixe" in check
    flat = await post_form(learner, scene + "/practices", {"mode": "flat"}, page=scene)
    assert flat.status_code == 303
    practice = unescape((await learner.get(flat.headers["location"])).text)
    assert "data-panorama" not in practice and 'class="vr-still"' in practice
    again = unescape((await learner.get(scene)).text)
    assert "Vous avez choisi la version fixe la dernière fois" in again
    assert again.index('value="flat"') < again.index('value="immersive"')
    immersive = await post_form(learner, scene + "/practices", {"mode": "immersive"}, page=scene)
    viewer = unescape((await learner.get(immersive.headers["location"])).text)
    assert (
        "data-panorama=" in viewer and "pannellum.js" in viewer and 'role="application"' in viewer
    )
    await learner.aclose()


async def test_a_debrief_is_read_by_its_learner_only_trainers_included(app, client, db, demo_data):
    scene = await a_scene(client)
    learner = make_client(app)
    await sign_in(learner, LEARNER)
    started = await post_form(learner, scene + "/practices", {"mode": "immersive"}, page=scene)
    practice = started.headers["location"]
    empty = await post_form(learner, practice + "/debrief", {"went_well": "", "do_differently": ""},
                            page=practice)  # fmt: skip
    assert empty.status_code == 422 and "Ce champ est obligatoire." in unescape(empty.text)
    said = {"went_well": "J'ai repéré la porte.", "do_differently": "Alerter plus tôt."}
    assert (await post_form(learner, practice + "/debrief", said, page=practice)).status_code == 303
    assert "J'ai repéré la porte." in unescape((await learner.get(practice)).text)
    assert "Mes débriefings" in unescape((await learner.get("/vr")).text)
    for other in (OTHER_LEARNER, TRAINER, STAFF):
        reader = make_client(app)
        await sign_in(reader, other)
        assert (await reader.get(practice)).status_code == 404, other
        assert "Mes débriefings" not in unescape((await reader.get("/vr")).text)
        await reader.aclose()
    await learner.aclose()


async def test_another_providers_staff_finds_no_scene_slot_or_picture(app, client, db, demo_data):
    scene = await a_scene(client)
    await staff_of_another_provider(db)
    other = make_client(app)
    await sign_in(other, "staff-b@b.test", "mot de passe b")
    assert (await other.get(scene)).status_code == 404
    assert (await other.get(scene + "/picture")).status_code == 404
    page = unescape((await other.get("/vr")).text)
    assert HEADSETS[0] not in page and "Chambre à 360°" not in page
    slot, _headset = (await the_slots(db))[0]
    token = await csrf_token(other, "/vr")
    assert (
        await other.post(f"/vr/slots/{slot.id}/book", data={"csrf_token": token})
    ).status_code == 404
    await other.aclose()


async def test_a_learner_books_a_slot_another_sees_it_taken_and_it_is_free_once_cancelled(
    app, client, db, demo_data
):
    slot = next(s for s, h in await the_slots(db) if h.name == HEADSETS[0])
    await sign_in(client, LEARNER)
    booked = await post_form(client, f"/vr/slots/{slot.id}/book", {}, page="/vr")
    assert booked.status_code == 303
    assert "Réservé par vous" in unescape((await client.get("/vr")).text)
    other = make_client(app)
    await sign_in(other, OTHER_LEARNER)
    late = await post_form(other, f"/vr/slots/{slot.id}/book", {}, page="/vr")
    assert late.status_code == 422 and "Quelqu'un vient de réserver" in unescape(late.text)
    cancel_other = await post_form(other, f"/vr/slots/{slot.id}/cancel", {}, page="/vr")
    assert cancel_other.status_code == 404
    assert (
        await post_form(client, f"/vr/slots/{slot.id}/cancel", {}, page="/vr")
    ).status_code == 303
    assert await bookings(db, slot.id or 0) == 0
    assert (await post_form(other, f"/vr/slots/{slot.id}/book", {}, page="/vr")).status_code == 303
    await other.aclose()


async def test_the_demo_has_a_booked_slot_and_staff_cannot_book(client, db, demo_data):
    slots = await the_slots(db)
    assert {h.name for _s, h in slots} == set(HEADSETS)
    async with db.session() as session:
        booked = list(await session.exec(select(VrBooking)))
    assert len(booked) == 1 and BOOKED_BY == 3
    await sign_in(client, STAFF)
    free = next(s for s, _h in slots if s.id != booked[0].slot_id)
    assert (await post_form(client, f"/vr/slots/{free.id}/book", {}, page="/vr")).status_code == 404


async def test_a_slot_that_overlaps_another_of_its_headset_or_is_past_is_refused(
    client, db, demo_data
):
    slot, headset = (await the_slots(db))[0]
    await sign_in(client, STAFF)
    path = f"/vr/headsets/{headset.id}/slots"
    local = slot.starts_at.astimezone(DISPLAY_TIMEZONE) + timedelta(minutes=15)
    overlapping = {"starts_at": local.strftime("%Y-%m-%dT%H:%M"), "minutes": "30"}
    refused = await post_form(client, path, overlapping, page="/vr")
    assert refused.status_code == 422 and "déjà un créneau" in unescape(refused.text)
    past = (utcnow() - timedelta(days=1)).astimezone(DISPLAY_TIMEZONE)
    old = await post_form(client, path, {"starts_at": past.strftime("%Y-%m-%dT%H:%M"),
                                         "minutes": "30"}, page="/vr")  # fmt: skip
    assert old.status_code == 422
    for minutes in ("0", "abc", "9999"):
        bad = {"starts_at": "2026-13-45T99:99", "minutes": minutes}
        assert (await post_form(client, path, bad, page="/vr")).status_code == 422


async def test_two_learners_booking_the_same_slot_at_once_one_wins_on_postgresql(
    app, client, db, demo_data, settings
):
    """Real concurrent requests, each learner on a connection of their own, ten rounds."""
    if not settings.database_url.startswith("postgres"):
        pytest.skip("the race is run on PostgreSQL (TEST_DATABASE_URL)")
    await sign_in(client, STAFF)
    headset = (await the_slots(db))[0][1]
    people = []
    for email in (LEARNER, OTHER_LEARNER):
        http = make_client(app)
        await sign_in(http, email)
        people.append((http, await csrf_token(http, "/vr")))
    start = (utcnow() + timedelta(days=3)).astimezone(DISPLAY_TIMEZONE).replace(minute=0)
    for round_ in range(10):
        begin = (start + timedelta(hours=round_)).strftime("%Y-%m-%dT%H:%M")
        added = await post_form(client, f"/vr/headsets/{headset.id}/slots",
                                {"starts_at": begin, "minutes": "30"}, page="/vr")  # fmt: skip
        assert added.status_code == 303, added.text
        async with db.session() as session:
            newest = (await session.exec(select(func.max(VrSlot.id)))).one()
        answers = await asyncio.gather(*(
            http.post(f"/vr/slots/{newest}/book", data={"csrf_token": token})
            for http, token in people
        ))  # fmt: skip
        assert sorted(a.status_code for a in answers) == [303, 422]
        assert await bookings(db, newest or 0) == 1
    for http, _token in people:
        await http.aclose()


async def test_a_practice_with_a_linked_picture_lets_that_origin_in_only(
    app, client, db, demo_data
):
    await sign_in(client, STAFF)
    added = await add_scene(client, url="https://images.exemple.fr/chambre.jpg")
    scene = added.headers["location"]
    learner = make_client(app)
    await sign_in(learner, LEARNER)
    started = await post_form(learner, scene + "/practices", {"mode": "immersive"}, page=scene)
    page = await learner.get(started.headers["location"])
    policy = page.headers["content-security-policy"]
    assert "img-src 'self' data: blob: https://images.exemple.fr;" in policy
    assert "script-src 'self';" in policy
    async with db.session() as session:
        assert (await session.exec(select(func.count()).select_from(VrPractice))).one() == 1
    await learner.aclose()


async def scene_count(db) -> int:
    async with db.session() as session:
        return (await session.exec(select(func.count()).select_from(VrScene))).one()


async def practise(app, scene: str, mode: str):
    """A demo learner's practice of `scene` in `mode`: the page and the learner's client."""
    learner = make_client(app)
    await sign_in(learner, LEARNER)
    started = await post_form(learner, scene + "/practices", {"mode": mode}, page=scene)
    return await learner.get(started.headers["location"]), learner


async def test_a_video_scene_plays_its_https_video_in_the_video_player_with_that_origin_let_in(
    app, client, db, demo_data
):
    await sign_in(client, STAFF)
    added = await add_scene(client, video_url="https://video.exemple.fr/360/chambre.webm")
    assert added.status_code == 303, added.text
    page, learner = await practise(app, added.headers["location"], "immersive")
    html = unescape(page.text)
    assert '<source src="https://video.exemple.fr/360/chambre.webm" type="video/webm">' in html
    assert "data-vr-video" in html and "js/vr-video.js" in html and "video.core.novtt" in html
    assert "data-panorama" not in html and "poster=" not in html
    policy = page.headers["content-security-policy"]
    assert policy.endswith("; media-src 'self' https://video.exemple.fr")
    assert "script-src 'self';" in policy and "img-src 'self' data:;" in policy
    assert "connect-src 'self';" in policy
    await learner.aclose()


async def test_a_picture_scene_loads_no_video_player_and_lets_no_media_origin_in(
    app, client, db, demo_data
):
    page, learner = await practise(app, await a_scene(client), "immersive")
    html = unescape(page.text)
    assert "data-panorama=" in html
    assert "vr-video" not in html and "video.core" not in html and "<video" not in html
    assert "media-src" not in page.headers["content-security-policy"]
    await learner.aclose()


async def test_a_video_address_over_http_or_not_an_mp4_or_webm_file_is_refused_writing_nothing(
    client, db, demo_data
):
    await sign_in(client, STAFF)
    for url in (
        "http://video.exemple.fr/chambre.mp4",
        "https://video.exemple.fr/chambre.avi",
        "https://video.exemple.fr/watch?v=chambre",
        "javascript:alert(1)//.mp4",
        "https://",
    ):
        refused = await add_scene(client, video_url=url)
        assert refused.status_code == 422, url
        assert "se terminant par .mp4 ou .webm" in unescape(refused.text), url
    video = "https://video.exemple.fr/chambre.mp4"
    poster_over_http = await add_scene(client, url="http://exemple.fr/poster.jpg", video_url=video)
    assert poster_over_http.status_code == 422
    assert await scene_count(db) == 0


async def test_a_video_scenes_flat_version_shows_its_poster_and_description_without_the_video(
    app, client, db, demo_data
):
    await sign_in(client, STAFF)
    added = await add_scene(client, url="https://images.exemple.fr/poster.jpg",
                            video_url="https://video.exemple.fr/chambre.mp4")  # fmt: skip
    page, learner = await practise(app, added.headers["location"], "flat")
    html = unescape(page.text)
    assert 'class="vr-still" src="https://images.exemple.fr/poster.jpg"' in html
    assert "Un lit, une fenêtre, une porte." in html and "<video" not in html
    policy = page.headers["content-security-policy"]
    assert "img-src 'self' data: https://images.exemple.fr;" in policy
    assert "connect-src 'self';" in policy
    await learner.aclose()

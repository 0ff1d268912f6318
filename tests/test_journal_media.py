"""An entry's photos, as private as their entry (the author; the group once shared; the
mentor's link for that entry), cleaned of their metadata, refused with a reason when they
cannot be kept, and gone with their entry or account; and a VR debrief taken into the journal
when its learner asks, never otherwise."""

from __future__ import annotations

import dataclasses
import io
from html import unescape

import pytest
from PIL import Image
from sqlmodel import col, func, select

from community.demo import PASSWORD
from community.models import JournalEntry, JournalEntrySkill, JournalPhoto, VrScene
from tests.conftest import make_client
from tests.helpers import csrf_token, post_form, sign_in
from tests.test_journal import ENTRY, LEARNER, PEER, TRAINER, mentor_key, pooling_session, write
from tests.test_photos import GPS_IFD, camera_jpeg, stored_files
from tests.test_vr import a_scene

VR_LEARNER = "apprenant1@demo.test"  # a learner of the provider whose catalogue has the scene


@pytest.fixture
def settings(settings, tmp_path):
    """Photos are kept in a directory of the test's own."""
    return dataclasses.replace(settings, media_dir=tmp_path / "media")


async def an_entry(client, title: str = ENTRY["title"]) -> str:
    written = await write(client, {**ENTRY, "title": title})
    assert written.status_code == 303
    return written.headers["location"]


async def send_photo(client, entry_path: str, content: bytes, name: str = "photo.jpg"):
    """A photo, as the entry page's form sends it (htmx gives the CSRF header)."""
    token = await csrf_token(client, entry_path)
    return await client.post(
        f"{entry_path}/photos",
        files={"photo": (name, content, "image/jpeg")},
        headers={"X-CSRF-Token": token},
    )


async def photo_rows(db) -> list[JournalPhoto]:
    async with db.session() as session:
        return list(await session.exec(select(JournalPhoto).order_by(col(JournalPhoto.id))))


async def with_photo(client, db) -> tuple[str, str]:
    """The learner's new entry with a camera's photo: the entry's and the photo's addresses."""
    await sign_in(client, LEARNER)
    entry_path = await an_entry(client)
    added = await send_photo(client, entry_path, camera_jpeg())
    assert added.status_code == 303, added.text
    return entry_path, f"{entry_path}/photos/{(await photo_rows(db))[-1].key}"


async def test_an_entry_sent_twice_with_its_key_makes_one_entry(client, db, demo_data):
    await sign_in(client, LEARNER)
    before = await entry_count(db)
    first = await write(client, {**ENTRY, "idem": "kept-offline-1"})
    again = await write(client, {**ENTRY, "idem": "kept-offline-1"})
    assert first.status_code == again.status_code == 303
    assert first.headers["location"] == again.headers["location"]
    assert await entry_count(db) == before + 1


async def test_a_photo_is_served_to_its_author_without_metadata_and_never_cached(
    client, db, demo_data, settings
):
    entry_path, photo = await with_photo(client, db)
    assert f'src="{photo}"' in (await client.get(entry_path)).text
    served = await client.get(photo)
    assert served.status_code == 200 and served.headers["cache-control"] == "no-store"
    assert served.headers["content-type"] == "image/webp"
    assert b"Exif" not in served.content and b"PhoneMaker" not in served.content
    image = Image.open(io.BytesIO(served.content))
    assert not image.getexif() and not image.getexif().get_ifd(GPS_IFD)
    assert image.size == (1200, 1600)  # turned upright, as the camera meant it
    assert [p.read_bytes() for p in stored_files(settings)] == [served.content]


async def test_a_private_entry_s_photo_is_refused_to_a_peer_and_to_a_trainer_until_shared(
    app, client, db, demo_data, settings
):
    entry_path, photo = await with_photo(client, db)
    for email in (PEER, TRAINER):
        async with make_client(app) as other:
            await sign_in(other, email)
            assert (await other.get(photo)).status_code == 404, email
    async with make_client(app) as anonymous:
        assert (await anonymous.get(photo)).status_code == 404
    session_id = await pooling_session(db)
    shared = await post_form(
        client, entry_path + "/share", {"session_id": str(session_id)}, page=entry_path
    )
    assert shared.status_code == 303
    async with make_client(app) as trainer:
        await sign_in(trainer, TRAINER)
        seen = await trainer.get(photo)
        assert seen.status_code == 200 and seen.headers["cache-control"] == "private"


async def test_a_mentor_link_shows_its_entry_s_photos_and_not_another_entry_s(
    app, client, db, demo_data, settings
):
    first_path, first_photo = await with_photo(client, db)
    second_path = await an_entry(client, "Un second chantier")
    assert (await send_photo(client, second_path, camera_jpeg(400, 300))).status_code == 303
    second_key = (await photo_rows(db))[-1].key
    mentor = {"mentor_name": "Paul Girard", "mentor_email": "paul.girard@atelier.test"}
    assert (
        await post_form(client, second_path + "/mentor", mentor, page=second_path)
    ).status_code == 303
    key = await mentor_key(db, "paul.girard@atelier.test")
    first_key = first_photo.rsplit("/", 1)[1]
    async with make_client(app) as anonymous:
        assert f"/mentor/{key}/photos/{second_key}" in (await anonymous.get(f"/mentor/{key}")).text
        own = await anonymous.get(f"/mentor/{key}/photos/{second_key}")
        assert own.status_code == 200 and own.headers["cache-control"] == "no-store"
        assert (await anonymous.get(f"/mentor/{key}/photos/{first_key}")).status_code == 404
        assert (await anonymous.get(f"{first_path}/photos/{first_key}")).status_code == 404


async def test_a_file_not_a_picture_is_refused_in_french_and_nothing_is_kept(
    client, db, demo_data, settings
):
    await sign_in(client, LEARNER)
    entry_path = await an_entry(client)
    refused = await send_photo(client, entry_path, b"%PDF-1.4 not a picture", name="photo.jpg")
    assert refused.status_code == 422 and 'id="e-photo"' in refused.text
    assert "Ce fichier n'est pas une image" in unescape(refused.text)
    assert not await photo_rows(db) and not stored_files(settings)


async def test_a_picture_over_the_size_limit_is_refused_in_french_and_nothing_is_kept(
    client, db, demo_data, settings
):
    await sign_in(client, LEARNER)
    entry_path = await an_entry(client)
    refused = await send_photo(client, entry_path, b"\xff\xd8" + b"\x00" * (10 * 1024 * 1024 + 10))
    assert refused.status_code == 422 and "10 Mo au maximum" in unescape(refused.text)
    assert not await photo_rows(db) and not stored_files(settings)


async def test_a_fourth_photo_is_refused_in_french_and_the_three_stay(
    client, db, demo_data, settings
):
    await sign_in(client, LEARNER)
    entry_path = await an_entry(client)
    for _ in range(3):
        assert (await send_photo(client, entry_path, camera_jpeg(400, 300))).status_code == 303
    before = {p.name for p in stored_files(settings)}
    refused = await send_photo(client, entry_path, camera_jpeg(400, 300))
    assert refused.status_code == 422
    assert "Une situation a 3 photos au maximum." in unescape(refused.text)
    assert len(await photo_rows(db)) == 3 and {p.name for p in stored_files(settings)} == before


async def test_deleting_the_entry_removes_its_photos_and_their_files(
    client, db, demo_data, settings
):
    entry_path, _photo = await with_photo(client, db)
    deleted = await post_form(client, entry_path + "/delete", {}, page=entry_path)
    assert deleted.status_code == 303
    assert not await photo_rows(db) and not stored_files(settings)


async def test_deleting_the_account_removes_the_journal_s_photo_files(
    client, db, demo_data, settings
):
    await with_photo(client, db)
    said = {"password": PASSWORD, "confirm": "1"}
    erased = await post_form(client, "/profile/delete", said, page="/profile/delete")
    assert erased.status_code == 303, erased.text
    assert not await photo_rows(db) and not stored_files(settings)


async def practised(app, client) -> tuple[str, object]:
    """A scene of the catalogue practised and debriefed by the VR learner (signed in on the
    client returned): the practice's address."""
    scene = await a_scene(client)
    learner = make_client(app)
    await sign_in(learner, VR_LEARNER)
    started = await post_form(learner, scene + "/practices", {"mode": "flat"}, page=scene)
    practice = started.headers["location"]
    said = {"went_well": "J'ai repéré la porte.", "do_differently": "Alerter plus tôt."}
    assert (await post_form(learner, practice + "/debrief", said, page=practice)).status_code == 303
    return practice, learner


async def entry_count(db) -> int:
    async with db.session() as session:
        return (await session.exec(select(func.count()).select_from(JournalEntry))).one()


async def test_a_debrief_becomes_a_private_entry_only_when_its_learner_asks(
    app, client, db, demo_data, settings
):
    practice, learner = await practised(app, client)
    before = await entry_count(db)
    page = unescape((await learner.get(practice)).text)
    assert "Ajouter à mon journal" in page and await entry_count(db) == before
    practice_id = practice.rsplit("/", 1)[1]
    added = await post_form(learner, f"/journal/from-practice/{practice_id}", {}, page=practice)
    assert added.status_code == 303
    shown = unescape((await learner.get(added.headers["location"])).text)
    assert "Privée : vous seul·e pouvez la lire" in shown and "Modifier cette situation" in shown
    async with db.session() as session:
        entry = (
            await session.exec(select(JournalEntry).order_by(col(JournalEntry.id).desc()))
        ).first()
        scene = (await session.exec(select(VrScene).order_by(col(VrScene.id).desc()))).first()
        skills = list(
            await session.exec(
                select(JournalEntrySkill.skill_id).where(JournalEntrySkill.entry_id == entry.id)
            )
        )
    assert entry.title == scene.title and scene.title in entry.happened
    assert (entry.did, entry.next_time) == ("J'ai repéré la porte.", "Alerter plus tôt.")
    assert skills == [scene.skill_id] and entry.shared_session_id is None
    again = await post_form(learner, f"/journal/from-practice/{practice_id}", {}, page=practice)
    assert again.headers["location"] == added.headers["location"]  # a second tap: one entry
    assert await entry_count(db) == before + 1
    await learner.aclose()


async def test_another_person_cannot_take_someone_s_debrief_into_a_journal(
    app, client, db, demo_data, settings
):
    practice, learner = await practised(app, client)
    await learner.aclose()
    before = await entry_count(db)
    practice_id = practice.rsplit("/", 1)[1]
    async with make_client(app) as other:
        await sign_in(other, "apprenant2@demo.test")
        tried = await post_form(other, f"/journal/from-practice/{practice_id}", {}, page="/journal")
        assert tried.status_code == 404
    assert await entry_count(db) == before


async def test_only_the_author_removes_a_photo_and_its_file_goes(
    app, client, db, demo_data, settings
):
    entry_path, photo = await with_photo(client, db)
    async with make_client(app) as peer:
        await sign_in(peer, PEER)
        tried = await post_form(peer, photo + "/delete", {}, page="/journal")
        assert tried.status_code == 404
    assert len(await photo_rows(db)) == 1 and len(stored_files(settings)) == 1
    removed = await post_form(client, photo + "/delete", {}, page=entry_path)
    assert removed.status_code == 303
    assert not await photo_rows(db) and not stored_files(settings)
    assert (await client.get(photo)).status_code == 404

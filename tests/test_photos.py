"""Photos on project messages: what is kept of a picture, what is refused, and who may see
it (community/images.py, community/projects/photos.py, community/storage.py)."""

from __future__ import annotations

import dataclasses
import io

import pytest
from PIL import Image
from sqlmodel import col, select

from community import erasure, storage
from community.models import Message, MessagePhoto
from tests.helpers import csrf_token, post_form, sign_in, staff_of_another_provider
from tests.test_projects import as_person, count, first_message, launched

GPS_IFD = 0x8825
ORIENTATION = 0x0112
MAKE = 0x010F


@pytest.fixture
def settings(settings, tmp_path):
    """Pictures are kept in a directory of the test's own."""
    return dataclasses.replace(settings, media_dir=tmp_path / "media")


def camera_jpeg(width: int = 4000, height: int = 3000) -> bytes:
    """A photo as a phone takes it: sideways (to be turned a quarter), with its maker and
    where it was taken."""
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[MAKE] = "PhoneMaker"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 3.0)})
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 120, 40)).save(out, "JPEG", exif=exif)
    return out.getvalue()


def png(width: int, height: int, mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (width, height)).save(out, "PNG")
    return out.getvalue()


async def send(client, path: str, content: bytes, name: str = "photo.jpg", **fields: str):
    """A message with a file, as the page's form sends it (htmx gives the CSRF header)."""
    token = await csrf_token(client, path)
    return await client.post(
        f"{path}/messages",
        data={"body": "Voici la maquette", **fields},
        files={"photo": (name, content, "image/jpeg")},
        headers={"X-CSRF-Token": token},
    )


async def photos(db) -> list[MessagePhoto]:
    async with db.session() as session:
        return list(await session.exec(select(MessagePhoto)))


def stored_files(settings) -> list:
    return [p for p in settings.media_dir.rglob("*") if p.is_file()]


async def test_a_photo_is_kept_upright_resized_and_without_any_metadata(
    client, db, demo_data, app, settings
):
    path = await launched(client, db)
    original = camera_jpeg()
    assert b"PhoneMaker" in original
    sent = await send(client, path, original, alt="La maquette au tableau")
    assert sent.status_code == 303
    [photo] = await photos(db)
    assert (photo.width, photo.height) == (1200, 1600)  # turned upright, longest side 1600
    kept = app.state.media.get(photo.key)
    assert kept is not None and photo.size == len(kept) and b"PhoneMaker" not in kept
    image = Image.open(io.BytesIO(kept))
    assert image.format == "WEBP" and image.size == (1200, 1600)
    assert not image.getexif() and not image.getexif().get_ifd(GPS_IFD)
    assert not {"exif", "xmp", "icc_profile"} & set(image.info)
    page = (await client.get(path)).text
    assert f'src="{path}/photos/{photo.key}" width="1200" height="1600" loading="lazy"' in page
    assert 'alt="La maquette au tableau"' in page


async def test_a_photo_without_description_is_described_by_its_author(client, db, demo_data):
    path = await launched(client, db)
    assert (await send(client, path, png(40, 30))).status_code == 303
    assert 'alt="Photo de Amina' in (await client.get(path)).text


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        (
            "notes.jpg",
            b"Ceci est un texte, pas une photo.\n" * 20,
            "pas une image que Ruche sait lire",
        ),
        (
            "devis.jpg",
            b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n",
            "pas une image que Ruche sait lire",
        ),
        (
            "logo.jpg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "pas une image que Ruche sait lire",
        ),
        (
            "polyglotte.jpg",
            b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"<html><script>alert(1)</script></html>" * 9,
            "pas une image que Ruche sait lire",
        ),
        ("iphone.heic", b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64, "HEIC"),
    ],
)
async def test_a_file_that_is_not_a_readable_picture_is_refused_and_nothing_is_kept(
    client, db, demo_data, settings, name, content, said
):
    path = await launched(client, db)
    refused = await send(client, path, content, name=name, body="Mon texte à garder")
    assert refused.status_code == 422
    assert said in refused.text and 'id="e-photo"' in refused.text
    assert "Mon texte à garder" in refused.text  # what was typed is kept
    assert await count(db, col(Message.id)) == 0 and not await photos(db)
    assert not stored_files(settings)


async def test_a_picture_over_the_size_limit_is_refused_next_to_its_field(
    client, db, demo_data, settings
):
    path = await launched(client, db)
    refused = await send(client, path, b"\xff\xd8" + b"\x00" * (10 * 1024 * 1024 + 10))
    assert refused.status_code == 422 and "10 Mo au maximum" in refused.text
    assert await count(db, col(Message.id)) == 0 and not stored_files(settings)


async def test_a_decompression_bomb_is_refused(client, db, demo_data, settings):
    path = await launched(client, db)
    bomb = png(20_000, 20_000, mode="1")  # 400 million pixels in a few kilobytes
    assert len(bomb) < 100_000
    refused = await send(client, path, bomb, name="bombe.png")
    assert refused.status_code == 422 and "trop de pixels" in refused.text
    assert not await photos(db) and not stored_files(settings)


async def test_only_the_message_route_takes_a_large_body(client, db, demo_data):
    path = await launched(client, db)
    assert (
        await send(client, path, png(1500, 1500, mode="RGBA") + b"\x00" * 600_000)
    ).status_code == 303
    token = await csrf_token(client, path)
    elsewhere = await client.post(
        f"{path}/tasks",
        data={"title": "x"},
        files={"photo": ("a.jpg", b"\x00" * 600_000, "image/jpeg")},
        headers={"X-CSRF-Token": token},
    )
    assert elsewhere.status_code == 413


async def _photo_address(client, db, path: str) -> str:
    assert (await send(client, path, png(64, 48))).status_code == 303
    [photo] = await photos(db)
    return f"{path}/photos/{photo.key}"


async def test_the_team_and_its_trainers_get_the_photo_with_safe_headers(client, db, demo_data):
    path = await launched(client, db)
    address = await _photo_address(client, db, path)
    for reader in ("apprenant1@demo.test", "apprenant2@demo.test", "formateur1@demo.test"):
        await as_person(client, reader)
        shown = await client.get(address)
        assert shown.status_code == 200, reader
        assert shown.headers["content-type"] == "image/webp"
        assert shown.headers["x-content-type-options"] == "nosniff"
        assert shown.headers["cache-control"] == "private"
        assert shown.headers["content-disposition"] == "inline"
        assert "sandbox" in shown.headers["content-security-policy"]


async def test_no_one_outside_the_project_gets_the_photo(client, db, demo_data):
    path = await launched(client, db)
    address = await _photo_address(client, db, path)
    await as_person(client, "apprenant7@demo.test")  # a learner of another group
    assert (await client.get(address)).status_code == 404
    await staff_of_another_provider(db)
    await post_form(client, "/signout", {})
    await sign_in(client, "staff-b@b.test", "mot de passe b")
    assert (await client.get(address)).status_code == 404
    await post_form(client, "/signout", {})
    assert (await client.get(address)).status_code == 404
    await sign_in(client, "apprenant1@demo.test")
    other_project = await client.get("/projects/999999/photos/" + address[-32:])
    assert other_project.status_code == 404


async def test_a_hidden_message_s_photo_is_served_again_only_once_restored(client, db, demo_data):
    path = await launched(client, db)
    address = await _photo_address(client, db, path)
    message = first_message((await client.get(path)).text)
    await as_person(client, "formateur1@demo.test")
    hide = f"{path}/messages/{message}/hide"
    await post_form(client, hide, {"reason": "Pas ici"}, page=path)
    assert (await client.get(address)).status_code == 404
    await as_person(client, "apprenant1@demo.test")
    assert (await client.get(address)).status_code == 404
    assert address not in (await client.get(path)).text
    await as_person(client, "formateur1@demo.test")
    await post_form(client, hide, {}, page=path)
    assert (await client.get(address)).status_code == 200


async def test_a_deleted_message_s_photo_and_its_file_are_gone(client, db, demo_data, settings):
    path = await launched(client, db)
    address = await _photo_address(client, db, path)
    assert len(stored_files(settings)) == 1
    message = first_message((await client.get(path)).text)
    deleted = await post_form(client, f"{path}/messages/{message}/delete", {}, page=path)
    assert deleted.status_code == 303
    assert (await client.get(address)).status_code == 404
    assert not await photos(db) and not stored_files(settings)


async def test_a_file_written_in_a_transaction_that_fails_is_removed(db, tmp_path):
    media = storage.DiskStorage(tmp_path)
    kept, lost = storage.new_key(), storage.new_key()
    async with db.session() as session:
        storage.put_in(session, media, kept, b"kept")
        await session.commit()
    async with db.session() as session:
        storage.put_in(session, media, lost, b"lost")
        await session.rollback()
    assert media.get(kept) == b"kept" and media.get(lost) is None


async def test_a_file_is_deleted_only_once_its_row_s_deletion_commits(db, tmp_path):
    media = storage.DiskStorage(tmp_path)
    key = storage.new_key()
    media.put(key, b"photo")
    async with db.session() as session:
        storage.delete_in(session, media, key)
        await session.rollback()
    assert media.get(key) == b"photo"
    async with db.session() as session:
        storage.delete_in(session, media, key)
        assert media.get(key) == b"photo"
        await session.commit()
    assert media.get(key) is None


async def test_a_file_written_before_an_error_closes_the_session_is_removed(db, tmp_path):
    media = storage.DiskStorage(tmp_path)
    key = storage.new_key()
    with pytest.raises(RuntimeError):
        async with db.session() as session:
            await session.exec(select(Message))
            storage.put_in(session, media, key, b"photo")
            raise RuntimeError("the request failed before its commit")
    assert media.get(key) is None


async def test_an_erased_author_s_photo_stays_with_the_message_under_former_member(
    client, db, demo_data
):
    path = await launched(client, db)
    address = await _photo_address(client, db, path)
    [photo] = await photos(db)
    async with db.session() as session:
        await erasure.erase(session, photo.author_id)
        await session.commit()
    await as_person(client, "apprenant2@demo.test")
    assert (await client.get(address)).status_code == 200
    page = (await client.get(path)).text
    assert f'src="{address}"' in page and 'alt="Photo de Amina' not in page

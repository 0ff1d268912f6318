"""Ruche as an installable app: the manifest, the service worker and what it keeps, and the
key that makes a message sent again from a phone's outbox one message."""

from __future__ import annotations

import json
import re
import struct

from sqlmodel import col

from community import pwa
from community.models import Message
from community.templating import STATIC, static_url
from tests.helpers import post_form, sign_in
from tests.test_projects import count, launched


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height, from the PNG header (IHDR comes first)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


async def test_the_manifest_names_the_app_and_its_icons_exist_at_their_sizes(client):
    response = await client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/manifest+json"
    manifest = json.loads(response.text)
    assert manifest["name"] == manifest["short_name"] == "Ruche"
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    assert manifest["lang"] == "fr"
    assert manifest["theme_color"] == "#ffbf00" and manifest["background_color"] == "#ffffff"
    sizes = set()
    for icon in manifest["icons"]:
        image = await client.get(icon["src"])
        assert image.status_code == 200 and image.headers["content-type"] == "image/png"
        width, height = png_size(image.content)
        assert icon["sizes"] == f"{width}x{height}"
        sizes.add((width, icon["purpose"]))
    assert {(192, "any"), (512, "any"), (512, "maskable")} <= sizes


async def test_pages_link_the_manifest_the_theme_colour_and_the_touch_icon(client):
    page = (await client.get("/")).text
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert '<meta name="theme-color" content="#ffbf00">' in page
    assert f'<link rel="apple-touch-icon" href="{static_url("img/apple-touch-icon.png")}">' in page
    assert (await client.get(static_url("img/apple-touch-icon.png"))).status_code == 200


async def test_the_worker_is_served_at_the_root_and_checked_at_every_visit(client):
    response = await client.get("/sw.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["cache-control"] == "no-cache"
    # At the root, its scope is the whole site: no Service-Worker-Allowed needed.
    assert "service-worker-allowed" not in response.headers


async def test_the_worker_precaches_every_current_versioned_asset_and_the_offline_page(client):
    script = (await client.get("/sw.js")).text
    precache = json.loads(re.search(r"const PRECACHE = (\[.*?\]);", script).group(1))
    assert static_url("css/ruche.css") in precache
    assert static_url("js/outbox.js") in precache
    assert static_url("vendor/htmx-4.0.1/htmx.min.js") in precache
    linked = re.findall(r'(?:src|href)="(/static/[^"]+)"', (await client.get("/")).text)
    assert set(linked) <= set(precache)  # what pages link, at the version they link
    assert not [url for url in precache if "LICENSE" in url]
    assert 'const OFFLINE = "/offline"' in script


async def test_a_new_asset_version_names_a_new_cache(client, monkeypatch):
    before = (await client.get("/sw.js")).text
    monkeypatch.setattr(pwa, "static_url", lambda path: f"/static/{path}?v=changed")
    after = (await client.get("/sw.js")).text
    cache = re.compile(r'const CACHE = "(ruche-fr-\w+)"')
    assert cache.search(before).group(1) != cache.search(after).group(1)


async def test_the_offline_page_is_friendly_and_holds_nobody_s_name_or_token(client, demo_data):
    await sign_in(client, "apprenant1@demo.test")
    response = await client.get("/offline")
    assert response.status_code == 200
    assert "Vous êtes hors ligne…" in response.text
    assert "Se déconnecter" not in response.text and "data-outbox-owner" not in response.text
    assert not re.search(r"X-CSRF-Token&#34;: &#34;\w", response.text)


async def test_the_policy_allows_this_origin_s_worker_and_manifest_only(client):
    policy = (await client.get("/")).headers["content-security-policy"]
    assert "worker-src 'self';" in policy and "manifest-src 'self';" in policy
    assert "script-src 'self';" in policy  # nothing else was opened for them


def test_icons_are_committed_at_their_sizes():
    for name, size in {
        "icon-192.png": 192, "icon-512.png": 512, "icon-maskable-512.png": 512,
        "apple-touch-icon.png": 180,
    }.items():  # fmt: skip
        assert png_size((STATIC / "img" / name).read_bytes()) == (size, size), name


async def test_a_message_sent_again_with_its_key_is_posted_once(client, db, demo_data):
    path = await launched(client, db)
    kept = {"body": "Écrit dans le train", "idem": "cle-du-telephone-1"}
    assert (await post_form(client, f"{path}/messages", kept, page=path)).status_code == 303
    await post_form(client, f"{path}/messages", {"body": "Et un autre"}, page=path)
    # The phone never heard the answer, and sends its kept form again.
    assert (await post_form(client, f"{path}/messages", kept, page=path)).status_code == 303
    assert await count(db, col(Message.id), Message.body == "Écrit dans le train") == 1

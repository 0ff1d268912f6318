"""Static files: what pages link is kept by browsers for good; anything else is asked again."""

from __future__ import annotations

import re


async def test_the_linked_version_of_an_asset_is_cached_for_good(client):
    page = await client.get("/signin")
    linked = re.search(r'src="(/static/js/live\.js\?v=\w+)"', page.text)
    assert linked is not None
    kept = await client.get(linked.group(1))
    assert kept.status_code == 200
    assert kept.headers["cache-control"] == "public, max-age=31536000, immutable"


async def test_an_unversioned_or_stale_url_is_not_cached_for_good(client):
    for url in ("/static/js/live.js", "/static/js/live.js?v=0123456789"):
        response = await client.get(url)
        assert response.status_code == 200
        assert "immutable" not in response.headers.get("cache-control", ""), url

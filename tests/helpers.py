"""What the tests do as a user would: read a page's CSRF token, post a form, sign in."""

from __future__ import annotations

import re

import httpx2

from community.demo import PASSWORD

TOKEN = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


async def csrf_token(client: httpx2.AsyncClient, path: str = "/") -> str:
    page = await client.get(path)
    match = TOKEN.search(page.text)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


async def post_form(
    client: httpx2.AsyncClient, path: str, data: dict[str, str], *, page: str = "/"
) -> httpx2.Response:
    token = await csrf_token(client, page)
    return await client.post(path, data={**data, "csrf_token": token})


async def sign_in(client: httpx2.AsyncClient, email: str, password: str = PASSWORD) -> None:
    response = await post_form(
        client, "/signin", {"email": email, "password": password}, page="/signin"
    )
    assert response.status_code == 303, response.text


async def sign_up(
    client: httpx2.AsyncClient, email: str, name: str = "Nouvelle Personne"
) -> httpx2.Response:
    return await post_form(
        client,
        "/signup",
        {"email": email, "display_name": name, "password": "une phrase secrète"},
        page="/signup",
    )

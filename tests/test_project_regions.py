"""A project's live regions, fetched again alone, are what a fresh load of the page shows."""

from __future__ import annotations

import pytest
from sqlmodel import select

from community import demo
from community.accounts import Passwords
from community.models import Project
from community.projects import REGIONS
from tests.helpers import sign_in

REGION_REQUEST = {"HX-Request": "true", "HX-Request-Type": "partial"}


@pytest.mark.parametrize("email", ["apprenant1@demo.test", "formateur1@demo.test"])
async def test_each_region_fetched_alone_equals_the_same_region_of_the_page(client, db, email):
    await demo.load(db, Passwords("fast"))
    async with db.session() as session:
        project = (await session.exec(select(Project).where(Project.status == "active"))).first()
    assert project is not None
    await sign_in(client, email)
    path = f"/projects/{project.id}"
    page = await client.get(path)
    assert page.status_code == 200
    for region in REGIONS:
        fragment = await client.get(f"{path}?region={region}", headers=REGION_REQUEST)
        assert fragment.status_code == 200
        html = fragment.text.strip()
        assert html.startswith("<") and f'id="{region}-{project.id}"' in html, region
        assert "<html" not in html, f"{region}: the whole page came back"
        assert html in page.text, f"{region} differs from the page"

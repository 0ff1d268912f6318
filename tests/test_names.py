"""Names people choose are isolated wherever a page shows them: a right-to-left override in a
name (U+202E) cannot turn the words around it."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from sqlmodel import col, select

from community import demo
from community.accounts import Passwords
from community.areas import notification_text
from community.models import HelpRequest, Notification, Project, ProjectRole, Skill, Task, User
from tests.helpers import sign_in

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: "\u202eexe.pdf" reads as "fdp.exe"


class Overrides(HTMLParser):
    """Every override in a page outside `<bdi>` (where markup cannot go, the name shows
    without it). What a person edits (an input's value, a textarea) keeps the raw text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.loose: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ("input", "br", "img", "meta", "link", "hr"):
            self.open.append(tag)
        for name, value in attrs:
            if value and name != "value" and RLO in value:
                self.loose.append(f"<{tag} {name}={value!r}>")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.open:
            del self.open[len(self.open) - 1 - self.open[::-1].index(tag) :]

    def handle_data(self, data: str) -> None:
        if "bdi" in self.open or "textarea" in self.open or RLO not in data:
            return
        self.loose.append(f"in <{'><'.join(self.open[-3:])}>: {data.strip()!r}")


async def _poison(db) -> None:
    """Names typed before any input rule existed, or wherever one allows them."""
    async with db.session() as session:
        for model, column in (
            (User, "display_name"), (Project, "title"), (ProjectRole, "name"),
            (Task, "title"), (Skill, "name"), (Notification, "subject"),
        ):  # fmt: skip
            for row in await session.exec(select(model)):
                setattr(row, column, f"{getattr(row, column)} {RLO}lpmaxe")
                session.add(row)
        await session.commit()


async def _pages(db) -> list[str]:
    async with db.session() as session:
        projects = list(await session.exec(select(Project.id)))
        requests = list(await session.exec(select(HelpRequest.id).order_by(col(HelpRequest.id))))
    return [
        "/", "/profile", "/notifications", "/feedback", "/trainings", "/trainings/1",
        "/iterations/1", "/iterations/2", "/iterations/2/review", "/iterations/2/help",
        "/projects", "/help", "/skills", "/skills/catalogue", "/reports",
        *(f"/projects/{p}" for p in projects), *(f"/projects/{p}/audit" for p in projects),
        *(f"/help/{r}" for r in requests),
    ]  # fmt: skip


@pytest.mark.parametrize(
    "email", ["apprenant1@demo.test", "formateur1@demo.test", "organisme@demo.test"]
)
async def test_every_chosen_name_on_every_page_is_isolated(client, db, email):
    await demo.load(db, Passwords("fast"))  # with its projects
    await _poison(db)
    await sign_in(client, email)
    seen, loose = 0, {}
    for path in await _pages(db):
        page = await client.get(path)
        if page.status_code != 200:
            continue  # a page this person may not open shows no name
        seen += page.text.count(RLO)
        parser = Overrides()
        parser.feed(page.text)
        if parser.loose:
            loose[path] = parser.loose
    assert seen > 10, "the names never reached the pages: the check would prove nothing"
    assert loose == {}


def test_a_notification_isolates_the_name_it_is_about():
    text = notification_text("mention", f"Jardin {RLO}lpmaxe <b>")
    parser = Overrides()
    parser.feed(str(text))
    assert parser.loose == [] and RLO in text and "&lt;b&gt;" in text

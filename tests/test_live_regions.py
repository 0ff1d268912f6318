"""Every live region outside the project page: what a reader's page shows once the event an
action pushes has arrived (the fragment swapped in, or the region fetched again when nudged)
equals that region in a fresh load of the page, for that reader (own controls, role, language).

Real `ruche serve`, real websockets; the page's part is done as static/js/live.js does it.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import timedelta
from html import unescape
from html.parser import HTMLParser
from typing import ClassVar

import pytest
from sqlmodel import select

import realtime
from community.flipped.demo import TITLE
from community.journal.demo import TITLE as POOLING_TITLE
from community.models import CourseSession, JournalEntry, Skill, User
from community.models.base import utcnow
from community.settings import ROOT
from tests import test_live
from tests.live_client import Person, Socket

# The servers and signed-in people of the live tests.
start, people = test_live.start, test_live.people
PARTIAL = {"HX-Request": "true", "HX-Request-Type": "partial"}
NUDGE = re.compile(r'data-refetch="([^"]+)" data-url="([^"]+)"')

# Each live region of the templates (its id up to the number) and the case that checks it.
# The project page's regions have their own tests (tests/test_project_regions.py and the
# browser test of bursts of posts); so has the compass, one person's own region that its page
# fetches again on a nudge (tests/test_boussole.py, tests/e2e/test_boussole_pages.py).
CHECKED_HERE = {
    ("announcements/_group.html", "announcements-"): "test_an_announcement_*",
    ("base.html", "unread-"): "test_the_unread_badge_*",
    ("help.html", "help-feed-"): "test_an_offer_of_help_*",
    ("help_request.html", "help-"): "test_an_offer_of_help_*",
    ("improvements/_group.html", "actions-"): "test_an_improvement_action_*",
    ("report.html", "report-live-"): "test_a_published_report_*",
    ("pulse_screen.html", "pulse-live-"): "test_a_pulse_tap_*",
    ("projects/review_queue.html", "review-"): "test_a_flagged_message_*",
    ("iteration.html", "presence-"): "test_who_is_here_*",
    ("flipped/board.html", "readiness-"): "test_a_readiness_board_*",
    ("flipped/_questions.html", "questions-"): "test_a_question_about_a_capsule_*",
    ("journal/pooling.html", "pooling-"): "test_a_comment_on_a_pooled_entry_*",
}
CHECKED_ELSEWHERE = {
    "projects/project.html",
    "boussole.html",
    # Job rotation's regions are fetched again on a nudge, each reader's own view
    # (tests/test_rotation.py, tests/e2e/test_rotation_pages.py).
    "rotation/hub.html",
    "rotation/departure.html",
    # A capsule's "you said, we did" is fetched again on a nudge, in each reader's language;
    # the home follows the same channel to fetch its own region (tests/test_flipped_merges.py,
    # tests/e2e/test_flipped_pages.py).
    "flipped/capsule.html",
    "home.html",
}
LIVE_TAG = re.compile(r'<[a-z]+\s[^>]*?(?:data-live-channel|class="presence")[^>]*>', re.S)
REGION_ID = re.compile(r'\bid="([a-z-]+-)\{\{')


def live_regions_in_templates() -> set[tuple[str, str]]:
    found = set()
    for path in (ROOT / "templates").rglob("*.html"):
        name = path.relative_to(ROOT / "templates").as_posix()
        for tag in LIVE_TAG.findall(path.read_text()):
            region = REGION_ID.search(tag)
            assert region, f"{name}: a live region without an id: {tag}"
            found.add((name, region.group(1)))
    return found


def test_every_live_region_of_the_templates_has_a_case():
    found = {(t, r) for t, r in live_regions_in_templates() if t not in CHECKED_ELSEWHERE}
    assert found == set(CHECKED_HERE), "a live region was added or removed: give it a case"


# --- what a page shows ---------------------------------------------------------------------


class _Region(HTMLParser):
    """The inner HTML of the element with an id, found as a browser's getElementById would."""

    VOID: ClassVar = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
                      "meta", "source", "track", "wbr"}  # fmt: skip

    def __init__(self, html: str, ident: str) -> None:
        super().__init__(convert_charrefs=False)
        self.html, self.ident = html, ident
        self.lines = [0]
        for line in html.splitlines(keepends=True):
            self.lines.append(self.lines[-1] + len(line))
        self.depth, self.start, self.inner = 0, -1, None
        self.feed(html)

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.lines[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID or self.inner is not None:
            return
        if self.start < 0 and ("id", self.ident) in attrs:
            self.start = self._offset() + len(self.get_starttag_text() or "")
            self.depth = 0
        self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID or self.start < 0 or self.inner is not None:
            return
        self.depth -= 1
        if self.depth == 0:
            self.inner = self.html[self.start : self._offset()]


def region_of(html: str, ident: str) -> str:
    found = _Region(html, ident).inner
    assert found is not None, f"no #{ident} in {html[:300]!r}"
    return found


async def shown_after(
    reader: Person,
    socket: Socket,
    channel: str,
    ident: str,
    act: Callable[[], Awaitable[object]],
    since: int | None = None,
) -> str:
    """The region on the reader's open page once the event that `act` causes has arrived
    (among the socket's messages from `since` on: by default, those after `act`)."""
    about = f'"{ident}"'
    seen = len(socket.messages) if since is None else since
    await act()
    await socket.wait_for(
        lambda s: any(m.get("ch") == channel and about in m.get("content", "")
                      for m in s.messages[seen:])
    )  # fmt: skip
    content = [m for m in socket.messages[seen:] if about in m.get("content", "")][-1]["content"]
    # An event may carry fragments and nudges side by side (a notification: the badge, and a
    # nudge to the home's region): the one for this region.
    nudge = next((n for n in NUDGE.finditer(content) if n.group(1) == ident), None)
    if nudge is None:  # the fragment itself, swapped in
        return region_of(content, ident)
    fetched = await reader.http.get(unescape(nudge.group(2)), headers=PARTIAL)
    assert fetched.status_code == 200
    return region_of(fetched.text, ident)


async def fresh(reader: Person, path: str, ident: str) -> str:
    page = await reader.http.get(path)
    assert page.status_code == 200
    return region_of(page.text, ident)


async def listening(reader: Person, db, channel: str) -> Socket:  # type: ignore[no-untyped-def]
    """The reader's page, open from now on: its socket resumes after the channel's last event."""
    async with db.session() as session:
        seq = await realtime.last_seq(session, channel)
    return await reader.socket({channel: seq})


async def user_id(db, email: str) -> int:  # type: ignore[no-untyped-def]
    async with db.session() as session:
        return (await session.exec(select(User.id).where(User.email == email))).one()


async def reader_in(people, server, email: str, name: str, language: str) -> Person:
    """A person who chose the language of their pages in their profile."""
    person = await people(server, email)
    chosen = await person.post("/profile", {"display_name": name, "locale": language}, "/profile")
    assert chosen.status_code == 303, chosen.text[:300]
    assert f'<html lang="{language}">' in (await person.http.get("/")).text
    return person


# --- the cases ------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["fr", "en"])
async def test_an_announcement_shows_as_a_fresh_load_in_the_readers_language(
    start, people, db, language
):
    server = start()
    reader = await reader_in(people, server, "apprenant1@demo.test", "Amina Benali", language)
    socket = await listening(reader, db, "iteration:2")
    trainer = await people(server, "formateur1@demo.test")
    shown = await shown_after(
        reader, socket, "iteration:2", "announcements-2",
        lambda: trainer.announce(2, "Rendez-vous à 14 h"),
    )  # fmt: skip
    assert "Rendez-vous à 14 h" in shown
    assert shown == await fresh(reader, "/iterations/2", "announcements-2")
    await socket.close()


@pytest.mark.parametrize("language", ["fr", "en"])
async def test_an_improvement_action_shows_as_a_fresh_load_in_the_readers_language(
    start, people, db, language
):
    server = start()
    reader = await reader_in(people, server, "apprenant1@demo.test", "Amina Benali", language)
    socket = await listening(reader, db, "iteration:2")
    staff = await people(server, "organisme@demo.test")
    decision = {"said": "Trop rapide", "decision": "Des pauses toutes les heures",
                "owner": "Claire", "due_on": "2026-09-01", "iteration_id": "2"}  # fmt: skip

    async def record() -> None:
        done = await staff.post("/reports/iterations/1/actions", decision, page="/reports")
        assert done.status_code == 303, done.text[:300]

    shown = await shown_after(reader, socket, "iteration:2", "actions-2", record)
    assert "Des pauses toutes les heures" in shown
    assert shown == await fresh(reader, "/iterations/2", "actions-2")
    await socket.close()


@pytest.mark.parametrize("language", ["fr", "en"])
async def test_a_readiness_board_shows_as_a_fresh_load_in_the_readers_language(
    start, people, db, language
):
    server = start()
    async with db.session() as session:
        found = await session.exec(select(CourseSession.id).where(CourseSession.title == TITLE))
        session_id = found.one()
    channel, ident = f"readiness:{session_id}", f"readiness-{session_id}"
    reader = await reader_in(people, server, "formateur2@demo.test", "Karim Formateur", language)
    socket = await listening(reader, db, channel)
    learner = await people(server, "apprenant7@demo.test")
    capsule = f"/sessions/{session_id}/capsule"

    async def answer() -> None:
        sent = await learner.post(capsule + "/blocking", {"body": "Les étiquettes"}, capsule)
        assert sent.status_code == 303, sent.text[:300]

    shown = await shown_after(reader, socket, channel, ident, answer)
    assert "4 " in shown  # four learners answered, in either language
    assert shown == await fresh(reader, f"/sessions/{session_id}/readiness", ident)
    await socket.close()


@pytest.mark.parametrize(
    ("email", "name", "language"),
    [
        ("apprenant7@demo.test", "Inès Moreau", "fr"),
        ("formateur2@demo.test", "Karim Formateur", "en"),
    ],
)
async def test_a_question_about_a_capsule_shows_as_a_fresh_load_for_a_learner_and_a_trainer(
    start, people, db, email, name, language
):
    server = start()
    async with db.session() as session:
        found = await session.exec(select(CourseSession.id).where(CourseSession.title == TITLE))
        session_id = found.one()
    channel, ident = f"capsuleqa:{session_id}", f"questions-{session_id}"
    reader = await reader_in(people, server, email, name, language)
    socket = await listening(reader, db, channel)
    asker = await people(server, "apprenant12@demo.test")
    capsule = f"/sessions/{session_id}/capsule"

    async def ask() -> None:
        asked = {"question": "Et le placeholder ?"}
        sent = await asker.post(capsule + "/questions", asked, capsule)
        assert sent.status_code == 303, sent.text[:300]

    shown = await shown_after(reader, socket, channel, ident, ask)
    assert "Et le placeholder ?" in shown
    assert shown == await fresh(reader, capsule, ident)
    await socket.close()


@pytest.mark.parametrize("language", ["fr", "en"])
async def test_a_comment_on_a_pooled_entry_shows_as_a_fresh_load_in_the_readers_language(
    start, people, db, language
):
    server = start()
    async with db.session() as session:
        found = await session.exec(
            select(CourseSession.id).where(CourseSession.title == POOLING_TITLE)
        )
        session_id = found.one()
        entry_id = (
            await session.exec(
                select(JournalEntry.id).where(JournalEntry.shared_session_id == session_id)
            )
        ).first()
    channel, ident = f"pooling:{session_id}", f"pooling-{session_id}"
    reader = await reader_in(people, server, "apprenant7@demo.test", "Inès Moreau", language)
    socket = await listening(reader, db, channel)
    peer = await people(server, "apprenant12@demo.test")
    page = f"/sessions/{session_id}/pooling"

    async def comment() -> None:
        said = await peer.post(f"/journal/entries/{entry_id}/comments", {"body": "Vu !"}, page)
        assert said.status_code == 303, said.text[:300]

    shown = await shown_after(reader, socket, channel, ident, comment)
    assert "Vu !" in shown
    assert shown == await fresh(reader, page, ident)
    await socket.close()


async def test_the_unread_badge_shows_as_a_fresh_load(start, people, db):
    server = start()
    reader = await people(server, "apprenant3@demo.test")  # Chloé, a member of project 1
    chloe = await user_id(db, "apprenant3@demo.test")
    channel, ident = f"user:{chloe}", f"unread-{chloe}"
    socket = await listening(reader, db, channel)
    author = await people(server, "apprenant2@demo.test")

    async def mention() -> None:
        said = await author.post("/projects/1/messages", {"body": "@Chloé vu ?"}, "/projects/1")
        assert said.status_code == 303, said.text[:300]

    shown = await shown_after(reader, socket, channel, ident, mention)
    assert shown.strip()
    assert shown == await fresh(reader, "/", ident)
    await socket.close()


async def test_an_offer_of_help_shows_as_a_fresh_load_on_both_pages(start, people, db):
    server = start()
    requester = await people(server, "apprenant1@demo.test")
    async with db.session() as session:
        skill = (await session.exec(select(Skill.id).where(Skill.name == "Premiers secours"))).one()
    asked = await requester.post(
        "/help", {"skill_id": str(skill), "description": "Comment faire la PLS ?",
                  "urgency": "week", "format": "video"}, page="/help",
    )  # fmt: skip
    assert asked.status_code == 303, asked.text[:300]
    path = asked.headers["location"]
    request_id = int(path.rsplit("/", 1)[1])
    tutor = await people(server, "apprenant2@demo.test")
    on_request = await listening(requester, db, f"help:{request_id}")
    feed = f"help-feed-{await user_id(db, 'apprenant1@demo.test')}"
    on_feed = await listening(requester, db, feed.replace("help-feed-", "helpfeed:"))

    async def offer() -> None:
        offered = await tutor.post(f"{path}/offers", {}, page=path)
        assert offered.status_code == 303, offered.text[:300]

    ident = f"help-{request_id}"
    shown = await shown_after(requester, on_request, f"help:{request_id}", ident, offer)
    assert shown == await fresh(requester, path, ident)
    channel = feed.replace("help-feed-", "helpfeed:")  # the same offer, on the other page
    shown = await shown_after(requester, on_feed, channel, feed, _nothing, since=0)
    assert shown == await fresh(requester, "/help", feed)
    await on_request.close()
    await on_feed.close()


async def _nothing() -> None:
    """The event was caused earlier."""


async def test_a_published_report_shows_as_a_fresh_load(start, people, db):
    server = start()
    staff = await people(server, "organisme@demo.test")
    socket = await listening(staff, db, "report:2")

    async def publish() -> None:
        done = await staff.post(
            "/reports/iterations/2/publish", {"published": "1"}, page="/reports/iterations/2"
        )
        assert done.status_code == 303, done.text[:300]

    shown = await shown_after(staff, socket, "report:2", "report-live-2", publish)
    assert shown == await fresh(staff, "/reports/iterations/2", "report-live-2")
    await socket.close()


async def test_a_pulse_tap_shows_as_a_fresh_load_on_the_trainers_screen(start, people, db):
    server = start()
    staff = await people(server, "organisme@demo.test")
    begin = (utcnow() - timedelta(minutes=10)).astimezone()
    made = await staff.post(
        "/iterations/2/sessions",
        {"title": "Atelier en cours", "starts_at": begin.strftime("%Y-%m-%dT%H:%M"),
         "ends_at": (begin + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")},
        page="/iterations/2",
    )  # fmt: skip
    assert made.status_code == 303, made.text[:300]
    async with db.session() as session:
        query = select(CourseSession.id).where(CourseSession.title == "Atelier en cours")
        sid = (await session.exec(query)).one()
    trainer = await people(server, "formateur1@demo.test")
    socket = await listening(trainer, db, f"pulse:{sid}")
    learner = await people(server, "apprenant1@demo.test")

    async def tap() -> None:
        tapped = await learner.post(
            f"/sessions/{sid}/pulse/tap", {"signal": "lost"}, page=f"/sessions/{sid}/pulse"
        )
        assert tapped.status_code == 303, tapped.text[:300]

    ident = f"pulse-live-{sid}"
    shown = await shown_after(trainer, socket, f"pulse:{sid}", ident, tap)
    assert shown == await fresh(trainer, f"/sessions/{sid}/pulse/screen", ident)
    await socket.close()


async def test_a_flagged_message_shows_as_a_fresh_load_in_the_review_queue(start, people, db):
    server = start()
    trainer = await people(server, "formateur1@demo.test")
    socket = await listening(trainer, db, "review:2")
    learner = await people(server, "apprenant3@demo.test")
    page = (await learner.http.get("/projects/1")).text
    message = re.findall(r'id="message-(\d+)"', page)[-1]

    async def flag() -> None:
        flagged = await learner.post(
            f"/projects/1/messages/{message}/flag", {"reason": "Hors sujet"}, page="/projects/1"
        )
        assert flagged.status_code == 303, flagged.text[:300]

    shown = await shown_after(trainer, socket, "review:2", "review-2", flag)
    assert shown == await fresh(trainer, "/iterations/2/review", "review-2")
    await socket.close()


async def test_who_is_here_shows_as_a_fresh_load(start, people, db):
    server = start()
    reader = await people(server, "apprenant1@demo.test")
    socket = await listening(reader, db, "iteration:2")
    other = await people(server, "apprenant2@demo.test")
    sockets = []

    async def arrive() -> None:
        sockets.append(await listening(other, db, "iteration:2"))

    shown = await shown_after(reader, socket, "iteration:2", "presence-2", arrive)
    assert "Lucas Martin" in shown
    assert shown == await fresh(reader, "/iterations/2", "presence-2")
    for open_socket in (socket, *sockets):
        await open_socket.close()

"""The people and places of bench/live.py, created through the app's own actions on the
bench database (after `ruche migrate` and `ruche demo`).

Each person gets a session as signing in would start it (accounts.start_session): the
browser's cookie, without going through the sign-in form, whose per-address limit a few
hundred sign-ins from 127.0.0.1 would hit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlmodel import select

from bench.reports import enrolled_learners, group_with_sessions
from community import accounts, projects, trainings
from community.database import Database
from community.models import User

STAFF = "organisme@demo.test"
PROPOSAL = {
    "title": "Journal de la promotion", "pitch": "Un journal en ligne écrit à plusieurs.",
    "weeks": "6", "publish": "1",
    **{f"role{n}": f"Rôle {n}" for n in range(projects.MAX_ROLES)},
    **{f"slots{n}": "10" for n in range(projects.MAX_ROLES)},
}  # fmt: skip
COOKIE = "ruche"  # the session cookie's name over plain http (community/visitors.py)


@dataclass(frozen=True)
class Project:
    project_id: int
    author_cookie: str  # the lead, who posts
    page_cookies: list[str]  # the learners with the page open
    members: int  # seated; the others are on the waitlist once every place is taken


@dataclass(frozen=True)
class Answering:
    """Learners of one session that ended a few minutes ago, each with a cookie."""

    session_id: int
    cookies: list[str]


async def _staff(db: Database) -> User:
    async with db.session() as session:
        return (await session.exec(select(User).where(User.email == STAFF))).one()


async def _cookies(db: Database, people: list[User]) -> list[str]:
    async with db.session() as session:
        tokens = [await accounts.start_session(session, person, 1) for person in people]
        await session.commit()
    return [f"{COOKIE}={token}" for token in tokens]


async def project(db: Database, readers: int) -> Project:
    """A running project of one group: its author and `readers` learners who joined it."""
    since = datetime.now(UTC) - timedelta(days=1)
    group = await group_with_sessions(db, await _staff(db), "Projet en direct", since, 1)
    people = await enrolled_learners(db, group, readers + 1, "page")
    author, others = people[0], people[1:]
    async with db.session() as session:

        async def view(person: User) -> projects.ProjectView:
            return await projects.project_view(session, person, made.id or 0)

        made = await projects.propose(
            session, author, await trainings.iteration_view(session, author, group), PROPOSAL
        )
        for person in others[:3]:  # the support it needs to be launched
            await projects.support(session, await view(person))
        await projects.launch(session, await view(author))
        roles = [role.id or 0 for role, _ in await projects.roles_of(session, made.id or 0)]
        for n, person in enumerate(others):
            await projects.join(session, await view(person), roles[n % len(roles)])
        await session.commit()
    cookies = await _cookies(db, people)
    seats = projects.MAX_ROLES * int(PROPOSAL["slots0"])
    return Project(made.id or 0, cookies[0], cookies[1:], min(seats, readers))


async def answering(db: Database, groups: int, learners: int, name: str) -> list[Answering]:
    """`groups` groups of `learners`, each with one 3-hour session that ended within the last
    hour, the learners there from its start."""
    staff, now, out = await _staff(db), datetime.now(UTC), []
    for n in range(groups):
        start = now - timedelta(hours=3, minutes=5 + n % 50)
        group = await group_with_sessions(db, staff, f"{name} {n}", start, 1)
        people = await enrolled_learners(
            db, group, learners, f"{name}{n}-", joined=start - timedelta(hours=1)
        )
        async with db.session() as session:
            connection = await session.connection()
            found = await connection.execute(
                text("SELECT id FROM course_session WHERE iteration_id = :i"), {"i": group}
            )
            session_id = found.scalar_one()
        out.append(Answering(session_id, await _cookies(db, people)))
    return out

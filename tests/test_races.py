"""Rules that hold when people act at the same moment. Each race sends real concurrent
requests through the app, each person on a connection of their own, twenty rounds, and
checks the rule in the database after every round; no request may answer 5xx. They run on
the test database: PostgreSQL where TEST_DATABASE_URL is set (as in CI), else SQLite."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

import httpx2
import pytest
from sqlmodel import col, func, select

from community import feedback, trainings
from community.models import (
    FeedbackDimension,
    FeedbackReminder,
    HelpOffer,
    HelpRequest,
    JoinCode,
    Notification,
    Project,
    ProjectMember,
    ProjectRole,
    ProjectSupport,
    Skill,
    User,
    utcnow,
)
from tests.conftest import make_client
from tests.helpers import csrf_token, sign_in

ROUNDS = 20


@dataclass
class Person:
    """A signed-in browser of one person."""

    http: httpx2.AsyncClient
    token: str

    async def post(self, path: str, **data: str) -> httpx2.Response:
        return await self.http.post(path, data={**data, "csrf_token": self.token})


Sign = Callable[[str], Awaitable[Person]]


@pytest.fixture
async def person(app, demo_data) -> AsyncIterator[Sign]:
    """Signs a demo account in, in a browser of its own."""
    opened: list[httpx2.AsyncClient] = []

    async def sign(email: str) -> Person:
        http = make_client(app)
        opened.append(http)
        await sign_in(http, email)
        return Person(http, await csrf_token(http))

    yield sign
    for http in opened:
        await http.aclose()


async def at_once(*requests: Awaitable[httpx2.Response]) -> list[int]:
    """Send the requests together; their statuses, none of them a server error."""
    return [answer.status_code for answer in await answers_at_once(*requests)]


async def answers_at_once(*requests: Awaitable[httpx2.Response]) -> list[httpx2.Response]:
    """Send the requests together; their answers, none of them a server error."""
    answers = list(await asyncio.gather(*requests))
    assert all(answer.status_code < 500 for answer in answers), [a.status_code for a in answers]
    return answers


async def scalar(db, query):
    async with db.session() as session:
        return (await session.exec(query)).one()


# --- projects --------------------------------------------------------------------------------


async def group_of(person: Sign, count: int) -> list[Person]:
    """The first `count` learners of the demo's current group 2, signed in."""
    return [await person(f"apprenant{n}@demo.test") for n in range(1, count + 1)]


async def launched(
    db, author: Person, supporters: list[Person], n: int, **extra: str
) -> tuple[int, str]:
    """A project of `author` with one role (`slots0` places), supported and launched: its
    id, and its role's."""
    fields = {
        "iteration_id": "2", "title": f"Projet {n}", "pitch": "Un projet pour la course",
        "weeks": "4", "role0": "Rédaction", "slots0": "1", "publish": "1", "idem": f"race-{n}",
        **extra,
    }  # fmt: skip
    proposed = await author.post("/projects", **fields)
    assert proposed.status_code == 303, proposed.text
    path = proposed.headers["location"]
    for supporter in supporters:
        assert (await supporter.post(f"{path}/support")).status_code == 303
    assert (await author.post(f"{path}/launch")).status_code == 303
    project_id = int(path.rsplit("/", 1)[1])
    role = await scalar(db, select(ProjectRole.id).where(ProjectRole.project_id == project_id))
    return project_id, str(role)


async def seated(db, project_id: int) -> tuple[int, int]:
    """How many of the project's role places are taken, and how many people wait for one."""
    count = {}
    for status in ("member", "waitlist"):
        count[status] = await scalar(
            db,
            select(func.count(col(ProjectMember.id))).where(
                ProjectMember.project_id == project_id,
                ProjectMember.status == status,
                col(ProjectMember.role_id).is_not(None),
            ),
        )
    return count["member"], count["waitlist"]


async def test_two_learners_taking_the_last_place_of_a_role_get_one_place(db, person):
    author, *others = await group_of(person, 6)
    for n in range(ROUNDS):
        project_id, role = await launched(db, author, others[:3], n)
        path = f"/projects/{project_id}/join"
        await at_once(others[3].post(path, role_id=role), others[4].post(path, role_id=role))
        assert await seated(db, project_id) == (1, 1), f"round {n}"


async def test_places_freed_at_once_go_to_the_next_on_the_waitlist_each(db, person):
    author, *others = await group_of(person, 6)
    for n in range(ROUNDS):
        project_id, role = await launched(db, author, others[:3], n, slots0="2")
        for joining in others:  # two members, then three waiting
            assert (await joining.post(f"/projects/{project_id}/join", role_id=role)).is_redirect
        path = f"/projects/{project_id}/leave"
        # Both members leave, and the first one waiting leaves too.
        await at_once(*(leaving.post(path) for leaving in others[:3]))
        assert await seated(db, project_id) == (2, 0), f"round {n}"


async def test_a_lead_accepting_two_applicants_for_one_place_at_once_seats_one(db, person):
    author, *others = await group_of(person, 6)
    for n in range(ROUNDS):
        project_id, role = await launched(db, author, others[:3], n, approval="1")
        for applicant in others[3:]:
            await applicant.post(f"/projects/{project_id}/join", role_id=role)
        pending = await db_rows(
            db,
            select(ProjectMember.id).where(
                ProjectMember.project_id == project_id, ProjectMember.status == "pending"
            ),
        )
        answers = await answers_at_once(
            *(
                author.post(f"/projects/{project_id}/members/{member}/decide", accept="1")
                for member in pending
            )
        )
        assert (await seated(db, project_id))[0] == 1, f"round {n}"
        refused = [answer for answer in answers if answer.status_code == 422]
        assert len(refused) == 1 and "Il ne reste plus de place dans ce rôle." in refused[0].text


async def db_rows(db, query) -> list:
    async with db.session() as session:
        return list(await session.exec(query))


async def test_the_last_supports_arriving_together_tell_the_author_once(db, person):
    author, *others = await group_of(person, 4)
    author_id = await scalar(db, select(User.id).where(User.email == "apprenant1@demo.test"))
    for n in range(ROUNDS):
        fields = {"title": f"Projet {n}", "pitch": "Un projet pour la course", "weeks": "4",
                  "role0": "Rédaction", "publish": "1", "iteration_id": "2"}  # fmt: skip
        path = (await author.post("/projects", **fields)).headers["location"]
        await others[0].post(f"{path}/support")
        await at_once(*(supporter.post(f"{path}/support") for supporter in others[1:]))
        project_id = int(path.rsplit("/", 1)[1])
        supports = select(func.count(col(ProjectSupport.id))).where(
            ProjectSupport.project_id == project_id
        )
        told = select(func.count(col(Notification.id))).where(
            Notification.user_id == author_id,
            Notification.kind == "threshold",
            Notification.link == path,
        )
        assert (await scalar(db, supports), await scalar(db, told)) == (3, 1), f"round {n}"


async def test_a_launch_and_a_trainers_decline_at_once_one_of_them_happens(db, person):
    author, *others = await group_of(person, 4)
    trainer = await person("formateur1@demo.test")
    for n in range(ROUNDS):
        fields = {"title": f"Projet {n}", "pitch": "Un projet pour la course", "weeks": "4",
                  "role0": "Rédaction", "publish": "1", "iteration_id": "2"}  # fmt: skip
        path = (await author.post("/projects", **fields)).headers["location"]
        for supporter in others:
            await supporter.post(f"{path}/support")
        launch, decline = await at_once(
            author.post(f"{path}/launch"),
            trainer.post(f"{path}/decide", decision="decline", reason="Hors sujet"),
        )
        status = await scalar(
            db, select(Project.status).where(Project.id == int(path.rsplit("/", 1)[1]))
        )
        assert sorted([launch, decline]) == [303, 403], f"round {n}"
        assert status == ("active" if launch == 303 else "declined"), f"round {n}"


# --- peer help -------------------------------------------------------------------------------


async def matched_request(db, requester: Person, tutors: list[Person], *, accept: bool) -> str:
    """A help request of `requester` with an offer from each tutor; the first one accepted."""
    skill = await scalar(db, select(Skill.id).where(Skill.name == "Premiers secours"))
    asked = await requester.post(
        "/help", skill_id=str(skill), description="Comment faire la PLS ?", urgency="week",
        format="video",
    )  # fmt: skip
    path = asked.headers["location"]
    for tutor in tutors:
        assert (await tutor.post(f"{path}/offers")).status_code == 303
    if accept:
        offer = await first_offer(db, path)
        assert (await requester.post(f"{path}/accept", offer_id=str(offer))).status_code == 303
    return path


async def first_offer(db, path: str) -> int:
    request_id = int(path.rsplit("/", 1)[1])
    offers = await db_rows(
        db, select(HelpOffer.id).where(HelpOffer.request_id == request_id).order_by(HelpOffer.id)
    )
    return offers[0]


async def test_two_offers_accepted_at_once_make_one_match(db, person):
    requester = await person("apprenant1@demo.test")
    tutors = [await person(f"apprenant{n}@demo.test") for n in (2, 5)]
    for n in range(ROUNDS):
        path = await matched_request(db, requester, tutors, accept=False)
        request_id = int(path.rsplit("/", 1)[1])
        offers = await db_rows(db, select(HelpOffer.id).where(HelpOffer.request_id == request_id))
        statuses = await at_once(
            *(requester.post(f"{path}/accept", offer_id=str(offer)) for offer in offers)
        )
        request = await scalar(db, select(HelpRequest).where(HelpRequest.id == request_id))
        assert sorted(statuses) == [303, 422], f"round {n}"
        assert request.status == "matched" and request.accepted_offer_id in offers, f"round {n}"


async def test_a_session_scheduled_as_the_request_is_cancelled_stays_cancelled(db, person):
    requester = await person("apprenant1@demo.test")
    tutor = await person("apprenant2@demo.test")
    when = (utcnow() + timedelta(days=2)).astimezone().strftime("%Y-%m-%dT%H:%M")
    for n in range(ROUNDS):
        path = await matched_request(db, requester, [tutor], accept=True)
        await at_once(
            tutor.post(f"{path}/schedule", scheduled_at=when, place="Salle B2", duration="60"),
            requester.post(f"{path}/cancel", reason="Plus besoin"),
        )
        request_id = int(path.rsplit("/", 1)[1])
        status = await scalar(db, select(HelpRequest.status).where(HelpRequest.id == request_id))
        assert status == "cancelled", f"round {n}"


# --- pages that read -------------------------------------------------------------------------


async def test_eight_home_pages_loaded_at_once_answer_and_remind_within_the_limits(db, person):
    staff = await person("organisme@demo.test")
    yesterday = (utcnow() - timedelta(days=1)).astimezone()
    for iteration in (2, 4):  # four sessions each learner has yet to rate
        for hours in range(4):
            start = yesterday - timedelta(hours=hours * 2)
            await staff.post(
                f"/iterations/{iteration}/sessions",
                title=f"Atelier {hours}",
                starts_at=start.strftime("%Y-%m-%dT%H:%M"),
                ends_at=(start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            )
    learners = [await person(f"apprenant{n}@demo.test") for n in range(1, 13)]
    for n in range(ROUNDS):
        learner = learners[n % len(learners)]
        await at_once(*(learner.http.get("/") for _ in range(8)))
        user_id = await scalar(
            db, select(User.id).where(User.email == f"apprenant{n % len(learners) + 1}@demo.test")
        )
        reminders = await scalar(
            db,
            select(func.count(col(FeedbackReminder.id))).where(FeedbackReminder.user_id == user_id),
        )
        told = await scalar(
            db,
            select(func.count(col(Notification.id))).where(
                Notification.user_id == user_id, Notification.kind == "feedback"
            ),
        )
        assert (reminders, told) == (3, 3), f"round {n}"
        page = await learner.http.get("/")
        assert re.search(r"Votre avis, en 15 secondes", page.text), f"round {n}"


async def test_first_uses_of_a_new_trainings_criteria_at_once_write_them_once(db, demo_data):
    async with db.session() as session:
        staff = (await session.exec(select(User).where(User.email == "organisme@demo.test"))).one()
    assert staff.provider_id is not None

    async def first_use(training_id: int) -> None:
        async with db.session() as session:
            await feedback.dimensions_of(session, training_id)
            await session.commit()

    for n in range(ROUNDS):
        async with db.session() as session:
            fields = {"title": f"Formation {n}", "description": "", "format": "classic"}
            training = await trainings.create_training(session, staff, staff.provider_id, fields)
            await session.commit()
        await asyncio.gather(*(first_use(training.id or 0) for _ in range(8)))
        written = select(func.count(col(FeedbackDimension.id))).where(
            FeedbackDimension.training_id == training.id
        )
        assert await scalar(db, written) == len(feedback.DEFAULT_DIMENSIONS), f"round {n}"


async def test_a_group_code_renewed_four_times_at_once_leaves_one_code_working(db, person):
    trainer = await person("formateur1@demo.test")
    staff = await person("organisme@demo.test")
    for n in range(ROUNDS):
        await at_once(*(who.post("/iterations/2/code") for who in (trainer, staff) * 2))
        working = select(func.count(col(JoinCode.id))).where(
            JoinCode.iteration_id == 2, col(JoinCode.revoked_at).is_(None)
        )
        assert await scalar(db, working) == 1, f"round {n}"

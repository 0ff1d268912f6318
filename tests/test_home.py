"""The home: what is due now for each role, what came since the last visit first, an empty
state that says what to do, a bounded cost, and a nudge that brings an open home up to date."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlmodel import col, select

from community import notifications
from community.models import (
    CommentStatus,
    CourseSession,
    Enrolment,
    EnrolmentRole,
    FeedbackAnswer,
    Flag,
    HomeVisit,
    ImprovementAction,
    Message,
    Notification,
    Project,
    User,
    utcnow,
)
from realtime.log import events
from tests.helpers import own_statements, post_form, sign_in, staff_of_another_provider
from tests.test_projects import as_person, launched
from tests.test_tutoring import ask


async def user(db, email: str) -> User:
    async with db.session() as session:
        return (await session.exec(select(User).where(User.email == email))).one()


def section(page: str, heading: str) -> str:
    """The home's section under this heading, up to the next one."""
    found = re.search(rf"<h2[^>]*>{re.escape(heading)}</h2>(.*?)</section>", page, re.S)
    assert found, f"no section “{heading}” on the page"
    return found.group(1)


async def home(client) -> str:
    response = await client.get("/")
    assert response.status_code == 200
    return response.text


async def taught_group(db, email: str) -> int:
    """The current group this trainer teaches."""
    trainer = await user(db, email)
    async with db.session() as session:
        rows = await session.exec(
            select(Enrolment.iteration_id)
            .where(Enrolment.user_id == trainer.id, Enrolment.role == EnrolmentRole.TRAINER)
            .order_by(col(Enrolment.iteration_id).desc())
        )
        return rows.first() or 0


# --- learners ------------------------------------------------------------------------------


async def test_a_learner_with_nothing_due_reads_what_to_do_in_each_block(client, db, demo_data):
    await sign_in(client, "apprenant12@demo.test")
    page = await home(client)
    assert "Rien de neuf : proposez un projet, ou soutenez celui d’un·e pair·e." in page
    assert "Rien de neuf : participez à la discussion d’un projet" in page
    assert "Pas de séance en ce moment" in page
    # The first visit has no "since": there is no earlier visit to compare with.
    assert "Depuis votre dernière visite" not in page


async def test_a_learner_sees_mentions_replies_joins_and_help_to_give(client, db, demo_data):
    path = await launched(client, db)  # apprenant1's project, launched
    await as_person(client, "apprenant2@demo.test")
    role = re.findall(r'name="role_id" value="(\d+)"', (await client.get(path)).text)[0]
    await post_form(client, f"{path}/join", {"role_id": role}, page=path)
    await post_form(client, f"{path}/messages", {"body": "Bonjour @Amina !"}, page=path)
    async with db.session() as session:
        first = await session.exec(select(Message.id).where(Message.body == "Bonjour @Amina !"))
        message_id = first.one()
    await as_person(client, "apprenant1@demo.test")
    await post_form(
        client, f"{path}/messages", {"body": "Salut", "reply_to": str(message_id)}, page=path
    )
    assert (await ask(client, db, "Premiers secours")).status_code == 303  # apprenant1 asks

    await as_person(client, "apprenant2@demo.test")  # offers Premiers secours
    helper_home = await home(client)
    fresh = section(helper_home, "Depuis votre dernière visite")
    assert "Un·e pair a besoin d&#39;aide en Premiers secours." in fresh
    assert "On vous a répondu dans « <bdi>Guide des gestes</bdi> »." in fresh

    await as_person(client, "apprenant1@demo.test")
    # Her sign-out as apprenant1 above read the home: these came before that visit.
    page = await home(client)
    mentioned = "<bdi>Lucas Martin</bdi> vous a mentionné·e dans « <bdi>Guide des gestes</bdi> »."
    assert mentioned in page
    assert mentioned in section(page, "Mentions et réponses")
    assert "a rejoint votre projet." in section(page, "Vos projets")


async def test_since_the_last_visit_comes_first_newest_first(client, db, demo_data):
    amina = await user(db, "apprenant1@demo.test")
    await sign_in(client, "apprenant1@demo.test")
    await home(client)  # the first visit
    last = utcnow() - timedelta(hours=1)
    async with db.session() as session:
        visit = await session.get(HomeVisit, amina.id)
        assert visit is not None
        visit.seen_at = last
        session.add(visit)
        for title, hours_ago in (("Ancien", 3), ("Récent", 0.5), ("Tout récent", 0.1)):
            session.add(
                Notification(
                    user_id=amina.id or 0,
                    kind="mention",
                    subject=title,
                    link="/projects",
                    created_at=utcnow() - timedelta(hours=hours_ago),
                )
            )
        await session.commit()

    page = await home(client)
    fresh = section(page, "Depuis votre dernière visite")
    assert fresh.index("Tout récent") < fresh.index("Récent</bdi>")
    assert "Ancien" not in fresh
    assert "Ancien" in section(page, "Mentions et réponses")
    assert page.index("Depuis votre dernière visite") < page.index("Mentions et réponses")
    # Seen now: the next visit has nothing new to put first.
    again = await home(client)
    assert "Rien de neuf depuis votre dernière visite." in again


async def test_a_refetch_of_the_open_home_is_the_same_visit(client, db, demo_data):
    amina = await user(db, "apprenant1@demo.test")
    await sign_in(client, "apprenant1@demo.test")
    await home(client)
    async with db.session() as session:
        seen = (await session.get(HomeVisit, amina.id)).seen_at  # type: ignore[union-attr]
    refetched = await client.get("/", headers={"HX-Request": "true"})
    assert refetched.status_code == 200 and 'id="home-now"' in refetched.text
    async with db.session() as session:
        assert (await session.get(HomeVisit, amina.id)).seen_at == seen  # type: ignore[union-attr]


async def test_a_notification_nudges_the_open_home_of_its_person(db, demo_data):
    amina = await user(db, "apprenant1@demo.test")
    async with db.session() as session:
        await notifications.notify(session, amina.id or 0, "mention", "Jardin", "/projects")
        await session.commit()
        pushed = (
            await session.exec(
                select(events.c.content).where(events.c.channel == f"user:{amina.id}")
            )
        ).all()
    assert any('data-refetch="home-now"' in content for content in pushed)


# --- trainers ------------------------------------------------------------------------------


async def test_a_trainer_sees_comments_reports_and_unanswered_requests(client, db, demo_data):
    group = await taught_group(db, "formateur1@demo.test")
    learner = await user(db, "apprenant1@demo.test")
    await sign_in(client, "apprenant1@demo.test")
    assert (await ask(client, db, "Premiers secours")).status_code == 303
    async with db.session() as session:
        course = (
            await session.exec(select(CourseSession).where(CourseSession.iteration_id == group))
        ).first()
        assert course is not None
        session.add(
            FeedbackAnswer(
                id="home-test-answer",
                session_id=course.id or 0,
                ratings="{}",
                comment="Trop rapide",
                comment_status=CommentStatus.PENDING,
            )
        )
        project = Project(iteration_id=group, author_id=learner.id or 0, title="Potager", pitch="-")
        session.add(project)
        await session.flush()
        message = Message(project_id=project.id or 0, author_id=learner.id or 0, body="Hors sujet")
        session.add(message)
        await session.flush()
        session.add(Flag(message_id=message.id or 0, user_id=learner.id or 0, reason="Spam"))
        await session.commit()

    await as_person(client, "formateur1@demo.test")
    page = await home(client)
    assert f'href="/iterations/{group}/comments"' in section(page, "Commentaires à relire")
    assert "1 commentaire" in section(page, "Commentaires à relire")
    assert f'href="/iterations/{group}/review"' in section(page, "Messages signalés")
    assert "Premiers secours" in section(page, "Demandes d’aide sans réponse")


async def test_a_trainer_with_nothing_due_reads_what_each_block_is_for(client, db, demo_data):
    await sign_in(client, "formateur2@demo.test")
    page = await home(client)
    assert "Aucun commentaire en attente" in page
    assert "Aucun message signalé" in page
    assert "Chaque demande d’aide de vos groupes a une réponse." in page


# --- provider staff ------------------------------------------------------------------------


async def test_staff_see_improvement_actions_due_and_results_shown(client, db, demo_data):
    staff = await user(db, "organisme@demo.test")
    group = await taught_group(db, "formateur1@demo.test")
    async with db.session() as session:
        session.add(
            ImprovementAction(
                provider_id=staff.provider_id or 0,
                baseline_iteration_id=group,
                iteration_id=group,
                said="Trop rapide",
                decision="Ralentir les démonstrations",
                owner="Claire",
                due_on=date.today() + timedelta(days=3),
                created_by=staff.id or 0,
            )
        )
        await session.commit()
    await sign_in(client, "organisme@demo.test")
    page = await home(client)
    assert "Ralentir les démonstrations" in section(page, "Actions d’amélioration à échéance")
    assert "Résultats désormais affichés" in page


async def test_staff_of_another_provider_read_only_empty_states(client, db, demo_data):
    await staff_of_another_provider(db)
    await sign_in(client, "staff-b@b.test", "mot de passe b")
    page = await home(client)
    assert "Aucune séance n’a encore assez de réponses" in page
    assert "Aucune action à échéance proche" in page
    assert "Ralentir" not in page


# --- cost ----------------------------------------------------------------------------------


async def test_the_home_costs_a_bounded_number_of_statements(app, client, db, demo_data):
    """Whatever is due, each block is one query: the count does not grow with the items."""
    await sign_in(client, "apprenant2@demo.test")
    await home(client)
    with own_statements(app) as few:
        await home(client)
    amina = await user(db, "apprenant2@demo.test")
    async with db.session() as session:
        for n in range(12):
            await notifications.notify(session, amina.id or 0, "mention", f"P{n}", "/projects")
        await session.commit()
    with own_statements(app) as many:
        await home(client)
    assert len(many) == len(few), set(many) ^ set(few)
    assert 5 < len(many) <= 20, many

"""The skill map through the app: links without cycles, one row per link under concurrency,
providers kept apart, suggestions from co-occurrences, and what learners are shown."""

from __future__ import annotations

import asyncio
import html
import re

from sqlmodel import col, func, select

from community import skill_map, tutoring
from community.models import (
    Iteration,
    PathwayChoice,
    Project,
    ProjectRole,
    Skill,
    SkillLink,
    TargetJob,
    Training,
    User,
)
from tests.helpers import post_form, sign_in, staff_of_another_provider

STAFF = "organisme@demo.test"


async def ids(db) -> dict[str, int]:
    async with db.session() as session:
        return {s.name: s.id for s in await session.exec(select(Skill))}


async def person(db, email: str) -> User:
    async with db.session() as session:
        return (await session.exec(select(User).where(User.email == email))).one()


async def links(db) -> int:
    async with db.session() as session:
        return (await session.exec(select(func.count(col(SkillLink.id))))).one()


async def link(client, db, before: str, after: str, kind: str = "prerequisite", **extra: str):
    skills = await ids(db)
    data = {"from_skill_id": str(skills[before]), "to_skill_id": str(skills[after]), "kind": kind}
    return await post_form(client, "/skills/map/links", {**data, **extra}, page="/skills/map")


def text_of(response) -> str:
    return html.unescape(response.text)


async def test_a_prerequisite_that_closes_a_cycle_is_refused_naming_the_cycle(
    client, db, demo_data
):
    await sign_in(client, STAFF)
    assert (await link(client, db, "SQL", "Git")).status_code == 303
    before = await links(db)
    refused = await link(client, db, "Git", "SQL")
    assert refused.status_code == 422
    assert "Ce prérequis créerait un cycle : Git -> SQL -> Git." in text_of(refused)
    assert await links(db) == before


async def test_a_three_skill_cycle_is_refused_naming_every_step(client, db, demo_data):
    await sign_in(client, STAFF)  # the demo has HTML before CSS, CSS before accessibility
    refused = await link(client, db, "Accessibilité numérique", "HTML")
    assert refused.status_code == 422
    cycle = "Accessibilité numérique -> HTML -> CSS -> Accessibilité numérique"
    assert cycle in text_of(refused)


async def test_a_skill_cannot_be_its_own_prerequisite(client, db, demo_data):
    await sign_in(client, STAFF)
    before = await links(db)
    refused = await link(client, db, "SQL", "SQL")
    assert refused.status_code == 422 and "SQL -> SQL" in text_of(refused)
    assert await links(db) == before


async def test_two_requests_for_the_same_link_at_once_make_one_row(db, demo_data):
    staff = await person(db, STAFF)
    skills = await ids(db)
    # Related links are one row per pair, whichever way each request names it.
    pairs = [("SQL", "Git"), ("Git", "SQL")]

    async def add(first: str, second: str) -> None:
        data = {"from_skill_id": str(skills[first]), "to_skill_id": str(skills[second])}
        async with db.session() as session:
            await skill_map.add_link(session, staff, {**data, "kind": "related"})
            await session.commit()

    before = await links(db)
    await asyncio.gather(*(add(*pair) for pair in pairs))
    assert await links(db) == before + 1


async def test_another_providers_skill_cannot_be_linked(client, db, demo_data):
    other_staff = await staff_of_another_provider(db)
    async with db.session() as session:
        theirs = await tutoring.add_skill(session, other_staff, {"name": "Soudure TIG"})
        await session.commit()
    await sign_in(client, STAFF)
    data = {"from_skill_id": str((await ids(db))["SQL"]), "to_skill_id": str(theirs.id)}
    for kind in ("prerequisite", "related"):
        answer = await post_form(
            client, "/skills/map/links", {**data, "kind": kind}, page="/skills/map"
        )
        assert answer.status_code == 404
    assert (await client.get("/skills/map")).text.count("Soudure TIG") == 0


async def test_another_providers_staff_cannot_see_or_remove_the_links(client, db, demo_data):
    await staff_of_another_provider(db)
    async with db.session() as session:
        first = (await session.exec(select(SkillLink.id))).first()
    await sign_in(client, "staff-b@b.test", "mot de passe b")
    assert "HTML" not in (await client.get("/skills/map")).text
    before = await links(db)
    removed = await post_form(client, f"/skills/map/links/{first}/remove", {}, page="/skills/map")
    assert removed.status_code == 404 and await links(db) == before


async def test_a_link_can_be_removed(client, db, demo_data):
    await sign_in(client, STAFF)
    async with db.session() as session:
        first = (await session.exec(select(SkillLink.id))).first()
    removed = await post_form(client, f"/skills/map/links/{first}/remove", {}, page="/skills/map")
    assert removed.status_code == 303
    async with db.session() as session:
        assert await session.get(SkillLink, first) is None


async def test_learners_and_other_roles_have_no_map(client, db, demo_data):
    await sign_in(client, "apprenant1@demo.test")
    assert (await client.get("/skills/map")).status_code == 404
    assert "/skills/map" not in (await client.get("/skills")).text
    answer = await link(client, db, "SQL", "Git")
    assert answer.status_code == 404


async def want(db, email: str, *names: str) -> None:
    skills = await ids(db)
    learner = await person(db, email)
    async with db.session() as session:
        for name in names:
            data = {"skill_id": str(skills[name]), "kind": "want"}
            await tutoring.mark_skill(session, learner, data)
        await session.commit()


async def project(db, skills: str, role: str = "") -> None:
    """A project of the demo's first group, as its author left it."""
    author = await person(db, "apprenant1@demo.test")
    async with db.session() as session:
        group = (await session.exec(select(Iteration.id))).first()
        made = Project(iteration_id=group, author_id=author.id, title="P", pitch="P", skills=skills)
        session.add(made)
        await session.flush()
        if role:
            session.add(ProjectRole(project_id=made.id, name=role))
        await session.commit()


def suggested_part(page: str) -> str:
    return page.split("Liens suggérés")[1].split("Métiers visés")[0]


async def test_pairs_seen_together_twice_are_suggested_until_linked(client, db, demo_data):
    # SQL and Git: in one project's skills text, and in another's skills and roles.
    await project(db, "SQL, Git / HTML")
    await project(db, "sql", role="Git")
    # Two learners want both "Gestes et postures" and "Relation d'aide".
    await want(db, "apprenant6@demo.test", "Relation d'aide")
    await want(db, "apprenant1@demo.test", "Relation d'aide", "Gestes et postures")
    await sign_in(client, STAFF)
    suggested = suggested_part(text_of(await client.get("/skills/map")))
    assert "Git et SQL" in suggested and "Gestes et postures et Relation d'aide" in suggested
    assert suggested.count("ensemble 2 fois") == 2
    assert "HTML et SQL" not in suggested  # together once only
    accepted = await link(client, db, "Gestes et postures", "Relation d'aide", "related",
                          origin="suggested")  # fmt: skip
    assert accepted.status_code == 303
    suggested = suggested_part(text_of(await client.get("/skills/map")))
    assert "Gestes et postures et Relation d'aide" not in suggested and "Git et SQL" in suggested
    async with db.session() as session:
        origins = set(await session.exec(select(SkillLink.origin)))
    assert origins == {"trainer", "suggested"}


async def test_the_map_groups_skills_by_job_with_what_each_requires(client, db, demo_data):
    await sign_in(client, STAFF)
    added = await post_form(client, "/skills/catalogue", {"name": "Tableur"}, page="/skills")
    assert added.status_code == 303
    page = text_of(await client.get("/skills/map"))
    web = page.split("Développeur·se web")[1].split("</section>")[0]
    css = re.search(r"<li><bdi>CSS</bdi>(.*?)</li>", web, re.DOTALL)
    assert css is not None and "requiert : <bdi>HTML</bdi>" in css.group(1)
    others = page.split(">Autres<")[1].split("</section>")[0]
    assert "Tableur" in others and "Tableur" not in web


async def test_a_skill_code_is_checked_then_kept(client, db, demo_data):
    await sign_in(client, STAFF)
    sql = str((await ids(db))["SQL"])
    refused = await post_form(
        client, "/skills/map/codes", {"coded_skill_id": sql, "code": "M1805 !"}, page="/skills/map"
    )
    assert refused.status_code == 422
    assert "Uniquement des lettres, des chiffres, des points et des tirets." in text_of(refused)
    kept = await post_form(
        client,
        "/skills/map/codes",
        {"coded_skill_id": sql, "code": "M1805-2.1"},
        page="/skills/map",
    )
    assert kept.status_code == 303
    async with db.session() as session:
        assert (await session.get(Skill, int(sql))).code == "M1805-2.1"


async def test_a_skill_description_is_saved_shown_escaped_and_limited(client, db, demo_data):
    await sign_in(client, STAFF)
    sql = str((await ids(db))["SQL"])
    data = {"described_skill_id": sql, "description": "x" * 301}
    refused = await post_form(client, "/skills/map/descriptions", data, page="/skills/map")
    assert refused.status_code == 422
    async with db.session() as session:
        assert (await session.get(Skill, int(sql))).description.startswith("Interroger")
    data["description"] = "Requêtes <b>SELECT</b> et jointures"
    kept = await post_form(client, "/skills/map/descriptions", data, page="/skills/map")
    assert kept.status_code == 303
    shown = (await client.get("/skills/map")).text
    assert "Requêtes &lt;b&gt;SELECT&lt;/b&gt; et jointures" in shown


async def test_a_learner_sees_the_prerequisites_they_lack_with_a_link_to_practise(
    client, db, demo_data
):
    # apprenant7 wants JavaScript, which requires HTML (demo); they do not offer HTML.
    await sign_in(client, "apprenant7@demo.test")
    html_id = (await ids(db))["HTML"]
    page = text_of(await client.get("/skills"))
    unmet = page.split("Avant ce que je veux apprendre")[1].split("</section>")[0]
    assert "JavaScript" in unmet and "HTML" in unmet
    assert f'href="/help?skill_id={html_id}#ask-title"' in unmet
    practise = await client.get(f"/help?skill_id={html_id}")
    assert f'<option value="{html_id}" selected>' in practise.text
    marked = await post_form(
        client, "/skills", {"skill_id": str(html_id), "kind": "offer", "level": "2"}, page="/skills"
    )
    assert marked.status_code == 303
    assert "Avant ce que je veux apprendre" not in (await client.get("/skills")).text


async def test_a_learner_sees_the_gaps_to_their_job_and_the_trainings_covering_them(
    client, db, demo_data
):
    await sign_in(client, "apprenant9@demo.test")  # offers JavaScript
    async with db.session() as session:
        job = (await session.exec(select(TargetJob).where(TargetJob.code == "M1805"))).one()
    chosen = await post_form(client, "/skills/pathway", {"job_id": str(job.id)}, page="/skills")
    assert chosen.status_code == 303
    page = text_of(await client.get("/skills"))
    assert f'<option value="{job.id}" selected>' in page  # the choice, kept
    gaps = page.split("Compétences qui me manquent pour")[1].split("Formations qui les couvrent")
    assert "SQL" in gaps[0] and "Git" in gaps[0] and "JavaScript" not in gaps[0]
    covering = gaps[1].split("</section>")[0]
    assert "Développeur·se web et web mobile" in covering and "Git" not in covering
    cleared = await post_form(client, "/skills/pathway", {"job_id": ""}, page="/skills")
    assert cleared.status_code == 303
    async with db.session() as session:
        choice = await session.get(PathwayChoice, (await person(db, "apprenant9@demo.test")).id)
    assert choice is not None and choice.target_job_id is None


async def test_a_learner_cannot_aim_at_another_providers_job(client, db, demo_data):
    other_staff = await staff_of_another_provider(db)
    async with db.session() as session:
        await skill_map.add_job(session, other_staff, {"title": "Soudeur"})
        await session.commit()
        theirs = (await session.exec(select(TargetJob).where(TargetJob.title == "Soudeur"))).one()
    await sign_in(client, "apprenant9@demo.test")
    refused = await post_form(client, "/skills/pathway", {"job_id": str(theirs.id)}, page="/skills")
    assert refused.status_code == 422 and "Choisissez l'une des options proposées." in text_of(
        refused
    )
    async with db.session() as session:
        assert (await session.exec(select(PathwayChoice))).first() is None


async def test_a_trainer_adds_a_job_its_skills_and_what_a_training_covers(client, db, demo_data):
    await sign_in(client, "formateur1@demo.test")
    job = {"title": "Technicien·ne réseau", "job_code": "I1401"}
    assert (await post_form(client, "/skills/map/jobs", job, page="/skills/map")).status_code == 303
    again = await post_form(client, "/skills/map/jobs", job, page="/skills/map")
    assert again.status_code == 422 and "Ce métier est déjà sur la carte." in text_of(again)
    bad = {"title": "Autre métier", "job_code": "I 1401"}
    refused = await post_form(client, "/skills/map/jobs", bad, page="/skills/map")
    assert refused.status_code == 422
    async with db.session() as session:
        made = (await session.exec(select(TargetJob).where(TargetJob.code == "I1401"))).one()
        assert (
            await session.exec(select(TargetJob).where(TargetJob.title == "Autre métier"))
        ).first() is None
        training = (await session.exec(select(Training.id))).first()
    git = str((await ids(db))["Git"])
    needs = {"job_id": str(made.id), "job_skill_id": git}
    assert (
        await post_form(client, "/skills/map/job-skills", needs, page="/skills/map")
    ).status_code == 303
    covers = {"training_id": str(training), "training_skill_id": git}
    assert (
        await post_form(client, "/skills/map/training-skills", covers, page="/skills/map")
    ).status_code == 303
    page = text_of(await client.get("/skills/map"))
    network = page.split("Technicien·ne réseau")[1].split("</section>")[0]
    assert "(I1401)" in network and "<bdi>Git</bdi>" in network
    assert "Git" in page.split("Compétences couvertes par les formations")[1].split("</ul>")[0]

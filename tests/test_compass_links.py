"""The compass draws on the other areas: a capsule resource names a skill of the catalogue,
its checkpoint answers become evidence and it becomes a card for those who want the skill,
the answer nudges the open compass; the gaps to a target job list the rotation posts that
need its skills, to learners in the pool only, without the company's details.

In the demo, learners 7 to 12 are in the flipped group (7 wants JavaScript), apprenant4 and 8
are in the rotation pool, apprenant1 is not; departures 1 and 2 (care posts) are open, the
web one is filled."""

from __future__ import annotations

import re
from html import unescape

from sqlmodel import col, select

import realtime
from community import tutoring
from community.flipped import progress
from community.models import (
    CourseSession,
    FlippedResource,
    RotationCompany,
    Skill,
    TargetJob,
    User,
)
from community.pathways import cards as card_rules
from community.pathways import live
from tests.helpers import post_form, sign_in, staff_of_another_provider
from tests.test_flipped import GOOD, TRAINER, flipped_session

LEARNER = "apprenant7@demo.test"  # wants JavaScript, in the flipped group
QUESTION = "Quelle méthode ajoute un écouteur ?"
CHECKPOINT = {**GOOD, "title": "Les événements du DOM", "question": QUESTION,
              "choices": "addEventListener\nonclick\nlisten", "right_choice": "1"}  # fmt: skip


async def person(db, email: str) -> User:
    async with db.session() as session:
        return (await session.exec(select(User).where(User.email == email))).one()


async def skill_id(db, name: str) -> int:
    async with db.session() as session:
        return (await session.exec(select(Skill.id).where(Skill.name == name))).one() or 0


async def tag_resource(client, db, skill: str, **changes: str) -> FlippedResource:
    """The group's trainer adds a checkpoint resource tagged with the skill."""
    session_id = await flipped_session(db)
    capsule = f"/sessions/{session_id}/capsule"
    await sign_in(client, TRAINER)
    data = {**CHECKPOINT, "skill_id": str(await skill_id(db, skill)), **changes}
    added = await post_form(client, capsule + "/resources", data, page=capsule)
    assert added.status_code == 303, added.text
    client.cookies.clear()
    async with db.session() as session:
        rows = await session.exec(select(FlippedResource).order_by(col(FlippedResource.id)))
        return list(rows)[-1]


async def answer(client, resource: FlippedResource, choice: str) -> None:
    capsule = f"/sessions/{resource.session_id}/capsule"
    path = f"{capsule}/resources/{resource.id}/explored"
    assert (await post_form(client, path, {"choice": choice}, page=capsule)).status_code == 303


async def compass(client) -> str:
    page = await client.get("/boussole")
    assert page.status_code == 200
    return unescape(page.text)


# --- a resource names a skill ---


async def test_a_trainer_tags_a_resource_with_a_catalogue_skill_shown_on_the_capsule(
    client, db, demo_data
):
    resource = await tag_resource(client, db, "JavaScript")
    assert resource.skill_id == await skill_id(db, "JavaScript")
    await sign_in(client, LEARNER)
    page = unescape((await client.get(f"/sessions/{resource.session_id}/capsule")).text)
    assert "Compétence : JavaScript" in page


async def test_a_skill_of_another_provider_or_a_malformed_one_is_refused_in_french(
    client, db, demo_data
):
    other_staff = await staff_of_another_provider(db)
    async with db.session() as session:
        theirs = await tutoring.add_skill(session, other_staff, {"name": "Soudure TIG"})
        await session.commit()
    session_id = await flipped_session(db)
    capsule = f"/sessions/{session_id}/capsule"
    await sign_in(client, TRAINER)
    for raw in (str(theirs.id), "abc", "0", "-1", "9999999999"):
        data = {**CHECKPOINT, "skill_id": raw}
        refused = await post_form(client, capsule + "/resources", data, page=capsule)
        assert refused.status_code == 422, raw
        assert "Choisissez l'une des options proposées." in unescape(refused.text)
    async with db.session() as session:
        tagged = await session.exec(
            select(FlippedResource).where(col(FlippedResource.skill_id).is_not(None))
        )
        assert tagged.first() is None


# --- checkpoint answers as evidence ---


async def test_a_right_checkpoint_answer_is_evidence_newest_first_with_its_words(
    client, db, demo_data
):
    resource = await tag_resource(client, db, "JavaScript")
    await sign_in(client, LEARNER)
    await answer(client, resource, "0")
    page = await compass(client)
    mastery = page.split("JavaScript</bdi> — ")[1].split("</article>")[0]
    items = mastery.split("<li>")[1:]
    expected = f"Vous avez répondu juste à la question « {QUESTION} » de « Les événements du DOM »"
    # Dated, it comes before the undated "you want to learn it".
    assert expected in items[0] and "Vous avez dit vouloir" in items[1], items


async def test_a_wrong_answer_reads_as_not_right_yet_and_an_untagged_one_is_no_evidence(
    client, db, demo_data
):
    resource = await tag_resource(client, db, "JavaScript")
    untagged = await tag_resource(client, db, "JavaScript", skill_id="", title="Sans étiquette")
    await sign_in(client, LEARNER)
    await answer(client, resource, "2")
    await answer(client, untagged, "0")
    page = await compass(client)
    assert f"question « {QUESTION} » de « Les événements du DOM » le" in page
    assert "pas encore juste." in page
    assert "« Sans étiquette »" not in page.split("Ce que Ruche a déduit")[1]


# --- a resource to explore ---


async def test_a_learner_who_wants_the_skill_gets_a_resource_card_until_they_explore_it(
    client, db, demo_data
):
    resource = await tag_resource(client, db, "JavaScript")
    await sign_in(client, LEARNER)
    page = await compass(client)
    assert f'data-card="resource:{resource.id}"' in page
    assert (
        "Parce que vous voulez apprendre JavaScript : « Les événements du DOM », dans la "
        "capsule de la séance « Formulaires accessibles » du"
    ) in page
    assert f'href="/sessions/{resource.session_id}/capsule#resource-{resource.id}"' in page
    await answer(client, resource, "0")
    assert f'data-card="resource:{resource.id}"' not in await compass(client)


async def test_no_resource_card_from_another_group_or_for_an_unwanted_skill(client, db, demo_data):
    # apprenant1 wants first aid but is not in the flipped group; apprenant8 is, without
    # wanting first aid.
    resource = await tag_resource(client, db, "Premiers secours")
    for email in ("apprenant1@demo.test", "apprenant8@demo.test"):
        client.cookies.clear()
        await sign_in(client, email)
        assert f'data-card="resource:{resource.id}"' not in await compass(client), email


async def test_every_card_kind_says_why_from_the_rows_behind_it(db, demo_data, client):
    """Each computed card names the wanted skill and the row it was drawn from."""
    resource = await tag_resource(client, db, "JavaScript")
    learner = await person(db, LEARNER)

    async def nobody_online(_user_id: int) -> bool:
        return False

    async with db.session() as session:
        found = await card_rules.cards_for(session, learner, nobody_online, [], log=False)
    kinds = {card.kind for card in found}
    assert {"peer", "resource", "practice"} <= kinds, kinds
    for card in found:
        assert "JavaScript" in card.reason, card
        if card.kind == "resource":
            assert resource.title in card.reason
        if card.kind == "practice":
            assert "HTML" in card.reason  # the prerequisite on the map


async def test_a_resource_card_can_be_set_aside_with_a_reason(client, db, demo_data):
    resource = await tag_resource(client, db, "JavaScript")
    await sign_in(client, LEARNER)
    await compass(client)
    data = {"card_key": f"resource:{resource.id}", "verdict": "dismissed", "reason": "not_now"}
    answered = await post_form(client, "/boussole/cards", data, page="/boussole")
    assert answered.status_code == 303
    assert f'data-card="resource:{resource.id}"' not in await compass(client)


# --- live ---


async def test_answering_a_tagged_checkpoint_nudges_the_compass_and_an_untagged_one_does_not(
    client, db, demo_data
):
    tagged = await tag_resource(client, db, "JavaScript")
    untagged = await tag_resource(client, db, "JavaScript", skill_id="", title="Sans étiquette")
    learner = await person(db, LEARNER)
    channel = live.channel(learner.id or 0)
    async with db.session() as session:
        before = await realtime.last_seq(session, channel)
        await progress.explore(session, learner, tagged.session_id, tagged.id or 0, {"choice": "0"})
        await session.commit()
        after_tagged = await realtime.last_seq(session, channel)
        data = {"choice": "0"}
        await progress.explore(session, learner, untagged.session_id, untagged.id or 0, data)
        await session.commit()
        after_untagged = await realtime.last_seq(session, channel)
    assert after_tagged == before + 1 and after_untagged == after_tagged


# --- rotation posts that fit a target job ---


async def choose_job(client, db, code: str) -> str:
    async with db.session() as session:
        job = (await session.exec(select(TargetJob).where(TargetJob.code == code))).one()
    chosen = await post_form(client, "/skills/pathway", {"job_id": str(job.id)}, page="/skills")
    assert chosen.status_code == 303
    page = unescape((await client.get("/skills")).text)
    return page.split("Le métier que je vise")[1].split("</section>")[0]


async def company_names(db) -> list[str]:
    async with db.session() as session:
        return list(await session.exec(select(RotationCompany.name)))


async def test_a_learner_in_the_pool_sees_the_open_posts_needing_their_jobs_skills(
    client, db, demo_data
):
    await sign_in(client, "apprenant4@demo.test")
    part = await choose_job(client, db, "K1302")
    posts = re.sub(r"</?bdi>", "", part.split("Postes en relais qui demandent ces compétences")[1])
    assert "Auxiliaire de vie — demande Gestes et postures, Premiers secours, Relation d" in posts
    assert "Aide à domicile — demande Gestes et postures, Premiers secours" in posts
    # Nothing the pool page shows a candidate only once proposed: company, site, who leaves.
    details = ["Sylvie Roche", "Patrick Morel", "Lyon 3e", "Villeurbanne", "69003", "Matins"]
    for hidden in [*await company_names(db), *details]:
        assert hidden not in posts, hidden


async def test_a_filled_departure_is_not_listed(client, db, demo_data):
    await sign_in(client, "apprenant8@demo.test")  # in the pool
    part = await choose_job(client, db, "M1805")
    assert "Intégrateur·rice web" not in part
    assert "Aucun poste ouvert ne demande les compétences de ce métier" in part


async def test_a_learner_outside_the_pool_gets_a_link_to_it_and_no_post(client, db, demo_data):
    await sign_in(client, "apprenant1@demo.test")
    part = await choose_job(client, db, "K1302")
    assert 'href="/relais"' in part and "Rejoindre le vivier" in part
    assert "Auxiliaire de vie" not in part and "Aide à domicile" not in part
    for name in await company_names(db):
        assert name not in part


async def test_a_learner_who_left_the_pool_no_longer_sees_the_posts(client, db, demo_data):
    await sign_in(client, "apprenant4@demo.test")
    left = await post_form(client, "/relais/pool/withdraw", {}, page="/relais")
    assert left.status_code == 303
    part = await choose_job(client, db, "K1302")
    assert "Auxiliaire de vie" not in part and "Rejoindre le vivier" in part


async def test_a_removed_resource_card_reads_as_the_resource_for_the_groups_trainer(
    client, db, demo_data
):
    resource = await tag_resource(client, db, "JavaScript")
    learner = await person(db, LEARNER)
    async with db.session() as session:
        group = (
            await session.exec(
                select(CourseSession.iteration_id).where(CourseSession.id == resource.session_id)
            )
        ).one()
    await sign_in(client, TRAINER)
    page = f"/iterations/{group}/boussole"
    data = {"learner_id": str(learner.id), "card_key": f"resource:{resource.id}"}
    assert (await post_form(client, f"{page}/removals", data, page=page)).status_code == 303
    listed = unescape((await client.get(page)).text)
    removed = listed[listed.index('id="removed-title"') :]
    assert f"Ressource à explorer : {resource.title}" in removed
    client.cookies.clear()
    await sign_in(client, LEARNER)
    assert f'data-card="resource:{resource.id}"' not in await compass(client)

"""The learner's compass through the app: cards whose reasons come from stored rows, the
learner's say on them, suggestions off, evidence and its estimate, live nudges, providers."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import col, func, select

import realtime
from community import tutoring
from community.areas import CHANNELS
from community.models import (
    CardPin,
    CardShown,
    CardVerdict,
    Enrolment,
    HelpOffer,
    HelpRequest,
    ProjectMember,
    ProjectRole,
    Skill,
    User,
    utcnow,
)
from community.pathways import cards as card_rules
from community.pathways import live
from community.pathways.compass import compass as compass_of
from community.pathways.group import learners_of
from community.pathways.prerequisites import prerequisites
from community.reports.publication import set_threshold
from tests.helpers import learner_of_another_provider, own_statements, post_form, sign_in

FIRST_AID = "Premiers secours"


async def person(session, email: str) -> User:
    return (await session.exec(select(User).where(User.email == email))).one()


async def skill_named(session, name: str) -> Skill:
    return (await session.exec(select(Skill).where(Skill.name == name))).one()


async def nobody_online(_user_id: int) -> bool:
    return False


async def helped(db, tutor_email: str, learner_email: str, skill: str = FIRST_AID) -> int:
    """A session that took place, through the tutoring actions: asked, offered, accepted,
    scheduled half an hour ago, confirmed by both."""
    async with db.session() as session:
        tutor = await person(session, tutor_email)
        learner = await person(session, learner_email)
        skill_id = (await skill_named(session, skill)).id
        data = {"skill_id": str(skill_id), "description": "Aide", "urgency": "week",
                "format": "in_person"}  # fmt: skip
        request = await tutoring.ask(session, learner, data, nobody_online)
        request_id = request.id or 0
        await tutoring.offer(session, tutor, request_id, {})
        offer_id = (
            await session.exec(select(HelpOffer.id).where(HelpOffer.request_id == request_id))
        ).one()
        await tutoring.accept(session, learner, request_id, {"offer_id": str(offer_id)})
        when = (utcnow() - timedelta(minutes=30)).astimezone().strftime("%Y-%m-%dT%H:%M")
        slot = {"scheduled_at": when, "place": "Salle B2", "duration": "60"}
        await tutoring.schedule(session, learner, request_id, slot)
        await tutoring.confirm(session, learner, request_id)
        await tutoring.confirm(session, tutor, request_id)
        await session.commit()
        return request_id


async def compass(client) -> str:
    page = await client.get("/boussole")
    assert page.status_code == 200
    return page.text


async def test_peer_card_names_the_tutor_and_counts_the_sessions_they_gave(client, db, demo_data):
    await helped(db, "apprenant2@demo.test", "apprenant6@demo.test")
    await helped(db, "apprenant2@demo.test", "apprenant7@demo.test")
    async with db.session() as session:
        lucas = await person(session, "apprenant2@demo.test")
        skill = await skill_named(session, FIRST_AID)
        given = (
            await session.exec(
                select(func.count(col(HelpRequest.id)))
                .join(HelpOffer, col(HelpOffer.id) == HelpRequest.accepted_offer_id)
                .where(HelpOffer.tutor_id == lucas.id, HelpRequest.skill_id == skill.id)
                .where(HelpRequest.status == "done")
            )
        ).one()
    await sign_in(client, "apprenant1@demo.test")
    text = await compass(client)
    expected = (
        f"Parce que vous voulez apprendre {FIRST_AID}, et {lucas.display_name} "
        f"l&#39;a enseigné {given} fois."
    )
    assert given == 2 and expected in text
    assert f'data-card="peer:{lucas.id}:{skill.id}"' in text
    assert f'href="/help?skill_id={skill.id}#ask-title"' in text
    form = (await client.get(f"/help?skill_id={skill.id}")).text
    assert re.search(rf'<option value="{skill.id}" selected>', form)  # the form preselected


async def test_card_shown_is_logged_once_per_learner_and_card(client, db, demo_data):
    await sign_in(client, "apprenant1@demo.test")
    await compass(client)
    await compass(client)
    async with db.session() as session:
        shown = list(await session.exec(select(CardShown)))
    # Amina wants first aid: a peer who teaches it, and the demo map's prerequisite she lacks.
    assert sorted(row.card_key.split(":")[0] for row in shown) == ["peer", "practice"]
    assert sorted(row.kind for row in shown) == ["peer", "practice"]


async def test_evidence_lists_each_session_given_and_estimates_could_teach(client, db, demo_data):
    await helped(db, "apprenant2@demo.test", "apprenant6@demo.test")
    await helped(db, "apprenant2@demo.test", "apprenant7@demo.test")
    await sign_in(client, "apprenant2@demo.test")
    text = await compass(client)
    deduced = text[text.index("Ce que Ruche a déduit") :]
    assert f"<bdi>{FIRST_AID}</bdi> — pourrais l&#39;enseigner" in deduced
    assert "Vous avez aidé Mathis Petit le " in deduced
    assert "Vous avez aidé Inès Moreau le " in deduced
    assert "ne sont pas enregistrées" in deduced


async def test_evidence_of_the_helped_learner_says_who_helped_them(client, db, demo_data):
    await helped(db, "apprenant2@demo.test", "apprenant1@demo.test")
    await sign_in(client, "apprenant1@demo.test")
    text = await compass(client)
    assert "Lucas Martin vous a aidé·e le " in text
    assert f"<bdi>{FIRST_AID}</bdi> — en progrès" in text


async def test_suggestions_off_shows_no_card_and_computes_none(app, client, db, demo_data):
    await sign_in(client, "apprenant1@demo.test")
    with own_statements(app) as statements:
        await compass(client)
    assert any("card_shown" in s for s in statements)  # on: cards are computed and logged
    off = await post_form(client, "/boussole/suggestions", {"on": "0"}, page="/boussole")
    assert off.status_code == 303
    async with db.session() as session:
        await session.exec(CardShown.__table__.delete())  # type: ignore[attr-defined]
        await session.commit()
    with own_statements(app) as statements:
        text = await compass(client)
    assert "data-card=" not in text and "aucune carte" in text
    assert not [s for s in statements if "card_shown" in s or "project_role.slots" in s]
    async with db.session() as session:
        assert list(await session.exec(select(CardShown))) == []
    on = await post_form(client, "/boussole/suggestions", {"on": "1"}, page="/boussole")
    assert on.status_code == 303 and "data-card=" in await compass(client)


async def test_dismissed_card_with_its_reason_does_not_come_back(client, db, demo_data):
    await sign_in(client, "apprenant1@demo.test")
    key = re.search(r'data-card="([^"]+)"', await compass(client))
    assert key is not None
    refused = await post_form(
        client, "/boussole/cards", {"card_key": key[1], "verdict": "dismissed"}, page="/boussole"
    )
    assert refused.status_code == 422 and "Dites pourquoi" in refused.text
    data = {"card_key": key[1], "verdict": "dismissed", "reason": "not_now", "note": "Plus tard"}
    dismissed = await post_form(client, "/boussole/cards", data, page="/boussole")
    assert dismissed.status_code == 303
    text = await compass(client)
    assert f'data-card="{key[1]}"' not in text
    async with db.session() as session:
        verdict = (await session.exec(select(CardVerdict))).one()
    assert (verdict.card_key, verdict.kind, verdict.reason, verdict.note) == (
        key[1], "peer", "not_now", "Plus tard"
    )  # fmt: skip


async def test_verdict_on_a_card_never_shown_is_refused(client, db, demo_data):
    await sign_in(client, "apprenant1@demo.test")
    for key in ("peer:999:999", "role:1; drop", ""):
        data = {"card_key": key, "verdict": "helped"}
        answer = await post_form(client, "/boussole/cards", data, page="/boussole")
        assert answer.status_code == 422
    async with db.session() as session:
        assert list(await session.exec(select(CardVerdict))) == []


async def test_helped_card_stays_marked_and_erasing_answers_removes_them(client, db, demo_data):
    await sign_in(client, "apprenant1@demo.test")
    key = re.search(r'data-card="([^"]+)"', await compass(client))
    assert key is not None
    data = {"card_key": key[1], "verdict": "helped"}
    assert (await post_form(client, "/boussole/cards", data, page="/boussole")).status_code == 303
    text = await compass(client)
    assert "Vous avez dit que cette carte vous a aidé" in text
    twice = await post_form(client, "/boussole/cards", data, page="/boussole")
    assert twice.status_code == 422
    erased = await post_form(client, "/boussole/verdicts/erase", {}, page="/boussole")
    assert erased.status_code == 303
    async with db.session() as session:
        assert list(await session.exec(select(CardVerdict))) == []


async def test_offer_on_the_learners_request_changes_the_card_and_nudges_the_compass(
    client, db, demo_data
):
    async with db.session() as session:
        amina = await person(session, "apprenant1@demo.test")
        lea = await person(session, "apprenant5@demo.test")
        skill = await skill_named(session, FIRST_AID)
        data = {"skill_id": str(skill.id), "description": "PLS ?", "urgency": "week",
                "format": "in_person"}  # fmt: skip
        request = await tutoring.ask(session, amina, data, nobody_online)
        await session.commit()
        before = await realtime.last_seq(session, live.channel(amina.id or 0))
        await tutoring.offer(session, lea, request.id or 0, {})
        await session.commit()
        after = await realtime.last_seq(session, live.channel(amina.id or 0))
    assert after == before + 1
    await sign_in(client, "apprenant1@demo.test")
    text = await compass(client)
    assert f"Léa Bernard a proposé de vous aider sur votre demande en {FIRST_AID}." in text
    assert f'href="/help/{request.id}"' in text


async def test_compass_channel_is_heard_by_its_owner_only(db, demo_data):
    hears = CHANNELS["boussole"].authorize
    async with db.session() as session:
        amina = await person(session, "apprenant1@demo.test")
        lucas = await person(session, "apprenant2@demo.test")
        assert await hears(session, amina, amina.id or 0)
        assert not await hears(session, lucas, amina.id or 0)


async def test_empty_compass_says_to_mark_skills(client, db, demo_data):
    await sign_in(client, "apprenant3@demo.test")
    text = await compass(client)
    assert "data-card=" not in text and 'href="/skills"' in text


@pytest.fixture
async def other_provider_tutor(db):
    """A learner of another provider who can teach a skill named like the demo's."""
    async with db.session() as session:
        staff, learner = await learner_of_another_provider(
            session, "tutor@b.test", "Tuteur Ailleurs"
        )
        other = await tutoring.add_skill(session, staff, {"name": FIRST_AID})
        mark = {"skill_id": str(other.id), "kind": "offer", "level": "3"}
        await tutoring.mark_skill(session, learner, mark)
        await session.commit()


async def test_another_providers_peers_never_appear(client, db, demo_data, other_provider_tutor):
    await sign_in(client, "apprenant1@demo.test")
    text = await compass(client)
    assert "data-card=" in text and "Tuteur Ailleurs" not in text


def test_missing_prerequisite_gives_a_practise_first_card_naming_both_skills():
    wanted = Skill(id=2, provider_id=1, name="SQL")
    names = {1: "Tableur", 2: "SQL", 3: "Algèbre"}
    found = card_rules.practice_from([wanted], {2: {1, 3}}, {3}, names)
    assert [(c.key, c.kind) for c in found] == [("practice:1", "practice")]
    assert "Tableur" in found[0].reason and "SQL" in found[0].reason


async def test_the_compass_reads_its_prerequisites_from_the_skill_map(db, demo_data):
    async with db.session() as session:
        ids = {s.name: s.id for s in await session.exec(select(Skill))}
        required = await prerequisites(session, 1)
    assert ids["HTML"] in required[ids["CSS"]]  # the demo's map: HTML comes before CSS
    assert ids["CSS"] not in required.get(ids["HTML"], set())


async def amina_group(db) -> int:
    """The current group of apprenant1, which formateur1 teaches."""
    async with db.session() as session:
        amina = await person(session, "apprenant1@demo.test")
        trainer = await person(session, "formateur1@demo.test")
        mine = select(Enrolment.iteration_id).where(Enrolment.user_id == amina.id)
        rows = await session.exec(
            select(Enrolment.iteration_id).where(
                Enrolment.user_id == trainer.id, col(Enrolment.iteration_id).in_(mine)
            )
        )
        return max(rows)


async def test_trainer_pins_a_peer_and_the_learner_reads_it_came_from_their_trainer(
    client, db, demo_data
):
    group = await amina_group(db)
    async with db.session() as session:
        amina = await person(session, "apprenant1@demo.test")
        skill = await skill_named(session, "Relation d'aide")
        peer = (
            await session.exec(
                select(User)
                .join(Enrolment, col(Enrolment.user_id) == User.id)
                .where(Enrolment.iteration_id == group, Enrolment.role == "learner")
                .where(User.id != amina.id)
            )
        ).first()
    assert peer is not None
    await sign_in(client, "formateur1@demo.test")
    page = f"/iterations/{group}/boussole"
    data = {"learner_id": str(amina.id), "target": f"peer:{peer.id}", "skill_id": str(skill.id),
            "note": "Voyez <b>avec</b> elle"}  # fmt: skip
    assert (await post_form(client, f"{page}/pins", data, page=page)).status_code == 303
    twice = await post_form(client, f"{page}/pins", data, page=page)
    assert twice.status_code == 422
    await sign_in(client, "apprenant1@demo.test")
    text = await compass(client)
    first = text[text.index('class="compass-card"') :]
    said = f"{peer.display_name} peut vous aider en Relation d&#39;aide."
    note = "Proposé par votre formatrice ou votre formateur : Voyez &lt;b&gt;avec&lt;/b&gt; elle"
    assert first.index(said) < first.index(note) < first.index("</article>")

    await sign_in(client, "formateur1@demo.test")
    listed = (await client.get(page)).text  # the pin reads as the form offered it
    assert f"Pair : {peer.display_name} — Relation d&#39;aide" in listed
    async with db.session() as session:
        pin_id = (await session.exec(select(CardPin.id))).one()
    removed = await post_form(client, f"{page}/pins/{pin_id}/remove", {}, page=page)
    assert removed.status_code == 303
    await sign_in(client, "apprenant1@demo.test")
    assert "Voyez" not in await compass(client)


async def test_pin_naming_someone_outside_the_group_changes_nothing(client, db, demo_data):
    group = await amina_group(db)
    async with db.session() as session:
        amina = await person(session, "apprenant1@demo.test")
    await sign_in(client, "formateur1@demo.test")
    page = f"/iterations/{group}/boussole"
    for target in ("peer:999999", "role:999999", "peer:abc", "", f"peer:{amina.id}"):
        data = {"learner_id": str(amina.id), "target": target, "skill_id": "1"}
        assert (await post_form(client, f"{page}/pins", data, page=page)).status_code == 422
    async with db.session() as session:
        assert list(await session.exec(select(CardPin))) == []


async def test_only_the_groups_trainers_and_staff_open_the_group_compass(client, db, demo_data):
    group = await amina_group(db)
    page = f"/iterations/{group}/boussole"
    expected = {"apprenant1@demo.test": 404, "formateur2@demo.test": 404,
                "formateur1@demo.test": 200, "organisme@demo.test": 200}  # fmt: skip
    for email, status in expected.items():
        await sign_in(client, email)
        assert (await client.get(page)).status_code == status, email


async def want_first_aid_and_open_the_compass(db, iteration_id: int) -> int:
    """Every learner of the group wants first aid and opens their compass; how many were
    shown a card."""
    async with db.session() as session:
        skill = await skill_named(session, FIRST_AID)
        learners = await learners_of(session, iteration_id)
        for learner in learners:
            mark = {"skill_id": str(skill.id), "kind": "want", "level": "1"}
            await tutoring.mark_skill(session, learner, mark)
        await session.commit()
        reached = 0
        for learner in learners:
            reached += bool((await compass_of(session, learner, nobody_online)).cards)
        await session.commit()
    return reached


async def test_reception_counts_cards_by_verdict_and_hides_a_group_under_k(client, db, demo_data):
    group = await amina_group(db)
    await sign_in(client, "apprenant1@demo.test")
    key = re.search(r'data-card="([^"]+)"', await compass(client))
    assert key is not None
    data = {"card_key": key[1], "verdict": "dismissed", "reason": "know_it"}
    await post_form(client, "/boussole/cards", data, page="/boussole")
    await sign_in(client, "formateur1@demo.test")
    text = (await client.get(f"/iterations/{group}/boussole")).text
    # Amina alone was shown cards: what she made of them is not for her trainer to read.
    assert "moins de 5 apprenants ont vu des cartes" in text and "Je le sais déjà" not in text

    assert await want_first_aid_and_open_the_compass(db, group) >= 5
    async with db.session() as session:
        learners = await learners_of(session, group)
        ids = [learner.id for learner in learners]
        shown = (
            await session.exec(
                select(func.count(col(CardShown.id))).where(col(CardShown.user_id).in_(ids))
            )
        ).one()
        staff = await person(session, "organisme@demo.test")
    text = (await client.get(f"/iterations/{group}/boussole")).text
    assert f"{shown} cartes montrées" in text and "Écartée : Je le sais déjà — 1" in text
    async with db.session() as session:
        await set_threshold(session, staff, {"k": str(len(learners) + 1)})
        await session.commit()
    text = (await client.get(f"/iterations/{group}/boussole")).text
    assert "cartes montrées" not in text and f"moins de {len(learners) + 1} apprenants" in text


async def test_role_card_names_an_open_project_of_the_group_using_the_wanted_skill(
    client, db, demo_data
):
    group = await amina_group(db)
    proposal = {"iteration_id": str(group), "title": "Secourisme au quotidien",
                "pitch": "Des fiches réflexes pour tous", "weeks": "4",
                "skills": f"Hygiène, {FIRST_AID}", "role0": "Secouristes", "slots0": "2",
                "publish": "1"}  # fmt: skip
    await sign_in(client, "apprenant2@demo.test")
    assert (await post_form(client, "/projects", proposal, page="/projects")).status_code == 303
    async with db.session() as session:
        role = (await session.exec(select(ProjectRole))).one()
        taken = (
            await session.exec(
                select(func.count(col(ProjectMember.id))).where(
                    ProjectMember.role_id == role.id, ProjectMember.status == "member"
                )
            )
        ).one()
    await post_form(client, "/signout", {})
    await sign_in(client, "apprenant1@demo.test")
    text = await compass(client)
    free = role.slots - taken
    places = f"{free} place libre" if free == 1 else f"{free} places libres"
    expected = (
        f"Le projet Secourisme au quotidien cherche : Secouristes, et utilise {FIRST_AID}, "
        f"que vous voulez apprendre : {places}."
    )
    assert free > 0 and expected in text and f'data-card="role:{role.id}"' in text

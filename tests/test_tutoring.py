"""Peer tutoring through the app: the whole path, one match under concurrency, permissions."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

import pytest
from sqlmodel import col, func, select

from community import tutoring
from community.forms import FormError
from community.models import HelpRequest, Notification, Skill, User, utcnow
from tests.helpers import learner_of_another_provider, post_form, sign_in

# The demo's only request is a done session (job rotation's tutoring of a replacement): a
# test of asking counts the open ones.
OPEN_REQUESTS = select(func.count(col(HelpRequest.id))).where(HelpRequest.status == "open")


async def skill_id(db, name: str) -> int:
    async with db.session() as session:
        return (await session.exec(select(Skill.id).where(Skill.name == name))).one()


async def user(db, email: str) -> User:
    async with db.session() as session:
        return (await session.exec(select(User).where(User.email == email))).one()


async def ask(client, db, skill: str = "Premiers secours", **extra: str):
    return await post_form(
        client,
        "/help",
        {"skill_id": str(await skill_id(db, skill)), "description": "Comment faire la PLS ?",
         "urgency": "now", "format": "in_person", **extra},
        page="/help",
    )  # fmt: skip


async def as_person(client, email: str) -> None:
    await post_form(client, "/signout", {})
    await sign_in(client, email)


async def test_ask_offer_accept_schedule_confirm_thank(client, db, demo_data):
    await sign_in(client, "apprenant1@demo.test")
    assert "Pas encore d'entraide" in (await client.get("/help")).text
    asked = await ask(client, db)
    assert asked.status_code == 303
    path = asked.headers["location"]
    async with db.session() as session:
        told = (
            await session.exec(select(Notification.user_id).where(Notification.kind == "help"))
        ).all()
    helpers = {(await user(db, e)).id for e in ("apprenant2@demo.test", "apprenant5@demo.test")}
    assert set(told) == helpers  # the peers who offer this skill, nobody else

    await as_person(client, "apprenant2@demo.test")
    assert "Comment faire la PLS ?" in (await client.get("/help")).text
    offered = await post_form(client, f"{path}/offers", {"message": "Avec plaisir"}, page=path)
    assert offered.status_code == 303
    again = await post_form(client, f"{path}/offers", {}, page=path)
    assert again.status_code == 422 and "Vous avez déjà proposé votre aide." in again.text

    await as_person(client, "apprenant1@demo.test")
    page = (await client.get(path)).text
    button = re.search(r'name="offer_id" value="(\d+)"', page)
    assert button is not None
    offer_id = button.group(1)
    accepted = await post_form(client, f"{path}/accept", {"offer_id": offer_id}, page=path)
    assert accepted.status_code == 303
    when = (utcnow() - timedelta(minutes=30)).astimezone().strftime("%Y-%m-%dT%H:%M")
    scheduled = await post_form(
        client,
        f"{path}/schedule",
        {"scheduled_at": when, "place": "Salle B2", "duration": "60"},
        page=path,
    )
    assert scheduled.status_code == 303
    early = await post_form(client, f"{path}/thanks", {"rating": "5"}, page=path)
    assert early.status_code == 422
    await post_form(client, f"{path}/confirm", {}, page=path)
    await as_person(client, "apprenant2@demo.test")
    assert "Salle B2" in (await client.get(path)).text
    await post_form(client, f"{path}/confirm", {}, page=path)

    await as_person(client, "apprenant1@demo.test")
    thanked = await post_form(
        client, f"{path}/thanks", {"rating": "5", "message": "Merci !"}, page=path
    )
    assert thanked.status_code == 303
    twice = await post_form(client, f"{path}/thanks", {"rating": "4"}, page=path)
    assert twice.status_code == 422
    assert "vous avez été aidé·e 1 fois (1,0 h)" in (await client.get("/help")).text
    await as_person(client, "apprenant2@demo.test")
    mine = (await client.get("/help")).text
    assert "Vous avez aidé 1 fois (1,0 h)" in mine and "Merci !" in mine and "★★★★★" in mine
    await as_person(client, "formateur1@demo.test")
    needs = (await client.get("/iterations/2/help")).text
    assert "Merci !" not in needs and "Apprenant" not in needs  # never a name or a message


async def test_two_accepts_at_the_same_moment_give_one_match(db, demo_data):
    requester = await user(db, "apprenant1@demo.test")

    async def never_online(_user_id: int) -> bool:
        return False

    async with db.session() as session:
        request = await tutoring.ask(
            session, requester,
            {"skill_id": str(await skill_id(db, "Premiers secours")), "description": "PLS",
             "urgency": "week", "format": "video"},
            never_online,
        )  # fmt: skip
        await session.commit()
        request_id = request.id or 0
    for email in ("apprenant2@demo.test", "apprenant5@demo.test"):
        async with db.session() as session:
            await tutoring.offer(session, await user(db, email), request_id, {})
            await session.commit()
    async with db.session() as session:
        offers = [
            o.id or 0
            for o, _person in await tutoring.offers_on(
                session, await session.get(HelpRequest, request_id)
            )
        ]

    async def accept(offer_id: int) -> str:
        async with db.session() as session:
            try:
                await tutoring.accept(session, requester, request_id, {"offer_id": str(offer_id)})
            except FormError as exc:  # the loser is told in words, not by a crash
                return exc.errors["offer"]
            await session.commit()
            return "won"

    results = await asyncio.gather(*(accept(offer_id) for offer_id in offers))
    assert sorted(results) == sorted(
        ["won", "Cette demande a déjà trouvé son tuteur ou sa tutrice."]
    )
    async with db.session() as session:
        final = await session.get(HelpRequest, request_id)
    assert final.status == "matched" and final.accepted_offer_id in offers


async def test_candidates_same_group_first_then_online_then_level(db, demo_data):
    requester = await user(db, "apprenant6@demo.test")
    online = {(await user(db, "apprenant5@demo.test")).id}

    async def is_online(user_id: int) -> bool:
        return user_id in online

    first_aid = await skill_id(db, "Premiers secours")
    async with db.session() as session:
        request = HelpRequest(
            requester_id=requester.id or 0, iteration_id=2, skill_id=first_aid, description="x",
            urgency="now", format="chat", expires_at=utcnow() + timedelta(hours=1),
        )  # fmt: skip
        ranked = await tutoring.candidates(session, request, is_online)
    assert [c.user.email for c in ranked] == ["apprenant5@demo.test", "apprenant2@demo.test"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"urgency": "demain"}, "Choisissez l'une des options proposées."),
        ({"format": "pigeon"}, "Choisissez l'une des options proposées."),
        ({"description": ""}, "Ce champ est obligatoire."),
        ({"description": "x" * 501}, "500 caractères au maximum"),
    ],
)
async def test_bad_requests_are_explained_and_write_nothing(client, db, demo_data, fields, message):
    await sign_in(client, "apprenant1@demo.test")
    response = await ask(client, db, **fields)
    assert response.status_code == 422
    assert message in response.text.replace("&#39;", "'")
    async with db.session() as session:
        assert (await session.exec(OPEN_REQUESTS)).one() == 0


async def test_a_skill_of_another_provider_is_refused(
    client, db, demo_data, other_provider_learner
):
    await sign_in(client, "apprenant1@demo.test")
    async with db.session() as session:
        foreign = (await session.exec(select(Skill.id).where(Skill.name == "Soudure TIG"))).one()
    response = await post_form(
        client, "/help",
        {"skill_id": str(foreign), "description": "x", "urgency": "now", "format": "chat"},
        page="/help",
    )  # fmt: skip
    assert response.status_code == 422


async def test_the_same_form_sent_twice_makes_one_request(client, db, demo_data):
    await sign_in(client, "apprenant1@demo.test")
    first = await ask(client, db, idem="formulaire-42")
    second = await ask(client, db, idem="formulaire-42")
    assert first.headers["location"] == second.headers["location"]
    async with db.session() as session:
        assert (await session.exec(OPEN_REQUESTS)).one() == 1


async def test_old_requests_expire(client, db, demo_data):
    await sign_in(client, "apprenant1@demo.test")
    await ask(client, db)
    async with db.session() as session:
        request = (
            await session.exec(select(HelpRequest).where(HelpRequest.status == "open"))
        ).one()
        request.expires_at = utcnow() - timedelta(minutes=1)
        session.add(request)
        await session.commit()
    assert "Expirée" in (await client.get("/help")).text


@pytest.fixture
async def other_provider_learner(db):
    """A learner of another provider, with a skill of that provider's catalogue."""
    async with db.session() as session:
        staff, _learner = await learner_of_another_provider(session, "learner@b.test", "Learner B")
        await tutoring.add_skill(session, staff, {"name": "Soudure TIG"})
        await session.commit()


WHO = {
    "anonymous": None,
    "requester": "apprenant1@demo.test",
    "peer of the provider": "apprenant7@demo.test",
    "learner of another provider": "learner@b.test",
    "trainer of the group": "formateur1@demo.test",
    "trainer elsewhere": "formateur2@demo.test",
    "staff": "organisme@demo.test",
}
# Signed out, a page leads to sign-in (303); signed in, what one may not see is not there.
#                              /help  request skills catalogue needs
MATRIX = {
    "anonymous":                   (303, 303, 303, 303, 303),
    "requester":                   (200, 200, 200, 404, 404),
    "peer of the provider":        (200, 200, 200, 404, 404),
    "learner of another provider": (200, 404, 200, 404, 404),
    "trainer of the group":        (404, 404, 404, 200, 200),
    "trainer elsewhere":           (404, 404, 404, 200, 404),
    "staff":                       (404, 404, 404, 200, 200),
}  # fmt: skip


@pytest.mark.parametrize("who", MATRIX)
async def test_tutoring_permission_matrix(client, db, demo_data, other_provider_learner, who):
    await sign_in(client, "apprenant1@demo.test")
    path = (await ask(client, db)).headers["location"]
    await post_form(client, "/signout", {})
    if email := WHO[who]:
        password = "mot de passe b" if email.endswith("b.test") else "demo-ruche-2026"
        await sign_in(client, email, password)
    paths = ("/help", path, "/skills", "/skills/catalogue", "/iterations/2/help")
    got = tuple([(await client.get(p)).status_code for p in paths])
    assert got == MATRIX[who]
    if who not in ("requester", "peer of the provider"):
        for step in ("offers", "accept", "schedule", "confirm", "cancel", "thanks"):
            refused = await post_form(client, f"{path}/{step}", {"reason": "x"}, page="/")
            assert refused.status_code == 404, step
    if who == "peer of the provider":  # sees the request and may offer, but not act for others
        for step in ("accept", "schedule", "confirm", "cancel", "thanks"):
            refused = await post_form(client, f"{path}/{step}", {"reason": "x"}, page="/")
            assert refused.status_code == 403, step


async def test_actions_compose_in_one_transaction(db, demo_data):
    """A refused write inside a transaction leaves it usable: the caller commits the rest."""
    learner = await user(db, "apprenant1@demo.test")
    first_aid = str(await skill_id(db, "Premiers secours"))
    async with db.session() as session:
        await tutoring.suggest_skill(session, learner, {"name": "Couture"})
        with pytest.raises(FormError):
            await tutoring.suggest_skill(session, learner, {"name": "Couture"})
        await tutoring.mark_skill(session, learner, {"skill_id": first_aid, "kind": "want"})
        await session.commit()
    async with db.session() as session:
        suggested = (await session.exec(select(Skill).where(Skill.name == "Couture"))).all()
        marks = await tutoring.my_skills(session, learner)
    assert len(suggested) == 1 and not suggested[0].approved
    assert ("Premiers secours", "want") in {(s.name, m.kind) for m, s in marks.marks}


async def test_only_suggestions_are_curated(client, db, demo_data):
    """Declining is for learners' suggestions; a skill in the catalogue stays there."""
    await sign_in(client, "formateur1@demo.test")
    first_aid = await skill_id(db, "Premiers secours")
    refused = await post_form(
        client, f"/skills/catalogue/{first_aid}", {"decision": "reject"}, page="/skills/catalogue"
    )
    assert refused.status_code == 404
    assert "Premiers secours" in (await client.get("/skills/catalogue")).text


async def thanked_session(db, requester_email: str, rating: int) -> None:
    """A help session asked, given by apprenant2, confirmed by both, and rated."""
    requester, tutor = await user(db, requester_email), await user(db, "apprenant2@demo.test")

    async def nobody_online(_user_id: int) -> bool:
        return False

    when = (utcnow() - timedelta(hours=1)).astimezone().strftime("%Y-%m-%dT%H:%M")
    async with db.session() as session:
        asked = {"skill_id": str(await skill_id(db, "Premiers secours")), "description": "PLS",
                 "urgency": "week", "format": "video"}  # fmt: skip
        request_id = (await tutoring.ask(session, requester, asked, nobody_online)).id or 0
        await tutoring.offer(session, tutor, request_id, {})
        request = await session.get(HelpRequest, request_id)
        [(offer, _tutor)] = await tutoring.offers_on(session, request)
        await tutoring.accept(session, requester, request_id, {"offer_id": str(offer.id)})
        slot = {"scheduled_at": when, "place": "Salle B2", "duration": "30"}
        await tutoring.schedule(session, requester, request_id, slot)
        await tutoring.confirm(session, requester, request_id)
        await tutoring.confirm(session, tutor, request_id)
        await tutoring.thank(session, requester, request_id, {"rating": str(rating)})
        await session.commit()


async def test_the_sixth_rating_cannot_be_recovered_from_the_tutors_mean(client, db, demo_data):
    await sign_in(client, "formateur1@demo.test")
    shown = []
    ratings = [5, 4, 5, 3, 4, 1, 2, 5, 5, 4]
    learners = ["apprenant1", "apprenant3", "apprenant4", "apprenant6"]
    for n, rating in enumerate(ratings):
        await thanked_session(db, f"{learners[n % len(learners)]}@demo.test", rating)
        page = (await client.get("/iterations/2/help")).text
        shown.append(re.search(r"Les séances[^<]*|\d+ notes? pour l'instant[^<]*", page).group(0))
    # From the fifth to the ninth, the same figure: nothing tells the sixth rating apart.
    assert len(set(shown[4:9])) == 1 and "4,2 sur 5" in shown[4] and "(5 notes)" in shown[4]
    assert "3,8 sur 5" in shown[9] and "(10 notes)" in shown[9]  # ten: a new batch of five

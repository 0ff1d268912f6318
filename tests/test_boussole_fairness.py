"""A trainer removing a computed card from a learner's compass (and putting it back), and the
report of how suggestions reach a training's groups, never below k."""

from __future__ import annotations

import asyncio
import re
from datetime import date

from sqlmodel import col, func, select

import realtime
from community import forms
from community.models import CardPin, CardShown, Iteration, Skill, Training
from community.pathways import compass, live, removal
from community.pathways.fairness import Fairness, GroupFigures, Reception, compared
from community.reports.publication import set_threshold
from tests.conftest import POSTGRES_URL, need
from tests.helpers import learner_of_another_provider, post_form, sign_in
from tests.test_boussole import (
    amina_group,
    nobody_online,
    person,
    want_first_aid_and_open_the_compass,
)


async def cards_of_amina(client) -> list[str]:
    await sign_in(client, "apprenant1@demo.test")
    text = (await client.get("/boussole")).text
    return re.findall(r'data-card="([^"]+)"', text)


async def test_trainer_removes_a_card_the_learner_no_longer_sees_and_puts_it_back(
    client, db, demo_data
):
    group = await amina_group(db)
    key = (await cards_of_amina(client))[0]
    async with db.session() as session:
        amina = await person(session, "apprenant1@demo.test")
        before = await realtime.last_seq(session, live.channel(amina.id or 0))
    await sign_in(client, "formateur1@demo.test")
    page = f"/iterations/{group}/boussole"
    seen = (await client.get(f"{page}?learner={amina.id}")).text
    assert f'data-card="{key}"' in seen  # the trainer sees what her compass shows
    data = {"learner_id": str(amina.id), "card_key": key}
    answer = await post_form(client, f"{page}/removals", data, page=page)
    assert answer.status_code == 303
    async with db.session() as session:
        assert await realtime.last_seq(session, live.channel(amina.id or 0)) == before + 1

    assert key not in await cards_of_amina(client)
    text = (await client.get("/boussole")).text
    assert "Votre équipe de formation a écarté 1 carte pour vous." in text
    assert "Isabelle" not in text and "formateur1" not in text  # never who

    await sign_in(client, "formateur1@demo.test")
    async with db.session() as session:
        removed = (await session.exec(select(CardPin))).one()
    assert removed.removed and removed.card_key == key
    listed = (await client.get(page)).text
    assert f"/removals/{removed.id}/undo" in listed
    # The unpin address does not take a removal away.
    unpin = await post_form(client, f"{page}/pins/{removed.id}/remove", {}, page=page)
    assert unpin.status_code == 404
    undo = await post_form(client, f"{page}/removals/{removed.id}/undo", {}, page=page)
    assert undo.status_code == 303
    assert key in await cards_of_amina(client)


async def test_a_removed_practise_first_card_reads_as_the_skill_to_practise(client, db, demo_data):
    group = await amina_group(db)
    key = next(k for k in await cards_of_amina(client) if k.startswith("practice:"))
    async with db.session() as session:
        amina = await person(session, "apprenant1@demo.test")
        skill = await session.get(Skill, int(key.split(":")[1]))
    assert skill is not None
    await sign_in(client, "formateur1@demo.test")
    page = f"/iterations/{group}/boussole"
    data = {"learner_id": str(amina.id), "card_key": key}
    assert (await post_form(client, f"{page}/removals", data, page=page)).status_code == 303
    listed = (await client.get(page)).text
    removed = listed[listed.index('id="removed-title"') :]
    assert f"Amina Benali</bdi> — S&#39;exercer d&#39;abord : {skill.name}" in removed


async def test_a_trainers_look_at_a_learners_cards_is_not_logged_as_shown(client, db, demo_data):
    group = await amina_group(db)
    async with db.session() as session:
        amina = await person(session, "apprenant1@demo.test")
    await sign_in(client, "formateur1@demo.test")
    text = (await client.get(f"/iterations/{group}/boussole?learner={amina.id}")).text
    assert "data-card=" in text
    async with db.session() as session:
        assert (await session.exec(select(func.count(col(CardShown.id))))).one() == 0


async def test_removing_a_card_not_on_the_compass_or_for_another_group_changes_nothing(
    client, db, demo_data
):
    group = await amina_group(db)
    key = (await cards_of_amina(client))[0]
    async with db.session() as session:
        amina = await person(session, "apprenant1@demo.test")
        outsider = await person(session, "apprenant12@demo.test")  # not in her group
    page = f"/iterations/{group}/boussole"
    await sign_in(client, "formateur1@demo.test")
    refused = [
        {"learner_id": str(amina.id), "card_key": "peer:999:999"},
        {"learner_id": str(amina.id), "card_key": "role:1; drop"},
        {"learner_id": str(outsider.id), "card_key": key},
        {"learner_id": "abc", "card_key": key},
    ]
    for data in refused:
        assert (await post_form(client, f"{page}/removals", data, page=page)).status_code == 422
    assert (await client.get(f"{page}?learner=abc")).status_code == 404
    assert (await client.get(f"{page}?learner={outsider.id}")).status_code == 404
    await sign_in(client, "organisme@demo.test")  # staff read the page, remove nothing
    data = {"learner_id": str(amina.id), "card_key": key}
    assert (await post_form(client, f"{page}/removals", data, page=page)).status_code == 404
    async with db.session() as session:
        assert list(await session.exec(select(CardPin))) == []


async def test_two_trainers_removing_the_same_card_at_once_leave_one_row(db, demo_data):
    need(POSTGRES_URL, "the race is settled by PostgreSQL's unique index")
    group = await amina_group(db)
    async with db.session() as session:
        amina = await person(session, "apprenant1@demo.test")
        trainer = await person(session, "formateur1@demo.test")
        key = (await compass.compass(session, amina, nobody_online)).cards[0].key
        await session.commit()

    async def remove() -> bool:
        async with db.session() as session:
            data = {"learner_id": str(amina.id), "card_key": key}
            try:
                await removal.remove(session, trainer, group, data, nobody_online)
            except forms.FormError:
                return False
            await session.commit()
            return True

    assert sorted(await asyncio.gather(remove(), remove())) == [False, True]
    async with db.session() as session:
        assert len(list(await session.exec(select(CardPin)))) == 1


# --- fairness across groups ---


async def training_of(db, iteration_id: int) -> tuple[int, int]:
    """The training of the group, and its other group."""
    async with db.session() as session:
        iteration = await session.get(Iteration, iteration_id)
        assert iteration is not None
        others = await session.exec(
            select(Iteration.id).where(
                Iteration.training_id == iteration.training_id, Iteration.id != iteration_id
            )
        )
        return iteration.training_id, others.one() or 0


async def test_report_shows_each_groups_reach_and_flags_a_group_reached_far_less(
    client, db, demo_data
):
    group = await amina_group(db)
    training, other = await training_of(db, group)
    reached = await want_first_aid_and_open_the_compass(db, group)
    assert reached == 6  # all six learners of the current group, none of the other one
    await sign_in(client, "apprenant1@demo.test")
    key = re.findall(r'data-card="([^"]+)"', (await client.get("/boussole")).text)[0]
    data = {"card_key": key, "verdict": "helped"}
    assert (await post_form(client, "/boussole/cards", data, page="/boussole")).status_code == 303

    await sign_in(client, "formateur2@demo.test")  # a trainer of the provider, not of the group
    text = (await client.get(f"/trainings/{training}/boussole")).text
    current = text[text.index(f'id="group-{group}"') :]
    finished = text[text.index(f'id="group-{other}"') :]
    assert "Apprenants atteints : 6 sur 6 (100" in current
    assert "Les autres groupes : 0 sur 6 (0" in current
    assert "nettement différente des autres groupes" in current
    assert "p = 0,002" in current  # Fisher's exact test on 6/6 against 0/6
    assert "« Ça m’a aidé » : 1 sur " in current
    assert "Apprenants atteints : 0 sur 6 (0" in finished
    assert "moins de 5 apprenants ont vu des cartes" in finished  # nothing to read there


async def test_groups_under_k_are_hidden_and_no_total_is_shown_beside_them(client, db, demo_data):
    group = await amina_group(db)
    training, _other = await training_of(db, group)
    await want_first_aid_and_open_the_compass(db, group)
    async with db.session() as session:
        staff = await person(session, "organisme@demo.test")
        await set_threshold(session, staff, {"k": "7"})
        await session.commit()
    await sign_in(client, "organisme@demo.test")
    text = (await client.get(f"/trainings/{training}/boussole")).text
    assert text.count("Masqué : le groupe compte moins de 7 apprenants.") == 2
    assert "Apprenants atteints" not in text and "cartes montrées" not in text
    assert "Tous les groupes affichés" not in text


def figures(name: str, learners: int, reached: int, shown: int = 0) -> GroupFigures:
    iteration = Iteration(name=name, training_id=1, starts_on=date(2026, 1, 1),
                          ends_on=date(2026, 6, 1))  # fmt: skip
    hidden = learners < 5
    return GroupFigures(
        iteration, 5, 0 if hidden else learners, 0 if hidden else reached,
        Reception(shown) if reached >= 5 and not hidden else Reception(),
    )  # fmt: skip


def test_totals_add_up_the_groups_shown_and_a_hidden_group_is_no_difference_of_them():
    hidden, first, second = figures("A", 4, 4, 9), figures("B", 10, 8, 20), figures("C", 8, 2)
    report = Fairness(Training(title="T", provider_id=1), 5, compared([hidden, first, second]))
    assert (report.total_learners, report.total_reached) == (18, 10)
    assert report.total_reception.shown == 20  # B's cards only: C reached fewer than 5
    by_name = {g.iteration.name: g for g in report.groups}
    assert by_name["A"].reach is None and by_name["A"].learners == 0
    assert by_name["B"].reach is not None
    assert (by_name["B"].reach.others_reached, by_name["B"].reach.others_learners) == (2, 8)


async def test_only_the_providers_staff_and_trainers_read_the_report(client, db, demo_data):
    group = await amina_group(db)
    training, _other = await training_of(db, group)
    async with db.session() as session:
        await learner_of_another_provider(session, "ailleurs@b.test", "Ailleurs")
        await session.commit()
    page = f"/trainings/{training}/boussole"
    expected = {"apprenant1@demo.test": 404, "staff@b.test": 404, "formateur1@demo.test": 200,
                "formateur2@demo.test": 200, "organisme@demo.test": 200}  # fmt: skip
    for email, status in expected.items():
        if email.endswith("b.test"):
            await sign_in(client, email, "mot de passe b")
        else:
            await sign_in(client, email)
        assert (await client.get(page)).status_code == status, email
    assert (await client.get("/trainings/999999/boussole")).status_code == 404

"""Evidence of skills through the app: a trainer of the learner's group validates a skill from
a shared entry (nobody else can, and two at once leave one row); the learner's evidence by
skill from three sources, private to them and their trainers; the dossier they print holds
the entries they chose, with dates, and nobody else can print it."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from html import unescape

from babel.dates import format_date
from sqlmodel import col, func, select

from community import accounts
from community.accounts import Passwords
from community.journal import evidence
from community.models import JournalEntry, Role, Skill, SkillValidation, User
from tests.helpers import post_form, sign_in, staff_of_another_provider

LEARNER = "apprenant7@demo.test"  # Inès: her entry on the audit has all three sources
PEER = "apprenant11@demo.test"
TRAINER = "formateur2@demo.test"  # teaches the flipped group (learners 7 to 12)
OTHER_TRAINING_TRAINER = "formateur1@demo.test"  # same provider, another training
AUDIT = "Un formulaire de contact refusé par l'audit"
LAYOUT = "Mise en page cassée sur téléphone"  # learner 8's, shared
SECRET = {"title": "Un désaccord avec mon chef", "happened": "Il voulait livrer sans tests.",
          "did": "J'ai proposé une heure de tests.", "hard": "", "next_time": ""}  # fmt: skip


async def entry_titled(db, title: str) -> JournalEntry:
    async with db.session() as session:
        return (await session.exec(select(JournalEntry).where(JournalEntry.title == title))).one()


async def skill_named(db, name: str) -> Skill:
    async with db.session() as session:
        return (await session.exec(select(Skill).where(Skill.name == name))).one()


async def person(db, email: str) -> User:
    async with db.session() as session:
        return (await session.exec(select(User).where(User.email == email))).one()


async def validations(db, entry_id: int) -> int:
    async with db.session() as session:
        rows = await session.exec(
            select(func.count()).where(col(SkillValidation.entry_id) == entry_id)
        )
        return rows.one()


def validation(skill: Skill, **changes: str) -> dict[str, str]:
    return {"skill_id": str(skill.id), "level": "observed", "observed_on": "2026-11-30",
            "comment": "Vu en atelier.", **changes}  # fmt: skip


async def trainer_of_another_provider(db) -> str:
    staff = await staff_of_another_provider(db)
    async with db.session() as session:
        await accounts.sign_up(
            session, Passwords("fast"),
            {"email": "trainer-b@b.test", "display_name": "Formateur B",
             "password": "mot de passe b"},
            locale="fr", role=Role.TRAINER, provider_id=staff.provider_id,
        )  # fmt: skip
        await session.commit()
    return "trainer-b@b.test"


async def test_the_groups_trainer_validates_a_skill_from_a_shared_entry_with_day_and_comment(
    client, db, demo_data
):
    entry = await entry_titled(db, LAYOUT)
    css = await skill_named(db, "CSS")
    path = f"/journal/entries/{entry.id}"
    await sign_in(client, TRAINER)
    page = unescape((await client.get(path)).text)
    assert "Enregistrer cette compétence" in page and "Compétence observée" in page
    done = await post_form(client, path + "/validations", validation(css), page=path)
    assert done.status_code == 303 and done.headers["location"] == path + "#validations"
    shown = unescape((await client.get(path)).text)
    assert "CSS</strong> · Compétence observée · 30 novembre 2026" in shown
    assert "Vu en atelier." in shown
    client.cookies.clear()
    await sign_in(client, "apprenant8@demo.test")
    theirs = unescape((await client.get(path)).text)
    assert "Compétence observée · 30 novembre 2026" in theirs
    assert "Enregistrer cette compétence" not in theirs


async def test_only_the_groups_trainers_validate_learners_and_other_trainers_get_404(
    client, db, demo_data
):
    entry = await entry_titled(db, LAYOUT)
    css = await skill_named(db, "CSS")
    path = f"/journal/entries/{entry.id}/validations"
    other_provider = await trainer_of_another_provider(db)
    for email in ("apprenant8@demo.test", PEER, OTHER_TRAINING_TRAINER, other_provider,
                  "organisme@demo.test"):  # fmt: skip
        client.cookies.clear()
        await sign_in(client, email, *(["mot de passe b"] if email.endswith("b.test") else []))
        refused = await post_form(client, path, validation(css))
        assert refused.status_code == 404, email
    assert await validations(db, entry.id or 0) == 0


async def test_a_private_entry_cannot_be_validated_even_by_the_groups_trainer(
    client, db, demo_data
):
    entry = await entry_titled(db, "Première réunion avec un client")
    git = await skill_named(db, "Git")
    await sign_in(client, TRAINER)
    refused = await post_form(client, f"/journal/entries/{entry.id}/validations", validation(git))
    assert refused.status_code == 404
    assert await validations(db, entry.id or 0) == 0


async def test_a_refused_validation_says_why_in_french_and_writes_nothing(client, db, demo_data):
    entry = await entry_titled(db, LAYOUT)
    css = await skill_named(db, "CSS")
    path = f"/journal/entries/{entry.id}"
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    await sign_in(client, TRAINER)
    cases = [
        ({"skill_id": "abc"}, "Choisissez des compétences de la liste."),
        ({"skill_id": "99999999999999999999999"}, "Choisissez des compétences de la liste."),
        ({"observed_on": "2026-02-30"}, "Indiquez une date."),
        ({"observed_on": tomorrow}, "Choisissez un jour déjà passé."),
        ({"level": "expert"}, "Choisissez l'une des options proposées."),
        ({"comment": "x" * 501}, "500 caractères"),
        ({"comment": "a\x00b"}, ""),
    ]
    for changes, message in cases:
        refused = await post_form(
            client, path + "/validations", validation(css, **changes), page=path
        )
        assert refused.status_code == 422, changes
        assert message in unescape(refused.text), changes
    assert await validations(db, entry.id or 0) == 0


async def test_two_validations_at_once_leave_one_row_with_the_last_answer(db, demo_data):
    entry = await entry_titled(db, LAYOUT)
    css = await skill_named(db, "CSS")
    trainer = await person(db, TRAINER)

    async def validate(level: str) -> None:
        async with db.session() as session:
            await evidence.validate(session, trainer, entry.id or 0, validation(css, level=level))
            await session.commit()

    await asyncio.gather(validate("observed"), validate("validated"))
    assert await validations(db, entry.id or 0) == 1


async def test_my_evidence_shows_each_skill_from_self_mentor_and_trainer(client, db, demo_data):
    await sign_in(client, LEARNER)
    page = unescape((await client.get("/journal/evidence")).text)
    skill = await skill_named(db, "Accessibilité numérique")
    part = page.split(f'id="skill-{skill.id}"')[1].split("</article>")[0]
    assert AUDIT in part
    assert "Sabine Lefèvre a confirmé « " + AUDIT + " »" in part
    assert "Compétence validée · <bdi>Karim Formateur</bdi>" in part
    html_skill = await skill_named(db, "HTML")
    other = page.split(f'id="skill-{html_skill.id}"')[1].split("</article>")[0]
    assert "Sabine Lefèvre a confirmé" in other and "Pas encore validée par un formateur." in other


async def test_evidence_is_the_learners_and_their_trainers_from_shared_entries_only(
    client, db, demo_data
):
    learner = await person(db, LEARNER)
    git = await skill_named(db, "Git")
    await sign_in(client, LEARNER)
    written = await post_form(
        client, "/journal/entries", {**SECRET, f"skill-{git.id}": "on"}, page="/journal"
    )
    assert written.status_code == 303
    assert SECRET["title"] in unescape((await client.get("/journal/evidence")).text)
    path = f"/journal/learners/{learner.id}/evidence"
    assert (await client.get(path)).status_code == 404  # the trainers' view is not hers
    client.cookies.clear()
    await sign_in(client, TRAINER)
    seen = unescape((await client.get(path)).text)
    assert AUDIT in seen and SECRET["title"] not in seen
    assert (await client.get("/journal/evidence")).status_code == 404
    client.cookies.clear()
    await sign_in(client, OTHER_TRAINING_TRAINER)  # taught her in a past group of another training
    past = unescape((await client.get(path)).text)
    assert AUDIT not in past and "Aucune entrée partagée par cette personne" in past
    other_provider = await trainer_of_another_provider(db)
    for email in (PEER, other_provider, "organisme@demo.test"):
        client.cookies.clear()
        await sign_in(client, email, *(["mot de passe b"] if email.endswith("b.test") else []))
        assert (await client.get(path)).status_code == 404, email


async def test_the_dossier_holds_the_chosen_entries_only_with_their_dates(client, db, demo_data):
    await sign_in(client, LEARNER)
    await post_form(client, "/journal/entries", SECRET, page="/journal")
    audit = await entry_titled(db, AUDIT)
    secret = await entry_titled(db, SECRET["title"])
    chooser = unescape((await client.get("/journal/dossier")).text)
    assert f'value="{audit.id}" checked' in chooser
    assert f'value="{secret.id}">' in chooser  # private: offered unticked
    printed = unescape((await client.get(f"/journal/dossier/print?entry={audit.id}")).text)
    assert AUDIT in printed and SECRET["title"] not in printed
    assert format_date(audit.created_at, format="long", locale="fr") in printed
    assert "Tester au clavier et au lecteur d'écran avant de livrer." in printed  # Gibbs
    assert "Compétence validée · <bdi>Karim Formateur</bdi>" in printed
    assert format_date(date.today(), format="long", locale="fr") in printed  # validated today
    assert "site-header" not in printed  # no navigation on paper
    both = f"/journal/dossier/print?entry={audit.id}&entry={secret.id}"
    assert SECRET["title"] in unescape((await client.get(both)).text)


async def test_nobody_else_prints_a_dossier_and_a_bad_choice_never_fails(client, db, demo_data):
    audit = await entry_titled(db, AUDIT)
    others = await entry_titled(db, LAYOUT)
    await sign_in(client, LEARNER)
    for query in ("", "?entry=abc", f"?entry={others.id}", "?entry=99999999999999999999",
                  f"?entry={audit.id}&entry=-1", "?entry=%00"):  # fmt: skip
        refused = await client.get("/journal/dossier/print" + query)
        assert refused.status_code == 422, query
        assert "Choisissez des entrées de votre journal." in unescape(refused.text), query
        assert LAYOUT not in unescape(refused.text)
    client.cookies.clear()
    await sign_in(client, PEER)  # a learner: their own dossier only
    refused = await client.get(f"/journal/dossier/print?entry={audit.id}")
    assert refused.status_code == 422 and AUDIT not in unescape(refused.text)
    for email in (TRAINER, "organisme@demo.test"):
        client.cookies.clear()
        await sign_in(client, email)
        printed = await client.get(f"/journal/dossier/print?entry={audit.id}")
        assert printed.status_code == 404, email
        assert (await client.get("/journal/dossier")).status_code == 404, email

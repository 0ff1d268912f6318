"""Skills suggested for a learner's need: typos and phone-style French understood, learnt from
the provider's own requests, never from another provider's, and the endpoint's rules."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlmodel import select, update

from community import demo, tutoring
from community.models import Skill, User
from community.pathways.suggest import Cache, Suggester, expand, phrases
from tests.helpers import post_form, sign_in
from tests.test_tutoring import other_provider_learner  # noqa: F401  (a fixture)

NEEDS = Path(__file__).parent.parent / "bench" / "data" / "needs_fr.csv"


def demo_suggester() -> tuple[Suggester, list[str]]:
    """The demo catalogue, having learnt from the labelled needs as past requests."""
    with NEEDS.open(encoding="utf-8") as rows:
        needs = [(row["text"], demo.SKILLS.index(row["skill"])) for row in csv.DictReader(rows)]
    return Suggester(list(enumerate(demo.SKILLS)), needs), [text for text, _skill in needs]


# Typed as learners type, none of them in the labelled set.
UNSEEN = [
    ("jsp comment porter qqn sans me casser le dos", "Gestes et postures"),
    ("cmt on fé un masage cardiak", "Premiers secours"),
    ("mon bouton réagit pa qd je clik", "JavaScript"),
    ("jarrive pa a centré mon titre ds la page", "CSS"),
    ("git me dit conflit qd je fais pull", "Git"),
    ("la dame s'énerve qd je lui parle, jsais pa cmt la calmé", "Relation d'aide"),
    ("ma requète avec 2 tables jointes ne marche pa", "SQL"),
]


@pytest.mark.parametrize(("text", "skill"), UNSEEN)
def test_a_typed_need_with_typos_names_its_skill_in_the_top_three(text, skill):
    suggester, labelled = demo_suggester()
    assert text not in labelled
    found = [demo.SKILLS[s.skill_id] for s in suggester.suggest(text)]
    assert skill in found and len(found) <= 3


@pytest.mark.parametrize(
    ("typed", "written_out"),
    [
        ("jsp pk g un pb", "je sais pas pourquoi j'ai un problème"),
        ("la diff entre let et const", "la différence entre let et const"),
        ("Tjs le même PB", "toujours le même problème"),
        ("qqn pr m'aider, svp", "quelqu'un pour m'aider, s'il vous plaît"),
    ],
)
def test_phone_style_shorthand_is_read_as_the_words_it_stands_for(typed, written_out):
    assert expand(typed) == written_out


def test_shorthand_inside_a_longer_word_and_unknown_words_are_left_as_typed():
    assert expand("pbx cpb plomb qqnx") == "pbx cpb plomb qqnx"
    assert expand("é-pb") == "é-problème"  # a word of its own between two marks


def test_a_shorthand_and_its_full_word_give_the_suggester_the_same_text():
    suggester = Suggester(list(enumerate(demo.SKILLS)), [])
    short, full = suggester.suggest("pb de dos"), suggester.suggest("problème de dos")
    assert short == full and short


def test_a_description_gives_each_of_its_phrases_as_a_text_of_its_own():
    described = "Réagir : protéger, alerter le 15 ; position latérale de sécurité (PLS)."
    assert phrases(described) == [
        "Réagir", "protéger", "alerter le 15", "position latérale de sécurité", "PLS",
    ]  # fmt: skip


def test_a_need_naming_one_thing_a_description_covers_finds_that_skill_first():
    skills = [(1, "Accessibilité numérique"), (2, "CSS")]
    descriptions = [("RGAA et WCAG, contrastes, navigation au clavier", 1),
                    ("sélecteurs, couleurs, polices", 2)]  # fmt: skip
    found = Suggester(skills, [], descriptions).suggest("les contrastes de mon site")
    assert found[0].skill_id == 1


def test_a_catalogue_without_requests_suggests_from_the_skill_names_alone():
    suggester = Suggester(list(enumerate(demo.SKILLS)), [])
    assert demo.SKILLS[suggester.suggest("les premier secour")[0].skill_id] == "Premiers secours"
    assert suggester.suggest("zzz") == []  # nothing in common with any skill: no suggestion


def test_a_fitted_model_is_kept_until_its_key_changes_and_the_oldest_goes_first():
    cache = Cache(size=2)
    fitted = Suggester([(1, "Git")], [])
    cache.put("a", (1, 1), fitted)
    assert cache.get("a", (1, 1)) is fitted
    assert cache.get("a", (2, 5)) is None  # a skill or a request more: fitted again
    cache.put("b", (1, 1), fitted)
    cache.put("c", (1, 1), fitted)
    assert cache.get("a", (1, 1)) is None and cache.get("c", (1, 1)) is fitted


async def _learner(db, email: str) -> User:
    async with db.session() as session:
        return (await session.exec(select(User).where(User.email == email))).one()


async def _ask(db, email: str, skill: str, description: str) -> None:
    async def offline(_user_id: int) -> bool:
        return False

    async with db.session() as session:
        skill_id = (await session.exec(select(Skill.id).where(Skill.name == skill))).one()
        data = {"skill_id": str(skill_id), "description": description}
        data |= {"urgency": "week", "format": "video"}
        await tutoring.ask(session, await _learner(db, email), data, offline)
        await session.commit()


async def _suggested(db, email: str, text: str) -> list[str]:
    async with db.session() as session:
        found = await tutoring.suggest_skills(session, await _learner(db, email), text)
    return [suggested.skill.name for suggested in found]


async def _undescribed(db) -> None:
    """The catalogue as names alone, as before a curator describes its skills."""
    async with db.session() as session:
        await session.exec(update(Skill).values(description=""))  # type: ignore[call-overload]
        await session.commit()


async def test_a_request_sent_about_a_skill_teaches_the_suggestions(db, demo_data):
    await _undescribed(db)
    need = "la manœuvre de Heimlich quand quelqu'un s'étouffe"
    assert "Premiers secours" not in (await _suggested(db, "apprenant1@demo.test", need))[:1]
    sent = "Heimlich : qqn s'étouffe, je fais quoi ?"
    await _ask(db, "apprenant3@demo.test", "Premiers secours", sent)
    assert (await _suggested(db, "apprenant1@demo.test", need))[0] == "Premiers secours"


async def test_a_skill_described_on_the_map_is_suggested_for_its_words_at_once(
    client, db, demo_data
):
    await _undescribed(db)
    need = "poser un garrot sur une plaie qui pisse le sang"
    assert (await _suggested(db, "apprenant1@demo.test", need))[:1] != ["Premiers secours"]
    async with db.session() as session:
        skill = (await session.exec(select(Skill).where(Skill.name == "Premiers secours"))).one()
    await sign_in(client, "organisme@demo.test")
    data = {"described_skill_id": str(skill.id), "description": "Garrot, plaie, saignement."}
    assert (
        await post_form(client, "/skills/map/descriptions", data, page="/skills/map")
    ).status_code == 303
    assert (await _suggested(db, "apprenant1@demo.test", need))[0] == "Premiers secours"


async def test_another_providers_skills_and_requests_are_never_suggested(
    db,
    demo_data,
    other_provider_learner,  # noqa: F811
):
    await _ask(db, "learner@b.test", "Soudure TIG", "souder de l'inox à l'arc, la torche chauffe")
    ours = await _suggested(db, "apprenant1@demo.test", "soudure TIG inox à l'arc, la torche")
    assert ours and "Soudure TIG" not in ours
    theirs = await _suggested(db, "learner@b.test", "premiers secours, la torche chauffe")
    assert theirs == ["Soudure TIG"]  # the demo's "Premiers secours" is not in their catalogue


async def test_the_endpoint_answers_a_learner_with_buttons_that_pick_a_skill(client, demo_data):
    await sign_in(client, "apprenant1@demo.test")
    answer = await client.get("/help/suggestions", params={"description": "faire la PLS"})
    assert answer.status_code == 200
    assert 'data-pick-skill="' in answer.text and "Premiers secours" in answer.text
    assert "Votre besoin concerne peut-être :" in answer.text
    empty = await client.get("/help/suggestions", params={"description": "  "})
    assert empty.status_code == 200 and "data-pick-skill" not in empty.text


@pytest.mark.parametrize("description", ["a" * 501, "PLS\x00", "PLS\x1b[0m"])
async def test_the_endpoint_refuses_bad_text_with_a_message(client, demo_data, description):
    await sign_in(client, "apprenant1@demo.test")
    answer = await client.get("/help/suggestions", params={"description": description})
    assert answer.status_code == 422
    assert "data-pick-skill" not in answer.text and 'class="field-error"' in answer.text


async def test_the_endpoint_is_for_learners_of_a_group(client, demo_data):
    asked = {"description": "faire la PLS"}
    signed_out = await client.get("/help/suggestions", params=asked)
    assert signed_out.status_code == 303
    await sign_in(client, "formateur1@demo.test")
    assert (await client.get("/help/suggestions", params=asked)).status_code == 403

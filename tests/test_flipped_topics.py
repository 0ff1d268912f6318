"""Blocking points grouped into topics on this machine: answers on one subject meet, each
topic is explained by its key words and verbatim answers, and odd input does not break it."""

from __future__ import annotations

from community.flipped.topics import EXAMPLES, group

LABELS = [
    "Je ne sais pas relier une étiquette à son champ",
    "les étiquettes des champs, je m'y perds",
    "étiquette et champ : comment les relier ?",
    "Relier l'étiquette au champ du formulaire",
]
DATABASE = [
    "Les jointures SQL entre deux tables",
    "je bloque sur les jointures entre tables",
    "une jointure sql avec trois tables ?",
    "Comment écrire une jointure entre tables",
]


def test_answers_on_two_subjects_make_two_topics_explained_by_their_words():
    answers = list(enumerate(LABELS + DATABASE, start=1))
    topics = group(answers)
    assert len(topics) == 2
    members = [set(topic.examples) for topic in topics]
    assert any(m <= set(LABELS) for m in members) and any(m <= set(DATABASE) for m in members)
    words = [set(topic.key_words) for topic in topics]
    assert any("étiquette" in w or "champ" in w for w in words)
    assert any("jointure" in w or "table" in w for w in words)


def test_examples_are_verbatim_answers_at_most_three_and_the_anchor_is_the_earliest():
    answers = [(10 + i, text) for i, text in enumerate(LABELS + DATABASE)]
    for topic in group(answers):
        assert 1 <= len(topic.examples) <= EXAMPLES
        assert set(topic.examples) <= set(LABELS + DATABASE)
        texts = LABELS if topic.examples[0] in LABELS else DATABASE
        earliest = min(i for i, text in answers if text in texts)
        assert topic.anchor_id == earliest and topic.size == 4


def test_few_or_wordless_answers_make_one_topic_and_none_make_none():
    assert group([]) == []
    one = group([(1, "Les jointures"), (2, "Les étiquettes")])
    assert len(one) == 1 and one[0].size == 2
    wordless = group([(1, "je ne sais pas"), (2, "?"), (3, "rien"), (4, "...")])
    assert sum(topic.size for topic in wordless) == 4

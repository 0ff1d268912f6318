"""Blocking points grouped into topics on this machine: answers on one subject meet, each
topic is explained by its key words and verbatim answers, and odd input does not break it;
a trainer's merges, kept by answers, hold as answers are added and whatever their order."""

from __future__ import annotations

from itertools import permutations

from community.flipped.topics import EXAMPLES, Topic, group, merged

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


def test_a_merge_kept_by_answers_still_holds_when_new_answers_arrive():
    answers = list(enumerate(LABELS + DATABASE, start=1))
    labels_topic, database_topic = sorted(group(answers), key=lambda t: t.anchor_id)
    link = [(database_topic.anchor_id, labels_topic.anchor_id)]
    assert [t.size for t in merged(group(answers), link)] == [8]
    more = [*answers, (9, "Relier une étiquette à son champ ?"), (10, "Jointure de deux tables")]
    [topic] = merged(group(more), link)
    assert topic.size == 10 and topic.anchor_id == 1 and set(topic.members) == set(range(1, 11))
    assert len(topic.examples) == EXAMPLES


def _topic(anchor: int, *members: int) -> Topic:
    return Topic(anchor, len(members) + 1, [f"mot{anchor}"], [f"réponse {m}" for m in members],
                 (anchor, *members))  # fmt: skip


def test_merges_applied_in_any_order_make_the_same_topics():
    found = [_topic(1, 2), _topic(3), _topic(4, 5, 6), _topic(7)]
    links = [(3, 1), (1, 3), (7, 5)]
    results = {tuple((t.anchor_id, t.members) for t in merged(found, list(order)))
               for order in permutations(links)}  # fmt: skip
    assert results == {((4, (4, 5, 6, 7)), (1, (1, 2, 3)))}


def test_a_merge_whose_answer_is_gone_changes_nothing():
    found = [_topic(1, 2), _topic(3)]
    assert merged(found, [(99, 1), (3, 98)]) == sorted(found, key=lambda t: -t.size)

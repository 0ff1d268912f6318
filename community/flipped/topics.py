"""Learners' blocking points grouped into topics, on this machine: TF-IDF over character
n-grams and French lemmas (the normalisation of the skill suggestions), then k-means with the
number of topics that separates them best. Each topic is explained by its key words and the
answers closest to its centre, verbatim."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import normalize

from community.pathways.suggest import ANY_WORD, content_words, lemmas

MOST_TOPICS = 6
KEY_WORDS = 3
EXAMPLES = 3
# Below this, the best split is no better than chance: one topic says more than several.
CLEAR_SPLIT = 0.05


@dataclass(frozen=True)
class Topic:
    anchor_id: int  # the earliest answer in it: a trainer's name for the topic follows it
    size: int
    key_words: list[str]
    examples: list[str]  # verbatim, closest to the topic's centre first
    members: tuple[int, ...] = ()  # the ids of its answers


def group(answers: Sequence[tuple[int, str]]) -> list[Topic]:
    """`answers`: (id, text). The topics, largest first."""
    if not answers:
        return []
    texts = [text for _id, text in answers]
    words = TfidfVectorizer(token_pattern=ANY_WORD, sublinear_tf=True)
    by_lemma = _fit(words, [lemmas(text) for text in texts])
    characters = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(2, 5), strip_accents="unicode", sublinear_tf=True
    )
    vectors = normalize(
        hstack([_fit(characters, [content_words(t) for t in texts]), by_lemma]).tocsr()
    )
    labels = _labels(vectors)
    vocabulary = words.get_feature_names_out() if by_lemma.shape[1] else np.array([])
    topics = [
        _topic(answers, vectors, by_lemma, vocabulary, np.flatnonzero(labels == label))
        for label in sorted(set(labels))
    ]
    return sorted(topics, key=lambda topic: (-topic.size, topic.anchor_id))


def _fit(vectorizer: TfidfVectorizer, texts: list[str]) -> csr_matrix:
    """Empty columns rather than an error when no text has a word left (all stop words)."""
    try:
        return vectorizer.fit_transform(texts).tocsr()
    except ValueError:
        return csr_matrix((len(texts), 0))


def _labels(vectors: csr_matrix) -> np.ndarray:
    """The split with the best silhouette, from two topics to MOST_TOPICS; one topic when
    there are too few answers or no split is clear."""
    count = vectors.shape[0]
    # Identical answers are one point: never ask for more topics than distinct points.
    distinct = np.unique(vectors.toarray(), axis=0).shape[0]
    best, best_score = np.zeros(count, dtype=int), CLEAR_SPLIT
    for k in range(2, min(MOST_TOPICS, count - 1, distinct) + 1):
        labels = KMeans(n_clusters=k, n_init=10, random_state=0).fit_predict(vectors)
        if len(set(labels)) < 2:
            continue
        score = float(silhouette_score(vectors, labels, metric="cosine"))
        if score > best_score:
            best, best_score = labels, score
    return best


def _topic(
    answers: Sequence[tuple[int, str]],
    vectors: csr_matrix,
    by_lemma: csr_matrix,
    vocabulary: np.ndarray,
    members: np.ndarray,
) -> Topic:
    centre = np.asarray(vectors[members].mean(axis=0)).ravel()
    closeness = vectors[members] @ centre
    nearest = members[np.argsort(-closeness, kind="stable")][:EXAMPLES]
    weights = np.asarray(by_lemma[members].mean(axis=0)).ravel()
    ranked = np.argsort(-weights, kind="stable")[:KEY_WORDS]
    key_words = [str(vocabulary[i]) for i in ranked if weights[i] > 0]
    return Topic(
        anchor_id=min(answers[i][0] for i in members),
        size=len(members),
        key_words=key_words,
        examples=[answers[i][1] for i in nearest],
        members=tuple(answers[i][0] for i in members),
    )


def merged(found: list[Topic], links: Sequence[tuple[int, int]]) -> list[Topic]:
    """The topics once a trainer's merges apply: each link (answer, answer) makes one topic
    of the two holding them. Links to answers no longer there are left out, and links
    applied in any order give the same topics, so two merges at once cannot disagree."""
    owner = {answer: index for index, topic in enumerate(found) for answer in topic.members}
    parent = list(range(len(found)))

    def root(index: int) -> int:
        while parent[index] != index:
            index = parent[index]
        return index

    for one, other in links:
        if one in owner and other in owner:
            parent[root(owner[one])] = root(owner[other])
    parts: dict[int, list[Topic]] = {}
    for index, topic in enumerate(found):
        parts.setdefault(root(index), []).append(topic)
    joined = [_joined(part) for part in parts.values()]
    return sorted(joined, key=lambda topic: (-topic.size, topic.anchor_id))


def _joined(part: list[Topic]) -> Topic:
    """Topics merged into one: the words and examples of the largest first."""
    if len(part) == 1:
        return part[0]
    part = sorted(part, key=lambda topic: (-topic.size, topic.anchor_id))
    words = list(dict.fromkeys(word for topic in part for word in topic.key_words))
    return Topic(
        anchor_id=min(topic.anchor_id for topic in part),
        size=sum(topic.size for topic in part),
        key_words=words[:KEY_WORDS],
        examples=[example for topic in part for example in topic.examples][:EXAMPLES],
        members=tuple(sorted(answer for topic in part for answer in topic.members)),
    )

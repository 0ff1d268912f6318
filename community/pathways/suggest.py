"""Which skills a learner's text is about: TF-IDF over characters and French lemmas, fitted per
provider on its skill names, the phrases of their descriptions and the texts of the help
requests its learners sent. Phone-style shorthand ("pb", "tjs", "diff") is read as the words
it stands for first (`expand`); typos are left to the character n-grams."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
import simplemma
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

TOP = 3
# Below this, a skill shares a syllable or two with the text, by chance: not worth a button
# (on bench/data/needs_fr.csv, it removes no right answer from the top three).
FLOOR = 0.05
NEAREST = 3  # a skill scores the mean of its three closest texts: one odd example is not enough
WORD = re.compile(r"\w+")
# Words that say nothing of a skill, phone-style forms included: left in, they would make
# "comment on fait" close to every other question.
_STOPWORDS = """
    a ai aie ais ait as au aux avec avoir avais avait c ca ce ceci cela celle celles celui ces
    cet cette chaque chez ci comme comment d dans de des du donc dont elle elles en encore est
    et ete etre eu eux faire fait fais faut il ils j je jamais jusqu l la le les leur leurs
    lui m ma mais me mes moi mon meme n ne ni nos notre nous on ont ou par pas peu peut peux
    plus pour pourquoi qu quand que quel quelle quels quelles qui quoi s sa sans se ses si son
    sont sur t ta te tes toi ton tous tout toute toutes tres tu un une vos votre vous y ya
    veux voudrais aimerais sais savoir arrive comprends comprend marche qqn qqch qq jsp jsais
    jcomprend jcomprends jarrive g pk pq pr ds bcp svp stp cmt cmnt tjr tjrs tt mm kesk kesako
    ptit
"""
STOPWORDS = frozenset(_STOPWORDS.split())
ANY_WORD = r"(?u)\b\w+\b"  # one-letter words too: "c", "h1" and "js" say something here
# The lemmas weigh less than the characters: on bench/data/needs_fr.csv, lemmas at full weight
# let one shared everyday word outweigh a skill's own vocabulary half-typed.
LEMMA_WEIGHT = 0.7
# Where a description's phrases part: each phrase is one more short text about the skill, so
# that a need naming one thing it covers ("contrastes") is as close to it as to an example.
PHRASE_END = re.compile(r"[:;,.()]")

# Shorthand of phone-style French, general (nothing of one trade): read as what it stands for,
# so that "pb", "prob" and "problème" are one word, and "diff" reaches "différence".
ABBREVIATIONS = {
    "pb": "problème", "pbs": "problèmes", "prob": "problème", "pblm": "problème",
    "tj": "toujours", "tjs": "toujours", "tjr": "toujours", "tjrs": "toujours",
    "qqn": "quelqu'un", "qqun": "quelqu'un", "qqch": "quelque chose", "qqc": "quelque chose",
    "qq": "quelques", "jsp": "je sais pas", "jsais": "je sais", "chui": "je suis",
    "chuis": "je suis", "jai": "j'ai", "g": "j'ai", "c": "c'est", "ct": "c'était",
    "pk": "pourquoi", "pq": "pourquoi", "pr": "pour", "ds": "dans", "bcp": "beaucoup",
    "tt": "tout", "tte": "toute", "ts": "tous", "mm": "même", "dc": "donc",
    "diff": "différence", "recup": "récupérer", "modif": "modification",
    "modifs": "modifications", "asso": "association", "ordi": "ordinateur",
    "appli": "application", "info": "information", "infos": "informations",
    "dispo": "disponible", "exo": "exercice", "exos": "exercices", "rdv": "rendez-vous",
    "msg": "message", "kesk": "qu'est-ce que", "keske": "qu'est-ce que", "koi": "quoi",
    "ke": "que", "ki": "qui", "jcomprend": "je comprends", "jcomprends": "je comprends",
    "jarrive": "j'arrive", "jy": "j'y", "mtn": "maintenant", "mnt": "maintenant",
    "tps": "temps", "perso": "personnel", "pro": "professionnel", "technik": "technique",
    "vrmt": "vraiment", "auj": "aujourd'hui", "ajd": "aujourd'hui", "pcq": "parce que",
    "pck": "parce que", "psk": "parce que", "cmt": "comment", "cmnt": "comment",
    "svp": "s'il vous plaît", "stp": "s'il te plaît", "ptit": "petit", "ptite": "petite",
    "ya": "il y a", "pa": "pas", "ptet": "peut-être", "qd": "quand", "bjr": "bonjour",
    "dsl": "désolé",
}  # fmt: skip
SHORTHAND = re.compile(r"\w+")


def expand(text: str) -> str:
    """The text with each shorthand word written out; every other word as it was."""
    return SHORTHAND.sub(lambda word: ABBREVIATIONS.get(word[0].lower(), word[0]), text)


def phrases(description: str) -> list[str]:
    """A description's phrases, for a skill's short texts; the description stays one too."""
    return [part.strip() for part in PHRASE_END.split(description) if part.strip()]


def _folded(word: str) -> str:
    """Lowercase without accents: "Épaule", "epaule" and "épaule" are one word."""
    return unicodedata.normalize("NFKD", word.lower()).encode("ascii", "ignore").decode()


def _words(text: str) -> list[str]:
    return [w for w in WORD.findall(expand(text).lower()) if _folded(w) not in STOPWORDS]


def content_words(text: str) -> str:
    return " ".join(_words(text))


def lemmas(text: str) -> str:
    # "porter", "portais", "porté" meet at one lemma; character n-grams catch the typos.
    return " ".join(simplemma.lemmatize(word, lang="fr") for word in _words(text))


@dataclass(frozen=True)
class Suggestion:
    skill_id: int
    score: float  # 0 to 1: how close the text is to what is known of the skill


class Suggester:
    """Fitted once on a catalogue and its labelled texts; suggests in a few milliseconds."""

    def __init__(
        self,
        skills: Sequence[tuple[int, str]],
        examples: Sequence[tuple[str, int]],
        descriptions: Sequence[tuple[str, int]] = (),
    ):
        known = {skill_id for skill_id, _name in skills}
        # The name is each skill's first example, so that a new catalogue already answers.
        documents = [(name, skill_id) for skill_id, name in skills]
        for text, skill_id in descriptions:
            documents += [(part, skill_id) for part in [text, *phrases(text)]]
        documents = [(text, skill_id) for text, skill_id in documents if skill_id in known]
        documents += [(text, skill_id) for text, skill_id in examples if skill_id in known]
        texts = [text for text, _skill in documents]
        self._characters = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 5), strip_accents="unicode", sublinear_tf=True
        ).fit([content_words(text) for text in texts])
        self._lemmas = TfidfVectorizer(
            strip_accents="unicode", sublinear_tf=True, token_pattern=ANY_WORD
        ).fit([lemmas(text) for text in texts])
        self._documents = self._vectors(texts)
        labels = np.array([skill_id for _text, skill_id in documents])
        self._skills = [skill_id for skill_id, _name in skills]
        self._columns = [np.flatnonzero(labels == skill_id) for skill_id in self._skills]

    def _vectors(self, texts: Sequence[str]) -> csr_matrix:
        characters = self._characters.transform([content_words(text) for text in texts])
        by_lemma = self._lemmas.transform([lemmas(text) for text in texts])
        return normalize(hstack([characters, LEMMA_WEIGHT * by_lemma]).tocsr())

    def suggest(self, text: str, limit: int = TOP) -> list[Suggestion]:
        """The closest skills, best first; none for a text that shares little with any."""
        if not self._skills:
            return []
        similarity = (self._vectors([text]) @ self._documents.T).toarray()[0]
        scores = [float(np.sort(similarity[cols])[-NEAREST:].mean()) for cols in self._columns]
        ranked = sorted(zip(self._skills, scores, strict=True), key=lambda pair: -pair[1])
        return [
            Suggestion(skill, round(score, 3)) for skill, score in ranked[:limit] if score >= FLOOR
        ]


class Cache:
    """Fitted suggesters by catalogue (a provider of a database: a process may serve several,
    tests do), each kept while its key (counts and newest ids, cheap to read) stays the same;
    the least recently fitted go first past `size`."""

    def __init__(self, size: int = 256) -> None:
        self._size = size
        self._fitted: dict[Hashable, tuple[Hashable, Suggester]] = {}

    def get(self, catalogue: Hashable, key: Hashable) -> Suggester | None:
        kept = self._fitted.get(catalogue)
        return kept[1] if kept is not None and kept[0] == key else None

    def put(self, catalogue: Hashable, key: Hashable, suggester: Suggester) -> Suggester:
        self._fitted.pop(catalogue, None)
        self._fitted[catalogue] = (key, suggester)
        while len(self._fitted) > self._size:
            del self._fitted[next(iter(self._fitted))]
        return suggester


SUGGESTERS = Cache()

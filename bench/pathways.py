"""How well Ruche suggests the skill a learner's need is about, on a labelled French set.

    python -m bench.pathways

bench/data/needs_fr.csv holds needs as learners type them (typos, abbreviations, phone-style
French, short and long), each labelled with a skill of the demo catalogue. Held-out evaluation
by stratified k-fold cross-validation, repeated over several splits: each fold's texts get
their suggestions from a model that learnt from the other folds' texts and the skills' names
and descriptions (what the demo's curator wrote each covers), never from the fold itself.
Against a plain keyword baseline: the skills whose name and description share the most words
with the text (lowercase, accents stripped). The same is measured from the names alone, as a
catalogue without descriptions would be (`names_only_*`).

The suggester's design was tuned on needs_fr.csv, so its cross-validated figures flatter it.
bench/data/needs_fr_heldout.csv holds other needs, written before the last changes to the
suggester and never used to tune it: the model learns from all of needs_fr.csv and the
descriptions, and is measured on those (`heldout_*`), against the same baseline. Prints a table
and merges its keys into bench/results/pathways.json.
"""

from __future__ import annotations

import csv
import re
import statistics
import time
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from sklearn.model_selection import RepeatedStratifiedKFold

from bench.results_file import merge
from community.demo import SKILL_DESCRIPTIONS, SKILLS
from community.pathways.suggest import TOP, Suggester

HERE = Path(__file__).resolve().parent
NEEDS = HERE / "data" / "needs_fr.csv"
HELD_OUT = HERE / "data" / "needs_fr_heldout.csv"
RESULTS = HERE / "results" / "pathways.json"
FOLDS = 5
REPEATS = 5  # five different splits into folds: one split alone moves the figures by +-0.03
SEED = 2026
Rank = Callable[[str], list[int]]  # a text -> skill indexes, best first


def labelled(path: Path = NEEDS) -> list[tuple[str, int]]:
    with path.open(encoding="utf-8") as rows:
        return [(row["text"], SKILLS.index(row["skill"])) for row in csv.DictReader(rows)]


def _words(text: str) -> set[str]:
    folded = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    return set(re.findall(r"\w+", folded))


def keyword_baseline(described: Mapping[str, str]) -> Rank:
    """Skills by the number of the words of their name (and description) found in the text;
    ties in catalogue order."""
    keywords = [_words(f"{name} {described.get(name, '')}") for name in SKILLS]

    def rank(text: str) -> list[int]:
        words = _words(text)
        shared = [len(known & words) for known in keywords]
        return sorted(range(len(SKILLS)), key=lambda skill: -shared[skill])

    return rank


def _hits(rank: Rank, tested: Sequence[tuple[str, int]]) -> tuple[int, int]:
    top1 = top3 = 0
    for text, skill in tested:
        ranked = rank(text)
        top1 += ranked[:1] == [skill]
        top3 += skill in ranked[:TOP]
    return top1, top3


def evaluate(described: Mapping[str, str]) -> dict[str, float | int]:
    needs = labelled()
    catalogue = list(enumerate(SKILLS))
    descriptions = [(described[name], index) for index, name in catalogue if name in described]
    baseline = keyword_baseline(described)
    folds = RepeatedStratifiedKFold(n_splits=FOLDS, n_repeats=REPEATS, random_state=SEED)
    top1 = top3 = base1 = base3 = 0
    fits: list[float] = []
    suggests: list[float] = []
    for learnt, held_out in folds.split(needs, [skill for _text, skill in needs]):
        started = time.perf_counter()
        suggester = Suggester(catalogue, [needs[i] for i in learnt], descriptions)
        fits.append(time.perf_counter() - started)

        def rank(text: str, suggester: Suggester = suggester) -> list[int]:
            started = time.perf_counter()
            found = suggester.suggest(text)
            suggests.append(time.perf_counter() - started)
            return [suggestion.skill_id for suggestion in found]

        tested = [needs[i] for i in held_out]
        hits = _hits(rank, tested)
        top1, top3 = top1 + hits[0], top3 + hits[1]
        base = _hits(baseline, tested)
        base1, base3 = base1 + base[0], base3 + base[1]
    count = len(needs) * REPEATS
    return {
        "texts": len(needs),
        "skills": len(SKILLS),
        "folds": FOLDS,
        "repeats": REPEATS,
        "top1_accuracy": round(top1 / count, 3),
        "top3_accuracy": round(top3 / count, 3),
        "baseline_top1_accuracy": round(base1 / count, 3),
        "baseline_top3_accuracy": round(base3 / count, 3),
        "suggest_ms": round(statistics.median(suggests) * 1000, 2),
        "suggest_p95_ms": round(statistics.quantiles(suggests, n=20)[-1] * 1000, 2),
        "fit_ms": round(statistics.median(fits) * 1000, 1),
    }


def evaluate_held_out(described: Mapping[str, str]) -> dict[str, float | int]:
    """Learnt from every tuning text, measured on texts the tuning never saw."""
    catalogue = list(enumerate(SKILLS))
    descriptions = [(described[name], index) for index, name in catalogue if name in described]
    suggester = Suggester(catalogue, labelled(), descriptions)
    tested = labelled(HELD_OUT)

    def rank(text: str) -> list[int]:
        return [suggestion.skill_id for suggestion in suggester.suggest(text)]

    top1, top3 = _hits(rank, tested)
    base1, base3 = _hits(keyword_baseline(described), tested)
    return {
        "heldout_texts": len(tested),
        "heldout_top1_accuracy": round(top1 / len(tested), 3),
        "heldout_top3_accuracy": round(top3 / len(tested), 3),
        "heldout_baseline_top1_accuracy": round(base1 / len(tested), 3),
        "heldout_baseline_top3_accuracy": round(base3 / len(tested), 3),
        "heldout_top3_margin": round((top3 - base3) / len(tested), 3),
    }


def table(results: dict[str, float | int]) -> str:
    rows = [
        ("texts / skills", f"{results['texts']} / {results['skills']}"),
        ("folds x repeats", f"{FOLDS} x {REPEATS}"),
        ("top-1 accuracy", results["top1_accuracy"]),
        ("top-3 accuracy (target >= 0.9)", results["top3_accuracy"]),
        ("keyword baseline, top-1", results["baseline_top1_accuracy"]),
        ("keyword baseline, top-3", results["baseline_top3_accuracy"]),
        ("suggest, median (ms)", results["suggest_ms"]),
        ("suggest, p95 (ms)", results["suggest_p95_ms"]),
        ("fit on one catalogue, median (ms)", results["fit_ms"]),
        ("names alone: top-3 accuracy", results["names_only_top3_accuracy"]),
        ("names alone: keyword baseline, top-3", results["names_only_baseline_top3_accuracy"]),
        ("held-out texts", results["heldout_texts"]),
        ("held-out: top-1 accuracy", results["heldout_top1_accuracy"]),
        ("held-out: top-3 accuracy", results["heldout_top3_accuracy"]),
        ("held-out: keyword baseline, top-3", results["heldout_baseline_top3_accuracy"]),
        ("held-out: top-3 margin over it", results["heldout_top3_margin"]),
    ]
    return "\n".join(f"{name:<36}{value!s:>16}" for name, value in rows)


if __name__ == "__main__":
    measured = evaluate(SKILL_DESCRIPTIONS) | evaluate_held_out(SKILL_DESCRIPTIONS)
    alone = evaluate({})
    for key in (
        "top1_accuracy",
        "top3_accuracy",
        "baseline_top1_accuracy",
        "baseline_top3_accuracy",
    ):
        measured[f"names_only_{key}"] = alone[key]
    merge(RESULTS, measured)
    print(table(measured))
    print(f"written to {RESULTS}")

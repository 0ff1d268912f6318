"""The results file several benchmarks share: each run adds or replaces its own keys only."""

from __future__ import annotations

import json

from bench.results_file import merge


def test_merging_keeps_the_keys_other_benchmarks_wrote(tmp_path):
    path = tmp_path / "results" / "live.json"
    merge(path, {"reconnect_10k_s": 12.5, "page_vs_plain_ratio": 0.01})
    merge(path, {"page_vs_plain_ratio": 0.12, "pages": {"sqlite": {"home": {"rps": 900}}}})
    assert json.loads(path.read_text()) == {
        "reconnect_10k_s": 12.5,
        "page_vs_plain_ratio": 0.12,
        "pages": {"sqlite": {"home": {"rps": 900}}},
    }
    assert [p.name for p in path.parent.iterdir()] == ["live.json"]  # no temporary file left

"""Property tests: whatever the answers and the threshold, no shown figure comes from fewer
than k answers, and nothing hidden can be worked out from what is shown."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from community import reports
from community.models import CourseSession, FeedbackAggregate

NOW = datetime(2027, 3, 1, 12, tzinfo=UTC)
DIMENSIONS = [(1, "usefulness"), (2, "pace")]


@st.composite
def answer_sets(draw):
    """Sessions, some still open, each with some answers rating every criterion."""
    sessions = []
    for n in range(draw(st.integers(1, 8))):
        ended = NOW - timedelta(days=draw(st.integers(0, 30)), hours=1)
        session = CourseSession(
            id=n + 1, iteration_id=1, title=f"S{n}", starts_at=ended - timedelta(hours=3),
            ends_at=ended,
        )  # fmt: skip
        values = draw(st.lists(st.lists(st.integers(1, 5), min_size=2, max_size=2), max_size=12))
        aggregates = []
        for column, (dimension_id, _name) in enumerate(DIMENSIONS):
            ratings = [answer[column] for answer in values]
            aggregates.append(
                FeedbackAggregate(
                    session_id=n + 1,
                    dimension_id=dimension_id,
                    count=len(ratings),
                    total=sum(ratings),
                    total_sq=sum(r * r for r in ratings),
                    **{f"h{v}": ratings.count(v) for v in range(1, 6)},
                )
            )
        rows: list[tuple[CourseSession, FeedbackAggregate | None]] = [
            (session, a) for a in aggregates if a.count
        ] or [(session, None)]
        sessions.append((session, len(values), rows))
    return sessions


@settings(max_examples=300, deadline=None)
@given(answer_sets(), st.integers(0, 12))
def test_no_shown_figure_from_fewer_than_k_answers(sessions, asked_k):
    rows = [row for _s, _n, session_rows in sessions for row in session_rows]
    summary = reports.build(DIMENSIONS, rows, asked_k, NOW)
    k = summary.k
    assert k >= 5 and k >= asked_k
    for result in summary.sessions:
        for stat in result.cells.values():
            assert stat.count >= k
    for stat in summary.totals.values():
        assert stat.count >= k
    csv_rows = list(csv.reader(io.StringIO(reports.to_csv(summary, "T", "G", french=False))))
    for row in csv_rows[1:]:
        assert row[5] != "shown" or int(row[6]) >= k


@settings(max_examples=300, deadline=None)
@given(answer_sets(), st.integers(0, 12))
def test_hidden_sessions_cannot_be_recomputed_from_totals(sessions, asked_k):
    rows = [row for _s, _n, session_rows in sessions for row in session_rows]
    summary = reports.build(DIMENSIONS, rows, asked_k, NOW)
    for dimension_id, _name in DIMENSIONS:
        shown = [r.cells[dimension_id] for r in summary.sessions if dimension_id in r.cells]
        total = summary.totals.get(dimension_id)
        if not shown:
            assert total is None
            continue
        # The total is exactly the sum of what is shown: subtracting leaves nothing hidden.
        assert total is not None
        assert total.count == sum(s.count for s in shown)
        assert total.total == sum(s.total for s in shown)
        assert total.total_sq == sum(s.total_sq for s in shown)
    for result in summary.sessions:
        closed = result.session.ends_at + timedelta(days=7) < NOW
        answered = next(n for s, n, _rows in sessions if s.id == result.session.id)
        assert result.unlocked == (closed and answered >= summary.k)
        assert bool(result.cells) == result.unlocked

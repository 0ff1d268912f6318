"""Test & learn: feedback aggregates that never show a figure drawn from fewer than k answers,
trends, iteration-vs-iteration comparisons with honest statistics.

Every view and every export goes through `summarise`. A session's results unlock once its
feedback window has closed and only if at least k learners answered; totals add up unlocked
sessions only, so a hidden session can never be recomputed as a total minus what is shown,
and totals grow by whole sessions of at least k answers at a time.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from scipy import stats as scipy_stats
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community.feedback import WINDOW, dimension_name, dimensions_of
from community.models import CourseSession, FeedbackAggregate, utcnow

MIN_THRESHOLD = 5
MIN_TO_CONCLUDE = 20  # answers on each side before a comparison says anything


@dataclass(frozen=True)
class Stat:
    """Running totals for some answers, and what they say."""

    count: int
    total: int
    total_sq: int
    histogram: tuple[int, int, int, int, int]

    @property
    def mean(self) -> float:
        return self.total / self.count

    @property
    def sd(self) -> float:
        if self.count < 2:
            return 0.0
        variance = (self.total_sq - self.total * self.total / self.count) / (self.count - 1)
        return math.sqrt(max(variance, 0.0))

    @property
    def ci95(self) -> tuple[float, float]:
        """The mean's 95% confidence interval (Student's t)."""
        if self.count < 2:
            return (self.mean, self.mean)
        half = scipy_stats.t.ppf(0.975, self.count - 1) * self.sd / math.sqrt(self.count)
        return (self.mean - half, self.mean + half)

    def __add__(self, other: Stat) -> Stat:
        return Stat(
            self.count + other.count,
            self.total + other.total,
            self.total_sq + other.total_sq,
            tuple(a + b for a, b in zip(self.histogram, other.histogram, strict=True)),  # type: ignore[arg-type]
        )


@dataclass
class SessionResult:
    session: CourseSession
    unlocked: bool  # window closed and at least k answers on every criterion
    cells: dict[int, Stat]  # empty while locked: nothing about it is shown


@dataclass
class Summary:
    k: int
    dimensions: list[tuple[int, str]]
    sessions: list[SessionResult] = field(default_factory=list)
    totals: dict[int, Stat] = field(default_factory=dict)

    @property
    def answers(self) -> int:
        """Answers behind the totals (every answer rates every criterion)."""
        return max((stat.count for stat in self.totals.values()), default=0)


def threshold(k: int | None) -> int:
    return max(MIN_THRESHOLD, k or MIN_THRESHOLD)


async def summarise(
    db: AsyncSession,
    training_id: int,
    iteration_ids: Iterable[int],
    k: int,
    now: datetime | None = None,
) -> Summary:
    """The one aggregation behind every report, chart, comparison and export."""
    now = now or utcnow()
    k = threshold(k)
    dimensions = await dimensions_of(db, training_id)
    summary = Summary(k, [(d.id or 0, dimension_name(d)) for d in dimensions])
    wanted = {dimension_id for dimension_id, _name in summary.dimensions}
    rows = await db.exec(
        select(CourseSession, FeedbackAggregate)
        .outerjoin(FeedbackAggregate, col(FeedbackAggregate.session_id) == CourseSession.id)
        .where(col(CourseSession.iteration_id).in_(list(iteration_ids)))
        .order_by(col(CourseSession.starts_at))
    )
    by_session: dict[int, tuple[CourseSession, dict[int, Stat]]] = {}
    for session, aggregate in rows:
        cells = by_session.setdefault(session.id or 0, (session, {}))[1]
        if aggregate is not None and aggregate.dimension_id in wanted:
            cells[aggregate.dimension_id] = _stat(aggregate)
    for session, cells in by_session.values():
        closed = session.ends_at + WINDOW < now
        enough = bool(cells) and all(cells.get(d, _EMPTY).count >= k for d in wanted)
        unlocked = closed and enough
        summary.sessions.append(SessionResult(session, unlocked, cells if unlocked else {}))
        if unlocked:
            for dimension_id, stat in cells.items():
                summary.totals[dimension_id] = summary.totals.get(dimension_id, _EMPTY) + stat
    return summary


_EMPTY = Stat(0, 0, 0, (0, 0, 0, 0, 0))


def _stat(row: FeedbackAggregate) -> Stat:
    return Stat(row.count, row.total, row.total_sq, (row.h1, row.h2, row.h3, row.h4, row.h5))


@dataclass(frozen=True)
class Comparison:
    before: Stat | None
    after: Stat | None
    difference: float | None = None
    difference_ci: tuple[float, float] | None = None
    p_value: float | None = None

    @property
    def conclusive(self) -> bool:
        return self.p_value is not None

    @property
    def direction(self) -> str:
        """'up', 'down', 'same' (no difference shown), or 'too_few' to conclude."""
        if self.p_value is None or self.difference is None:
            return "too_few"
        if self.p_value >= 0.05:
            return "same"
        return "up" if self.difference > 0 else "down"


def compare(before: Stat | None, after: Stat | None) -> Comparison:
    """Welch's t-test from the running totals, and the difference's 95% interval."""
    if (
        before is None
        or after is None
        or before.count < MIN_TO_CONCLUDE
        or after.count < MIN_TO_CONCLUDE
    ):
        return Comparison(before, after)
    difference = after.mean - before.mean
    v1, v2 = before.sd**2 / before.count, after.sd**2 / after.count
    se = math.sqrt(v1 + v2)
    if se == 0:
        return Comparison(
            before, after, difference, (difference, difference), 1.0 if difference == 0 else 0.0
        )
    df = (v1 + v2) ** 2 / (v1**2 / (before.count - 1) + v2**2 / (after.count - 1))
    half = scipy_stats.t.ppf(0.975, df) * se
    result = scipy_stats.ttest_ind_from_stats(
        after.mean, after.sd, after.count, before.mean, before.sd, before.count, equal_var=False
    )
    return Comparison(
        before, after, difference, (difference - half, difference + half), float(result.pvalue)
    )

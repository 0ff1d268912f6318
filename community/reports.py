"""Test & learn: feedback aggregates that never show a figure drawn from fewer than k answers,
trends, iteration-vs-iteration comparisons with honest statistics.

Every view and every export goes through `summarise`. A session's results unlock once its
feedback window has closed and only if at least k learners answered; totals add up unlocked
sessions only, so a hidden session can never be recomputed as a total minus what is shown,
and totals grow by whole sessions of at least k answers at a time.
"""

from __future__ import annotations

import csv
import functools
import io
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from scipy import stats as scipy_stats
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community.feedback import (
    DEFAULT_DIMENSIONS,
    WINDOW,
    dimension_name,
    dimensions_of,
    response_rates,
)
from community.models import (
    CourseSession,
    FeedbackAggregate,
    FeedbackAnswer,
    FeedbackDimension,
    Iteration,
    Provider,
    Training,
    utcnow,
)
from community.trainings import IterationView

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
        half = _t975(self.count - 1) * self.sd / math.sqrt(self.count)
        return (self.mean - half, self.mean + half)

    def __add__(self, other: Stat) -> Stat:
        return Stat(
            self.count + other.count,
            self.total + other.total,
            self.total_sq + other.total_sq,
            tuple(a + b for a, b in zip(self.histogram, other.histogram, strict=True)),  # type: ignore[arg-type]
        )


@functools.lru_cache(maxsize=4096)
def _t975(degrees_of_freedom: float) -> float:
    """Student's 97.5th percentile: the same few values again and again across a report."""
    return float(scipy_stats.t.ppf(0.975, degrees_of_freedom))


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

    def by_week(self) -> list[tuple[date, dict[int, Stat]]]:
        """Unlocked sessions added up per week (Monday first): the trend over the weeks."""
        weeks: dict[date, dict[int, Stat]] = {}
        for result in self.sessions:
            if not result.unlocked:
                continue
            day = result.session.starts_at.date()
            cells = weeks.setdefault(day - timedelta(days=day.weekday()), {})
            for dimension_id, stat in result.cells.items():
                cells[dimension_id] = cells.get(dimension_id, _EMPTY) + stat
        return sorted(weeks.items())

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
    dimensions = await dimensions_of(db, training_id)
    rows = await db.exec(
        select(CourseSession, FeedbackAggregate)
        .outerjoin(FeedbackAggregate, col(FeedbackAggregate.session_id) == CourseSession.id)
        .where(col(CourseSession.iteration_id).in_(list(iteration_ids)))
        .order_by(col(CourseSession.starts_at))
    )
    named = [(d.id or 0, dimension_name(d)) for d in dimensions]
    return build(named, list(rows), k, now or utcnow())


def build(
    dimensions: list[tuple[int, str]],
    rows: list[tuple[CourseSession, FeedbackAggregate | None]],
    k: int,
    now: datetime,
) -> Summary:
    """Decide what may be shown, from running totals alone (the rule, without the database)."""
    summary = Summary(threshold(k), dimensions)
    wanted = {dimension_id for dimension_id, _name in dimensions}
    by_session: dict[int, tuple[CourseSession, dict[int, Stat]]] = {}
    for session, aggregate in rows:
        cells = by_session.setdefault(session.id or 0, (session, {}))[1]
        if aggregate is not None and aggregate.dimension_id in wanted:
            cells[aggregate.dimension_id] = _stat(aggregate)
    for session, cells in by_session.values():
        closed = session.ends_at + WINDOW < now
        enough = all(cells.get(d, _EMPTY).count >= summary.k for d in wanted)
        unlocked = closed and bool(wanted) and enough
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
    half = _t975(df) * se
    result = scipy_stats.ttest_ind_from_stats(
        after.mean, after.sd, after.count, before.mean, before.sd, before.count, equal_var=False
    )
    return Comparison(
        before, after, difference, (difference - half, difference + half), float(result.pvalue)
    )


async def published_comments(db: AsyncSession, summary: Summary) -> list[tuple[str, str]]:
    """Comments reviewed and published, from unlocked sessions only: (session, text)."""
    unlocked = {r.session.id: r.session.title for r in summary.sessions if r.unlocked}
    if not unlocked:
        return []
    rows = await db.exec(
        select(FeedbackAnswer.session_id, FeedbackAnswer.comment)
        .where(
            col(FeedbackAnswer.session_id).in_(list(unlocked)),
            FeedbackAnswer.comment_status == "published",
        )
        .order_by(col(FeedbackAnswer.session_id), col(FeedbackAnswer.comment))
    )
    return [(unlocked[session_id], comment) for session_id, comment in rows]


@dataclass(frozen=True)
class ComparisonRow:
    name: str
    comparison: Comparison


async def compare_groups(
    db: AsyncSession, provider: Provider, first: IterationView, second: IterationView
) -> list[ComparisonRow]:
    training_id = first.training.id or 0
    k = provider.anonymity_threshold
    before = await summarise(db, training_id, [first.iteration.id or 0], k)
    after = await summarise(db, training_id, [second.iteration.id or 0], k)
    return [
        ComparisonRow(name, compare(before.totals.get(key), after.totals.get(key)))
        for key, name in before.dimensions
    ]


async def compare_formats(
    db: AsyncSession, provider: Provider, first: str, second: str
) -> list[ComparisonRow]:
    """Pools every group of each format, criterion by criterion (the default criteria only:
    custom ones mean different things in different trainings)."""
    pooled = [await _pool(db, provider, first), await _pool(db, provider, second)]
    return [
        ComparisonRow(_default_name(key), compare(pooled[0].get(key), pooled[1].get(key)))
        for key in DEFAULT_DIMENSIONS
    ]


async def _pool(db: AsyncSession, provider: Provider, pedagogy: str) -> dict[str, Stat]:
    totals: dict[str, Stat] = {}
    chosen = select(Training).where(
        Training.provider_id == provider.id, Training.format == pedagogy
    )
    for training in await db.exec(chosen):
        groups = select(Iteration.id).where(Iteration.training_id == training.id)
        ids = [i for i in await db.exec(groups) if i is not None]
        summary = await summarise(db, training.id or 0, ids, provider.anonymity_threshold)
        keys = {d.id: d.key for d in await dimensions_of(db, training.id or 0)}
        for dimension_id, stat in summary.totals.items():
            key = keys.get(dimension_id)
            if key:
                totals[key] = totals.get(key, _EMPTY) + stat
    return totals


def _default_name(key: str) -> str:
    return dimension_name(FeedbackDimension(training_id=0, key=key))


def to_csv(summary: Summary, training: str, group: str, *, french: bool) -> str:
    """One row per session and criterion; hidden figures stay empty and say why."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if french else ",", lineterminator="\r\n")
    writer.writerow(
        ["training", "group", "session", "date", "criterion", "status", "answers", "mean",
         "sd", "ci95_low", "ci95_high", "n1", "n2", "n3", "n4", "n5"]
    )  # fmt: skip
    number = _french_number if french else _plain_number
    for result in summary.sessions:
        session = result.session
        for dimension_id, name in summary.dimensions:
            base = [
                _cell(training), _cell(group), _cell(session.title),
                session.starts_at.date().isoformat(), _cell(name),
            ]  # fmt: skip
            stat = result.cells.get(dimension_id)
            if stat is None:
                writer.writerow([*base, f"hidden (fewer than {summary.k} answers or still open)"])
                continue
            low, high = stat.ci95
            writer.writerow(
                [*base, "shown", stat.count, number(stat.mean), number(stat.sd), number(low),
                 number(high), *stat.histogram]
            )  # fmt: skip
    return out.getvalue()


def _cell(text: str) -> str:
    """Spreadsheets run cells that start like a formula: make them plain text."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r", "\0") else text


def _plain_number(value: float) -> str:
    return f"{value:.2f}"


def _french_number(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


@dataclass(frozen=True)
class Collected:
    """What a group's feedback amounted to over a period: for the audit record."""

    training: Training
    iteration: Iteration
    sessions: int
    answered: int
    possible: int
    unlocked: int

    @property
    def rate(self) -> float:
        return self.answered / self.possible if self.possible else 0.0


async def collected(
    db: AsyncSession,
    provider: Provider,
    training: Training,
    iteration: Iteration,
    start: date,
    end: date,
) -> Collected | None:
    rates = await response_rates(db, iteration.id or 0)
    summary = await summarise(
        db, training.id or 0, [iteration.id or 0], provider.anonymity_threshold
    )
    within = [r for r in summary.sessions if start <= r.session.starts_at.date() <= end]
    if not within:
        return None
    counts = [rates.get(r.session.id or 0, (0, 0)) for r in within]
    return Collected(
        training,
        iteration,
        sessions=len(within),
        answered=sum(a for a, _n in counts),
        possible=sum(n for _a, n in counts),
        unlocked=sum(1 for r in within if r.unlocked),
    )

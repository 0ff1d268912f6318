"""Test & learn: feedback aggregates that never show a figure drawn from fewer than k answers.

Every view and every export goes through `summarise`. A session's results unlock once its
feedback window has closed and only if at least k learners answered; totals add up unlocked
sessions only, so a hidden session can never be recomputed as a total minus what is shown,
and totals grow by whole sessions of at least k answers at a time.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from scipy import stats as scipy_stats
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community.feedback import WINDOW, dimension_name, dimensions_of, preparation_of
from community.models import (
    CommentStatus,
    CourseSession,
    FeedbackAggregate,
    FeedbackAnswer,
    FeedbackPending,
    utcnow,
)
from community.moments import shifted

SCALE = (1, 5)  # the ratings' scale (`feedback.Rating`)
MIN_THRESHOLD = 5  # the floor: no provider may show figures from fewer answers
MAX_THRESHOLD = 50


@dataclass(frozen=True)
class Stat:
    """Running totals for some answers, and what they say."""

    count: int
    total: int
    total_sq: int
    histogram: tuple[int, ...]  # how many answered 1, 2, 3, 4, 5

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
        """The mean's 95% confidence interval (Student's t), within the scale: a mean of
        ratings from 1 to 5 lies nowhere else, however few the answers."""
        if self.count < 2:
            return (self.mean, self.mean)
        half = t975(self.count - 1) * self.sd / math.sqrt(self.count)
        return (max(self.mean - half, SCALE[0]), min(self.mean + half, SCALE[1]))

    def __add__(self, other: Stat) -> Stat:
        return Stat(
            self.count + other.count,
            self.total + other.total,
            self.total_sq + other.total_sq,
            tuple(a + b for a, b in zip(self.histogram, other.histogram, strict=True)),
        )


@functools.lru_cache(maxsize=4096)
def t975(degrees_of_freedom: float) -> float:
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
                cells[dimension_id] = cells.get(dimension_id, NO_ANSWERS) + stat
        return sorted(weeks.items())

    @property
    def answers(self) -> int:
        """Answers behind the totals (every answer rates every criterion)."""
        return max((stat.count for stat in self.totals.values()), default=0)


def threshold(k: int | None) -> int:
    """The k in force: the provider's, never below the floor."""
    return max(MIN_THRESHOLD, k or MIN_THRESHOLD)


def shown(count: int, k: int | None) -> bool:
    """The rule of every published figure: drawn from at least k people, k never below the
    floor. Totals then add up shown figures only, so that none hidden is their difference."""
    return count >= threshold(k)


async def summarise(
    db: AsyncSession,
    training_id: int,
    iteration_ids: Iterable[int],
    k: int,
    now: datetime | None = None,
) -> Summary:
    """The one aggregation behind every report, chart, comparison and export."""
    dimensions = await dimensions_of(db, training_id)
    preparation = await preparation_of(db, training_id)
    optional = frozenset({preparation.id or 0}) if preparation and preparation.active else None
    dimensions += [preparation] if preparation and optional else []
    rows = await db.exec(
        select(CourseSession, FeedbackAggregate)
        .outerjoin(FeedbackAggregate, col(FeedbackAggregate.session_id) == CourseSession.id)
        .where(col(CourseSession.iteration_id).in_(list(iteration_ids)))
        .order_by(col(CourseSession.starts_at))
    )
    # A closed session whose last answers still wait for the mixer (a round at most) shows
    # nothing yet: shown now, its figures would then move by fewer than k answers.
    waiting = set(await db.exec(select(FeedbackPending.session_id).distinct()))
    settled = [(session, None if session.id in waiting else row) for session, row in rows]
    named = [(d.id or 0, dimension_name(d)) for d in dimensions]
    return build(named, settled, k, now or utcnow(), optional or frozenset())


def build(
    dimensions: list[tuple[int, str]],
    rows: list[tuple[CourseSession, FeedbackAggregate | None]],
    k: int,
    now: datetime,
    optional: frozenset[int] = frozenset(),
) -> Summary:
    """Decide what may be shown, from running totals alone (the rule, without the database).
    An `optional` criterion (the preparation, asked only where there was a capsule) counts
    for the sessions that were rated on it, under the same k rule as every other."""
    summary = Summary(threshold(k), dimensions)
    wanted = {dimension_id for dimension_id, _name in dimensions}
    by_session: dict[int, tuple[CourseSession, dict[int, Stat]]] = {}
    for session, aggregate in rows:
        cells = by_session.setdefault(session.id or 0, (session, {}))[1]
        if aggregate is not None and aggregate.dimension_id in wanted:
            cells[aggregate.dimension_id] = _stat(aggregate)
    for session, cells in by_session.values():
        closed = shifted(session.ends_at, WINDOW) < now
        asked = {d for d in wanted if d in cells or d not in optional}
        enough = all(shown(cells.get(d, NO_ANSWERS).count, summary.k) for d in asked)
        unlocked = closed and bool(wanted) and enough
        summary.sessions.append(SessionResult(session, unlocked, cells if unlocked else {}))
        if unlocked:
            for dimension_id, stat in cells.items():
                summary.totals[dimension_id] = summary.totals.get(dimension_id, NO_ANSWERS) + stat
    return summary


NO_ANSWERS = Stat(0, 0, 0, (0, 0, 0, 0, 0))


def _stat(row: FeedbackAggregate) -> Stat:
    return Stat(row.count, row.total, row.total_sq, (row.h1, row.h2, row.h3, row.h4, row.h5))


async def published_comments(db: AsyncSession, summary: Summary) -> list[tuple[str, str]]:
    """Comments reviewed and published, from unlocked sessions only: (session, text)."""
    unlocked = {r.session.id: r.session.title for r in summary.sessions if r.unlocked}
    if not unlocked:
        return []
    rows = await db.exec(
        select(FeedbackAnswer.session_id, FeedbackAnswer.comment)
        .where(
            col(FeedbackAnswer.session_id).in_(list(unlocked)),
            FeedbackAnswer.comment_status == CommentStatus.PUBLISHED,
        )
        .order_by(col(FeedbackAnswer.session_id), col(FeedbackAnswer.comment))
    )
    return [(unlocked[session_id], comment) for session_id, comment in rows]

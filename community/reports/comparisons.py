"""Comparisons with honest statistics: one group against another of the same training, or
one pedagogical format against another across the provider."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from scipy import stats as scipy_stats
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import forms, permissions
from community.errors import NotFound
from community.feedback import DEFAULT_DIMENSIONS, dimension_name, dimensions_of
from community.i18n import _
from community.models import FeedbackDimension, Iteration, Provider, Training, TrainingFormat, User
from community.reports.publication import ReportView, summary_of
from community.reports.summaries import NO_ANSWERS, SCALE, Stat, summarise, t975
from community.trainings import provider_of

MIN_TO_CONCLUDE = 20  # answers on each side before a comparison says anything
SIGNIFICANCE = 0.05


class Verdict(StrEnum):
    """What a comparison says about the change from before to after."""

    UP = "up"
    DOWN = "down"
    SAME = "same"  # no difference shown
    TOO_FEW = "too_few"  # not enough answers to conclude

    @property
    def label(self) -> str:
        return {
            Verdict.UP: _("improved"),
            Verdict.DOWN: _("worse"),
            Verdict.SAME: _("no difference shown"),
            Verdict.TOO_FEW: _("not enough answers to conclude"),
        }[self]


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
    def direction(self) -> Verdict:
        if self.p_value is None or self.difference is None:
            return Verdict.TOO_FEW
        if self.p_value >= SIGNIFICANCE:
            return Verdict.SAME
        return Verdict.UP if self.difference > 0 else Verdict.DOWN


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
    half = t975(df) * se
    widest = SCALE[1] - SCALE[0]  # two means on the scale differ by no more than its width
    result = scipy_stats.ttest_ind_from_stats(
        after.mean, after.sd, after.count, before.mean, before.sd, before.count, equal_var=False
    )
    interval = (max(difference - half, -widest), min(difference + half, widest))
    return Comparison(before, after, difference, interval, float(result.pvalue))


@dataclass(frozen=True)
class ComparisonRow:
    name: str
    comparison: Comparison


async def compare_groups(
    db: AsyncSession, first: ReportView, second: ReportView
) -> list[ComparisonRow]:
    """Two groups of one training, criterion by criterion; both reports must be readable.
    Groups of different trainings are rated on different criteria: the reader is told so."""
    chosen = {"a": f"it:{first.group.iteration_id}", "b": f"it:{second.group.iteration_id}"}
    if first.group.iteration_id == second.group.iteration_id:
        raise forms.FormError({"compare": _("Choose two different groups.")}, chosen)
    if first.group.training.id != second.group.training.id:
        message = _(
            "Choose two groups of the same training: groups of different trainings are not "
            "rated on the same criteria."
        )
        raise forms.FormError({"compare": message}, chosen)
    before = await summary_of(db, first)
    after = await summary_of(db, second)
    return [
        ComparisonRow(name, compare(before.totals.get(key), after.totals.get(key)))
        for key, name in before.dimensions
    ]


async def compare_formats(
    db: AsyncSession, user: User, first: TrainingFormat, second: TrainingFormat
) -> list[ComparisonRow]:
    """Pools every group of each format, criterion by criterion (the default criteria only:
    custom ones mean different things in different trainings)."""
    provider = await provider_of(db, user)
    if provider is None or not permissions.can_compare_formats(user, provider.id or 0):
        raise NotFound
    if first == second:
        chosen = {"a": f"format:{first}", "b": f"format:{second}"}
        raise forms.FormError({"formats": _("Choose two different formats.")}, chosen)
    pooled = [await _pool(db, provider, first), await _pool(db, provider, second)]
    return [
        ComparisonRow(_default_name(key), compare(pooled[0].get(key), pooled[1].get(key)))
        for key in DEFAULT_DIMENSIONS
    ]


async def _pool(db: AsyncSession, provider: Provider, pedagogy: TrainingFormat) -> dict[str, Stat]:
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
                totals[key] = totals.get(key, NO_ANSWERS) + stat
    return totals


def _default_name(key: str) -> str:
    return dimension_name(FeedbackDimension(training_id=0, key=key))

"""“You said, we did”: improvement actions, their measured effect, and the learners' feed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

import realtime
from community import forms, parsing, permissions, reports
from community.errors import Forbidden
from community.feedback import dimension_name
from community.i18n import _
from community.models import (
    FeedbackDimension,
    ImprovementAction,
    Iteration,
    Provider,
    Training,
    User,
)
from community.templating import refetch_nudge
from community.trainings import iterations_of, live_channel

FIELDS = (
    forms.Text("said", max_length=500, multiline=True),
    forms.Text("decision", max_length=500, multiline=True),
    forms.Text("owner", max_length=80),
    forms.Day("due_on"),
)


@dataclass(frozen=True)
class Effect:
    action: ImprovementAction
    dimension: str | None
    comparison: reports.Comparison | None


async def record(
    db: AsyncSession, user: User, report: reports.ReportView, data: dict[str, str]
) -> ImprovementAction:
    """An improvement decided from this group's report, for a later group of the training:
    that group's page shows it to its learners at once."""
    provider = report.provider
    if not permissions.can_record_improvement(user, provider.id or 0):
        raise Forbidden
    errors: dict[str, str] = {}
    values = forms.collect(data, errors, *FIELDS)
    baseline = report.group.iteration
    target = await _iteration_of(db, report, data.get("iteration_id"))
    if target is None:
        errors["iteration_id"] = _("Choose one of the options.")
    elif baseline.training_id != target.training_id:
        errors["iteration_id"] = _("Choose a group of the same training.")
    dimension = await _dimension_of(db, target, data.get("dimension_id"))
    if data.get("dimension_id") and dimension is None:
        errors["dimension_id"] = _("Choose one of the options.")
    if errors:
        raise forms.FormError(errors, data)
    assert target is not None
    action = ImprovementAction(
        provider_id=provider.id or 0,
        baseline_iteration_id=baseline.id or 0,
        iteration_id=target.id or 0,
        dimension_id=dimension.id if dimension else None,
        created_by=user.id or 0,
        **values,
    )
    db.add(action)
    await db.flush()
    target_id = target.id or 0
    # A nudge, not the feed itself: each learner's page fetches it in their own language.
    nudge = refetch_nudge(f"actions-{target_id}", f"/iterations/{target_id}")
    await realtime.append(db, live_channel(target_id), nudge)
    return action


async def _iteration_of(
    db: AsyncSession, report: reports.ReportView, raw: str | None
) -> Iteration | None:
    """A group of the report's provider, from the form."""
    iteration_id = parsing.ident(raw)
    if iteration_id is None:
        return None
    iteration = await db.get(Iteration, iteration_id)
    training = await db.get(Training, iteration.training_id) if iteration else None
    return (
        iteration if training is not None and training.provider_id == report.provider.id else None
    )


async def _dimension_of(
    db: AsyncSession, iteration: Iteration | None, raw: str | None
) -> FeedbackDimension | None:
    dimension_id = parsing.ident(raw)
    if iteration is None or dimension_id is None:
        return None
    dimension = await db.get(FeedbackDimension, dimension_id)
    return dimension if dimension and dimension.training_id == iteration.training_id else None


async def for_iteration(db: AsyncSession, iteration_id: int) -> list[ImprovementAction]:
    query = (
        select(ImprovementAction)
        .where(ImprovementAction.iteration_id == iteration_id)
        .order_by(col(ImprovementAction.id).desc())
    )
    return list(await db.exec(query))


async def linked_to(db: AsyncSession, iteration_id: int) -> list[ImprovementAction]:
    """Actions decided from this group's report, and actions that apply to it."""
    query = (
        select(ImprovementAction)
        .where(
            (col(ImprovementAction.iteration_id) == iteration_id)
            | (col(ImprovementAction.baseline_iteration_id) == iteration_id)
        )
        .order_by(col(ImprovementAction.id).desc())
    )
    return list(await db.exec(query))


async def effects(db: AsyncSession, actions: list[ImprovementAction], k: int) -> list[Effect]:
    """For each action, the change on its criterion from the baseline group to its group."""
    found = []
    for action in actions:
        dimension = (
            await db.get(FeedbackDimension, action.dimension_id) if action.dimension_id else None
        )
        if dimension is None:
            found.append(Effect(action, None, None))
            continue
        before = await reports.summarise(
            db, dimension.training_id, [action.baseline_iteration_id], k
        )
        after = await reports.summarise(db, dimension.training_id, [action.iteration_id], k)
        key = dimension.id or 0
        comparison = reports.compare(before.totals.get(key), after.totals.get(key))
        found.append(Effect(action, dimension_name(dimension), comparison))
    return found


@dataclass(frozen=True)
class OnReport:
    """What a report shows of improvements: the actions decided from it or applied to its
    group with their measured effect, and where this reader may apply a new one."""

    effects: list[Effect]
    can_record: bool
    targets: list[tuple[int, str]]


async def on_report(db: AsyncSession, user: User, report: reports.ReportView) -> OnReport:
    group = report.group
    actions = await linked_to(db, group.iteration.id or 0)
    shown = await effects(db, actions, report.provider.anonymity_threshold)
    if not permissions.can_record_improvement(user, report.provider.id or 0):
        return OnReport(shown, can_record=False, targets=[])
    targets = [
        (it.id or 0, it.name)
        for it in await iterations_of(db, group.training)
        if it.id != group.iteration.id
    ]
    return OnReport(shown, can_record=True, targets=targets)


async def decided_between(
    db: AsyncSession, provider: Provider, start: date, end: date
) -> list[Effect]:
    """Actions recorded over a period, with their measured effect: for the audit record."""
    query = (
        select(ImprovementAction)
        .where(ImprovementAction.provider_id == provider.id)
        .order_by(col(ImprovementAction.created_at))
    )
    actions = [a for a in await db.exec(query) if start <= a.created_at.date() <= end]
    return await effects(db, actions, provider.anonymity_threshold)

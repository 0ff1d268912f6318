"""Who reads which report, and what the provider decides about results: whether a group's
learners read theirs, and the threshold k behind every figure. Each decision is logged."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import forms, parsing, permissions
from community.errors import Forbidden, NotFound
from community.feedback import refresh_reports
from community.i18n import _
from community.models import (
    EnrolmentRole,
    Iteration,
    Provider,
    ReportAuditEntry,
    Training,
    User,
)
from community.reports.summaries import (
    MAX_THRESHOLD,
    MIN_THRESHOLD,
    Summary,
    summarise,
    threshold,
)
from community.trainings import IterationView, iteration_view, my_iterations, provider_of

# The publish form's two buttons: show the results to the group's learners, or stop.
SHOWN = {"1": True, "0": False}


class AuditAction(StrEnum):
    PUBLISH = "publish"
    UNPUBLISH = "unpublish"
    THRESHOLD = "threshold"


@dataclass(frozen=True)
class ReportView:
    """A group's report, as one reader may see it."""

    group: IterationView
    provider: Provider
    can_publish: bool


async def report_view(db: AsyncSession, user: User, iteration_id: int) -> ReportView:
    """The group's report, if this person may read it; NotFound otherwise, whoever asks."""
    group = await iteration_view(db, user, iteration_id)
    if not permissions.can_read_report(user, group.facts, group.iteration.results_published):
        raise NotFound
    provider = await db.get(Provider, group.training.provider_id)
    assert provider is not None
    return ReportView(group, provider, permissions.can_publish_report(user, provider.id or 0))


async def threshold_of(db: AsyncSession, provider_id: int) -> int:
    """The k in force for the provider's groups."""
    provider = await db.get(Provider, provider_id)
    return threshold(provider.anonymity_threshold if provider else None)


async def summary_of(db: AsyncSession, report: ReportView) -> Summary:
    group = report.group
    return await summarise(
        db, group.training.id or 0, [group.iteration.id or 0], report.provider.anonymity_threshold
    )


@dataclass(frozen=True)
class Index:
    """The reports a person follows, and what else the reports page offers them."""

    groups: list[tuple[Iteration, Training]]
    provider: Provider | None
    can_compare_formats: bool
    can_set_threshold: bool
    can_read_evidence: bool

    @property
    def default_pair(self) -> tuple[int, int] | None:
        """What the group comparison offers first: the two latest groups of the first
        training that has two, the earlier one as before."""
        by_training: dict[int, list[int]] = {}
        for iteration, training in self.groups:  # the latest group of each training first
            by_training.setdefault(training.id or 0, []).append(iteration.id or 0)
        pairs = [(ids[1], ids[0]) for ids in by_training.values() if len(ids) > 1]
        return pairs[0] if pairs else None


async def index(db: AsyncSession, user: User) -> Index:
    """Staff follow every group of their provider; trainers, the groups they teach."""
    provider = await provider_of(db, user)
    provider_id = (provider.id or 0) if provider else 0
    if provider is not None and permissions.can_follow_provider_reports(user, provider_id):
        groups = await provider_groups(db, provider_id)
    else:
        taught = await my_iterations(db, user)
        groups = [(it, tr) for it, tr, role in taught if role == EnrolmentRole.TRAINER]
    return Index(
        groups,
        provider,
        can_compare_formats=permissions.can_compare_formats(user, provider_id),
        can_set_threshold=permissions.can_set_anonymity_threshold(user, provider_id),
        can_read_evidence=permissions.can_read_evidence(user, provider_id),
    )


async def provider_groups(db: AsyncSession, provider_id: int) -> list[tuple[Iteration, Training]]:
    """Every group of the provider, training by training, the latest first."""
    rows = await db.exec(
        select(Iteration, Training)
        .join(Training, col(Training.id) == Iteration.training_id)
        .where(Training.provider_id == provider_id)
        .order_by(col(Training.title), col(Training.id), col(Iteration.starts_on).desc())
    )
    return list(rows)


async def publish(db: AsyncSession, user: User, report: ReportView, data: dict[str, str]) -> None:
    """Let the group's learners read its results, or stop."""
    if not permissions.can_publish_report(user, report.provider.id or 0):
        raise Forbidden
    choice = data.get("published", "")
    if choice not in SHOWN:
        raise forms.FormError({"published": _("Choose one of the options.")}, data)
    iteration = report.group.iteration
    iteration.results_published = SHOWN[choice]
    db.add(iteration)
    action = AuditAction.PUBLISH if iteration.results_published else AuditAction.UNPUBLISH
    await _log(db, user, report.provider, action, iteration_id=iteration.id)
    await refresh_reports(db, iteration.id or 0)


async def set_threshold(db: AsyncSession, user: User, data: dict[str, str]) -> None:
    """Providers may protect answers more (a higher k), never less than the floor."""
    provider = await provider_of(db, user)
    if provider is None:
        raise NotFound
    if not permissions.can_set_anonymity_threshold(user, provider.id or 0):
        raise Forbidden
    k = parsing.number(data.get("k"), MIN_THRESHOLD, MAX_THRESHOLD)
    if k is None:
        message = _(
            "Choose a number of answers from %(low)s to %(high)s.",
            low=MIN_THRESHOLD,
            high=MAX_THRESHOLD,
        )
        raise forms.FormError({"k": message}, data)
    before = provider.anonymity_threshold
    provider.anonymity_threshold = k
    db.add(provider)
    change = f"{before} → {provider.anonymity_threshold}"
    await _log(db, user, provider, AuditAction.THRESHOLD, change)
    for iteration, _training in await provider_groups(db, provider.id or 0):
        await refresh_reports(db, iteration.id or 0)


async def _log(
    db: AsyncSession,
    user: User,
    provider: Provider,
    action: AuditAction,
    detail: str = "",
    *,
    iteration_id: int | None = None,
) -> None:
    db.add(
        ReportAuditEntry(
            provider_id=provider.id or 0,
            iteration_id=iteration_id,
            actor_id=user.id or 0,
            action=action,
            detail=detail,
        )
    )
    await db.flush()

"""What leaves the app: CSV exports of a report, and the record for quality audits."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from community import permissions
from community.errors import NotFound
from community.feedback import response_rates
from community.models import Iteration, Provider, Training, User
from community.reports.publication import provider_groups
from community.reports.summaries import Summary, summarise
from community.trainings import provider_of


def to_csv(summary: Summary, training: str, group: str, *, french: bool) -> str:
    """One row per session and criterion; hidden figures stay empty and say why."""
    out = io.StringIO()
    writer = csv_writer(out, french=french)
    writer.writerow(
        ["training", "group", "session", "date", "criterion", "status", "answers", "mean",
         "sd", "ci95_low", "ci95_high", "n1", "n2", "n3", "n4", "n5"]
    )  # fmt: skip
    number = _french_number if french else _plain_number
    for result in summary.sessions:
        session = result.session
        for dimension_id, name in summary.dimensions:
            base = [
                safe_cell(training), safe_cell(group), safe_cell(session.title),
                session.starts_at.date().isoformat(), safe_cell(name),
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


def csv_writer(out: io.StringIO, *, french: bool) -> Any:
    """The exports' dialect: a French spreadsheet reads semicolons, others commas."""
    return csv.writer(out, delimiter=";" if french else ",", lineterminator="\r\n")


def safe_cell(text: str) -> str:
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


@dataclass(frozen=True)
class Evidence:
    """Feedback collected by the provider's groups over a period."""

    provider: Provider
    rows: list[Collected]


async def evidence(db: AsyncSession, user: User, start: date, end: date) -> Evidence:
    """The audit record covers the whole provider: for its staff only."""
    provider = await provider_of(db, user)
    if provider is None or not permissions.can_read_evidence(user, provider.id or 0):
        raise NotFound
    rows = []
    for iteration, training in await provider_groups(db, provider.id or 0):
        row = await collected(db, provider, training, iteration, start, end)
        if row is not None:
            rows.append(row)
    return Evidence(provider, rows)

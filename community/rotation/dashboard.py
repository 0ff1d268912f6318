"""The outcomes dashboard of a provider's rotation: departures, replacements, hours and
outcomes per company, per sector and per quarter, under the reports' rule (`reports.shown`):
no figure drawn from fewer than k departures, totals made of shown figures only.

Three cuts of the same departures would let a figure hidden in one cut be recomputed from
another (a sector's total minus its shown companies). So one set of departures is published
for all three: the largest in which every company, sector and quarter it touches holds at
least k of them, found by setting aside, round after round, the departures of cells below k.
Every table and total is drawn from that set alone; a departure set aside changes no figure."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import permissions
from community.errors import NotFound
from community.i18n import _
from community.models import Departure, OutcomeMoment, RotationCompany, User
from community.reports import exports as report_exports
from community.reports.publication import threshold_of
from community.reports.summaries import shown, threshold
from community.rotation import departures, outcomes, region

CUTS = ("company", "sector", "quarter")
FATE_KEYS = tuple(outcomes.FATES)


@dataclass(frozen=True)
class Fact:
    """One departure, as the dashboard counts it."""

    company: str
    sector: str
    quarter: str  # "2026-Q1": sorts in time order
    replaced: bool
    training_hours: int
    replacement_hours: int
    fates: tuple[str, ...] = ()  # the latest outcome recorded: the replacement's, the employee's


@dataclass
class Figures:
    departures: int = 0
    replacements: int = 0
    training_hours: int = 0
    replacement_hours: int = 0
    fates: Counter[str] = field(default_factory=Counter)

    def add(self, fact: Fact) -> None:
        self.departures += 1
        self.replacements += fact.replaced
        self.training_hours += fact.training_hours
        self.replacement_hours += fact.replacement_hours if fact.replaced else 0
        self.fates.update(fact.fates)


@dataclass(frozen=True)
class Cell:
    key: str
    figures: Figures | None  # None: hidden, fewer than k


@dataclass(frozen=True)
class Dashboard:
    k: int
    tables: dict[str, list[Cell]]
    total: Figures


def published(facts: Iterable[Fact], k: int) -> list[Fact]:
    """The largest set of departures whose every cell, in every cut, holds at least k."""
    kept = list(facts)
    while True:
        counts = {cut: Counter(getattr(f, cut) for f in kept) for cut in CUTS}
        still = [f for f in kept if all(shown(counts[c][getattr(f, c)], k) for c in CUTS)]
        if len(still) == len(kept):
            return kept
        kept = still


def build(facts: list[Fact], k: int | None) -> Dashboard:
    """What may be shown, from the departures alone (the rule, without the database)."""
    k_in_force = threshold(k)
    kept = published(facts, k_in_force)
    total = Figures()
    for fact in kept:
        total.add(fact)
    tables = {cut: _cells(cut, facts, kept) for cut in CUTS}
    return Dashboard(k_in_force, tables, total)


def _cells(cut: str, facts: list[Fact], kept: list[Fact]) -> list[Cell]:
    by_key: dict[str, Figures] = {}
    for fact in kept:
        by_key.setdefault(getattr(fact, cut), Figures()).add(fact)
    keys = sorted({getattr(f, cut) for f in facts})
    return [Cell(key, by_key.get(key)) for key in keys]


def quarter(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


async def facts_of(db: AsyncSession, provider_id: int) -> list[Fact]:
    query = (
        select(Departure, RotationCompany)
        .join(RotationCompany, col(RotationCompany.id) == Departure.company_id)
        .where(RotationCompany.provider_id == provider_id)
    )
    rows = list(await db.exec(query))
    ids = [d.id or 0 for d, _c in rows]
    done = await outcomes.recorded(db, ids)
    filled = await outcomes.replaced(db, ids)
    return [_fact(d, c, d.id in filled, done[d.id or 0]) for d, c in rows]


def _fact(departure: Departure, company: RotationCompany, replaced: bool, done: dict) -> Fact:
    check = departures.hour_check(departure)
    latest = done.get(OutcomeMoment.LATER) or done.get(OutcomeMoment.END)
    return Fact(
        company=company.name,
        sector=company.sector,
        quarter=quarter(departure.starts_on),
        replaced=replaced,
        training_hours=int(check.training_total),
        replacement_hours=int(check.replacement_total),
        fates=(latest.replacement, latest.employee) if latest else (),
    )


async def dashboard(db: AsyncSession, user: User, provider_id: int) -> Dashboard:
    allowed = await region.region_of(db, user)
    if not permissions.can_read_rotation_outcomes(user, provider_id, allowed):
        raise NotFound
    return build(await facts_of(db, provider_id), await threshold_of(db, provider_id))


def cut_names() -> dict[str, str]:
    return {"company": _("Company"), "sector": _("Sector"), "quarter": _("Quarter")}


def key_label(cut: str, key: str) -> str:
    """A cell's name as read: a quarter in the reader's words, a missing sector said so."""
    if cut == "quarter":
        year, number = key.split("-Q")
        return _("Q%(number)s %(year)s", number=number, year=year)
    if cut == "sector" and not key:
        return _("Sector not given")
    return key


COLUMNS = ("departures", "replacements", "training_hours", "replacement_hours")


def to_csv(board: Dashboard, *, french: bool) -> str:
    """One row per cut and cell; hidden cells stay empty and say why, as the reports' do."""
    out = io.StringIO()
    writer = report_exports.csv_writer(out, french=french)
    writer.writerow(["cut", "cell", "status", *COLUMNS, *FATE_KEYS])
    rows: list[tuple[str, Cell]] = [
        (cut, cell) for cut, cells in board.tables.items() for cell in cells
    ]
    rows.append(("all", Cell("", board.total)))
    for cut, cell in rows:
        base = [cut, report_exports.safe_cell(cell.key)]
        figures = cell.figures
        if figures is None:
            writer.writerow([*base, f"hidden (fewer than {board.k} departures)"])
            continue
        counts = [getattr(figures, name) for name in COLUMNS]
        fates = [figures.fates[key] for key in FATE_KEYS]
        writer.writerow([*base, "shown", *counts, *fates])
    return out.getvalue()

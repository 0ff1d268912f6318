"""The record of processing (GDPR art. 30) and what the public privacy page says, both read
from the areas' declarations (`Area.personal_data`): a new area's tables appear here by being
declared, in the reader's language."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass

from community import areas  # the module: it imports the views, which import this
from community.i18n import _, ngettext
from community.personal_data import Basis, Holding, OnErase
from community.reports.exports import safe_cell
from community.throttle import SIGN_IN_PER_ACCOUNT, SIGN_IN_PER_IP, SIGN_UP_PER_IP

# What each area is called for the people reading the record; an area missing here shows
# its code name (tests/test_privacy_pages.py fails on one that holds personal data).
AREA_TITLES: dict[str, Callable[[], str]] = {
    "pages": lambda: _("Live pages"),
    "accounts": lambda: _("Accounts"),
    "trainings": lambda: _("Trainings and groups"),
    "announcements": lambda: _("Announcements"),
    "projects": lambda: _("Collective projects"),
    "tutoring": lambda: _("Peer help"),
    "feedback": lambda: _("Session feedback"),
    "pulse": lambda: _("Live pulse"),
    "notifications": lambda: _("Notifications"),
    "reports": lambda: _("Reports"),
    "improvements": lambda: _("Improvements"),
    "exports": lambda: _("Download my data"),
    "erasure": lambda: _("Account deletion"),
    "mail": lambda: _("E-mail"),
    "digests": lambda: _("E-mail digests"),
    "skill_map": lambda: _("Skill map"),
    "pathways": lambda: _("My compass"),
    "flipped": lambda: _("Before the session"),
    "journal": lambda: _("Journal of work situations"),
    "rotation": lambda: _("Job rotation"),
    "vr": lambda: _("Virtual reality and 360°"),
}


@dataclass(frozen=True)
class Processing:
    """One line of the record, in the reader's language."""

    table: str
    what: str
    purpose: str
    basis: str
    data: str
    recipients: str
    retention: str
    enforced: bool  # the retention job removes what is past its time
    on_erase: str
    names_people: bool
    columns: tuple[str, ...] = ()  # `data` as the program names it: shown as code, not prose


@dataclass(frozen=True)
class Section:
    area: str
    processings: list[Processing]


def _of(holding: Holding) -> Processing:
    return Processing(
        table=holding.name,
        what=holding.what(),
        purpose=holding.purpose(),
        basis=holding.basis.label(),
        data=", ".join(holding.exported) or holding.what(),
        columns=holding.exported,
        recipients=holding.recipients(),
        retention=holding.retention.describe(),
        enforced=holding.retention.enforced,
        on_erase=holding.on_erase.label(),
        names_people=bool(holding.person),
    )


def _sign_in_attempts() -> Processing:
    """Not a table: counters in Redis (community/throttle.py), which expire by themselves."""
    limits = (SIGN_IN_PER_ACCOUNT, SIGN_IN_PER_IP, SIGN_UP_PER_IP)
    minutes = max(limit.seconds for limit in limits) // 60
    return Processing(
        table="redis: throttle",
        what=_("Counts of recent sign-in and sign-up attempts."),
        purpose=_("Slowing down anyone trying to guess passwords."),
        basis=Basis.LEGITIMATE_INTEREST.label(),
        data=_("The e-mail address typed and the network address, as names of counters."),
        recipients=_("Nobody: the app reads the counts only."),
        retention=ngettext(
            "%(num)d minute at most: they expire by themselves.",
            "%(num)d minutes at most: they expire by themselves.",
            minutes,
        ),
        enforced=False,  # Redis forgets them: nothing for the job to remove
        on_erase=OnErase.NOT_LINKED.label(),
        names_people=True,
    )


def title_of(area: str) -> str:
    title = AREA_TITLES.get(area)
    return title() if title else area


def record() -> list[Section]:
    """Every declared holding, grouped by the area that declares it, in the app's order."""
    sections = []
    for area in areas.AREAS:
        processings = [_of(holding) for holding in area.personal_data]
        if area.name == "accounts":
            processings.append(_sign_in_attempts())
        if processings:
            sections.append(Section(title_of(area.name), processings))
    return sections


def to_csv(sections: list[Section]) -> str:
    """RFC 4180: one row per processing, headed in the reader's language."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [_("Area"), _("Table"), _("Processing"), _("Purpose"), _("Legal basis"), _("Data"),
         _("Recipients"), _("Retention"), _("Removed by the retention job"), _("On deletion")]
    )  # fmt: skip
    for section in sections:
        for p in section.processings:
            cells = [section.area, p.table, p.what, p.purpose, p.basis, p.data, p.recipients,
                     p.retention, _("yes") if p.enforced else _("no"), p.on_erase]  # fmt: skip
            writer.writerow([safe_cell(cell) for cell in cells])
    return out.getvalue()

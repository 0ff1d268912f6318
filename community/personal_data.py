"""What Ruche holds about a person, declared once per table by the area that owns it.

Each area lists its `Holding`s in its declaration (`Area.personal_data`): the table, the
columns that name the person, what the rows are, why they are kept (purpose and legal basis
under the GDPR), for how long, and what becomes of them when the person deletes their
account. The archive a person downloads, the deletion of an account, the retention job, the
record of processing and the public privacy page are all read from these declarations, so a
new area is covered by declaring its tables (and `tests/test_personal_data.py` fails on a
table holding a user id that no area declares).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table
from sqlmodel.ext.asyncio.session import AsyncSession

from community.i18n import _

if TYPE_CHECKING:
    from community.settings import Settings

Text = Callable[[], str]  # a sentence in the reader's language, translated when shown
# A table's own way of forgetting what is due at `now`, in the caller's transaction: how many
# rows it removed.
Removal = Callable[[AsyncSession, datetime, "Settings"], Awaitable[int]]


class Basis(StrEnum):
    """The legal basis of a processing (GDPR art. 6.1)."""

    CONTRACT = "contract"  # the training the person signed up for
    LEGAL_OBLIGATION = "legal_obligation"
    LEGITIMATE_INTEREST = "legitimate_interest"
    CONSENT = "consent"

    def label(self) -> str:
        return {
            Basis.CONTRACT: _("Performance of the training contract (GDPR art. 6.1.b)"),
            Basis.LEGAL_OBLIGATION: _("Legal obligation (GDPR art. 6.1.c)"),
            Basis.LEGITIMATE_INTEREST: _("Legitimate interest (GDPR art. 6.1.f)"),
            Basis.CONSENT: _("Consent (GDPR art. 6.1.a)"),
        }[self]


class OnErase(StrEnum):
    """What deleting the person's account does to the rows that name them."""

    DELETE = "delete"  # the rows go with the account
    # The rows stay, in the shared space where others rely on them, under "former member":
    # the account row they point to keeps its id but loses every personal field.
    KEEP_AS_FORMER = "keep_as_former"
    NOT_LINKED = "not_linked"  # nothing in the rows names the person (anonymous by design)

    def label(self) -> str:
        return {
            OnErase.DELETE: _("Deleted with the account."),
            OnErase.KEEP_AS_FORMER: _(
                "Kept where others rely on it, under “former member”: the account loses its "
                "name, e-mail address and every personal field."
            ),
            OnErase.NOT_LINKED: _("Nothing to delete: it names nobody."),
        }[self]


@dataclass(frozen=True)
class Retention:
    """How long rows are kept, in words for the record, and when the retention job enforces
    it: rows whose `since` column is older than `after` are removed. `after=None` means as
    long as the account (or the shared space) exists, unless `removes` says otherwise: the
    table's own rule, for what a column and a delay cannot express."""

    describe: Text
    after: timedelta | None = None
    since: str = "created_at"
    removes: Removal | None = None

    @property
    def enforced(self) -> bool:
        """Whether the retention job removes anything from the table."""
        return self.after is not None or self.removes is not None


@dataclass(frozen=True)
class Holding:
    """One table's part of what Ruche holds about people."""

    table: Any  # a SQLModel table class, or a SQLAlchemy `Table`
    person: tuple[str, ...]  # the columns holding the id of the person the rows are about
    what: Text
    purpose: Text
    basis: Basis
    retention: Retention
    on_erase: OnErase
    recipients: Text
    # The columns a person receives in their archive: never another person's id.
    exported: tuple[str, ...] = ()

    @property
    def sql_table(self) -> Table:
        table = self.table if isinstance(self.table, Table) else self.table.__table__
        assert isinstance(table, Table)
        return table

    @property
    def name(self) -> str:
        return str(self.sql_table.name)


def as_long_as_the_account() -> str:
    return _("As long as the account exists.")


def as_long_as_the_space() -> str:
    return _("As long as the shared space exists; kept under “former member” after deletion.")


def trainers_of_the_group() -> str:
    return _("The person, the trainers of their group and the provider's staff.")


def members_of_the_space() -> str:
    return _("The members of the shared space, its trainers and the provider's staff.")


def nobody_else() -> str:
    return _("The person only.")

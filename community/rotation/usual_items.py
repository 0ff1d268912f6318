"""The usual items of an eligibility checklist, from the French schemes a rotation combines
(training leave, onboarding training funded before hiring): information, not legal advice."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from community.i18n import _
from community.models import Departure, EligibilityItem

# Training leave is asked 120 days ahead for a full-time training of six months or more,
# 60 days ahead otherwise; onboarding funded before hiring needs a contract of six months.
SIX_MONTHS = timedelta(days=183)
FULL_TIME = 35  # hours a week

USUAL: dict[str, Callable[[], str]] = {
    "leave_long": lambda: _(
        "Training leave asked of the employer 120 days before the training "
        "(full time, six months or more)."
    ),
    "leave_short": lambda: _(
        "Training leave asked of the employer 60 days before the training "
        "(part time, or under six months)."
    ),
    "onboarding": lambda: _(
        "Onboarding training funded before hiring: the offer posted at France Travail, "
        "a contract of six months or more."
    ),
    "short_contract": lambda: _(
        "The replacement contract lasts under six months: onboarding funding before hiring "
        "needs six. Chain two departures, or choose another scheme."
    ),
    "schemes": lambda: _(
        "The schemes of each party named: training leave, onboarding funding, "
        "the skills operator's co-funding."
    ),
}


def title(item: EligibilityItem) -> str:
    """An item as the reader reads it: a usual one in their language, or as it was typed."""
    usual = USUAL.get(item.kind)
    return usual() if usual else item.label


def usual_items(departure: Departure) -> list[EligibilityItem]:
    """The items every departure starts with, chosen from its dates and hours."""
    length = departure.ends_on - departure.starts_on
    long_leave = length >= SIX_MONTHS and departure.training_hours >= FULL_TIME
    ahead = timedelta(days=120 if long_leave else 60)
    kinds = [
        ("leave_long" if long_leave else "leave_short", departure.starts_on - ahead),
        ("onboarding" if length >= SIX_MONTHS else "short_contract", departure.starts_on),
        ("schemes", None),
    ]
    return [
        EligibilityItem(departure_id=departure.id or 0, kind=kind, due_on=due)
        for kind, due in kinds
    ]

"""Fields the rotation's forms share: a French postcode, weekly hours."""

from __future__ import annotations

import re
from dataclasses import dataclass

from community import forms, parsing
from community.i18n import _

POSTCODE = re.compile(r"[0-9]{5}")
# A week's hours past the legal maximum (48) are a typo.
MOST_HOURS = 48


@dataclass(frozen=True)
class Postcode(forms.Text):
    max_length: int = 5

    def clean(self, raw: str) -> str:
        value = super().clean(raw)
        if value and not POSTCODE.fullmatch(value):
            raise ValueError(_("Enter a postcode of five digits, such as 69003."))
        return value


@dataclass(frozen=True)
class Count(forms.Text):
    """A whole number from `low` to `high` (hours in a week, kilometres)."""

    max_length: int = 10
    low: int = 1
    high: int = MOST_HOURS

    def clean(self, raw: str) -> int | None:  # type: ignore[override]
        value = super().clean(raw)
        if not value:
            return None
        number = parsing.number(value, self.low, self.high)
        if number is None:
            raise ValueError(
                _("Enter a whole number from %(low)d to %(high)d.", low=self.low, high=self.high)
            )
        return number

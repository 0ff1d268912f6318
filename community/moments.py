"""Date arithmetic that stays inside the calendar: a date already stored may sit at either end
of it (typed before dates were checked, or imported), and its pages must still open."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TypeVar

D = TypeVar("D", date, datetime)


def shifted(moment: D, delta: timedelta) -> D:
    """`moment + delta`, held at the first or last representable moment instead of failing."""
    try:
        return moment + delta
    except OverflowError:
        end = type(moment).max if delta > timedelta(0) else type(moment).min
        if isinstance(moment, datetime) and isinstance(end, datetime):
            return end.replace(tzinfo=moment.tzinfo)
        return end

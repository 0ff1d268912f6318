"""The one strict reading of numbers, ids and choices that come from outside: an address, a
query parameter, a form field, a socket message. Anything else is refused, never guessed."""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum
from typing import TypeVar

from starlette.convertors import Convertor, register_url_convertor

# Ids are INTEGER columns on PostgreSQL (and kept there on SQLite): a larger number names
# nothing, and the database would refuse to even compare with it.
MAX_ID = 2_147_483_647
_DIGITS = re.compile(r"[0-9]{1,10}")  # ASCII only: `str.isdigit()` also takes "²" and "٣"

E = TypeVar("E", bound=StrEnum)


def number(raw: object, low: int, high: int) -> int | None:
    """ASCII digits within low..high, or None: no sign, no spaces, no other script's digits."""
    if not isinstance(raw, str) or not _DIGITS.fullmatch(raw):
        return None
    value = int(raw)
    return value if low <= value <= high else None


def ident(raw: object) -> int | None:
    """A row's id as a page sent it, or None when it cannot name a row."""
    return number(raw, 1, MAX_ID)


def ident_or_zero(raw: object) -> int:
    """For actions that say themselves that no such thing exists: 0 names no row."""
    return ident(raw) or 0


def choice(raw: object, enum: type[E]) -> E | None:
    """One of an enum's values, or None."""
    return enum(raw) if isinstance(raw, str) and raw in enum._value2member_map_ else None


def query_page(params: Mapping[str, str], name: str = "page", last: int = 100_000) -> int:
    """A page number in a list's address; anything that is not one shows the first page,
    which is what a person following a mangled link expects."""
    return number(params.get(name, ""), 1, last) or 1


def _at_most(limit: int) -> str:
    """A regular expression for the decimal numbers 1..limit, written without leading zeros,
    so that a route does not match (404) rather than fail on a number out of range."""
    digits = str(limit)
    shorter = f"[1-9][0-9]{{0,{len(digits) - 2}}}" if len(digits) > 1 else ""
    same_length = []
    for position, digit in enumerate(digits):
        lowest = 1 if position == 0 else 0
        below = int(digit) - 1
        if below >= lowest:
            rest = len(digits) - position - 1
            smaller = str(below) if below == lowest else f"[{lowest}-{below}]"
            tail = f"[0-9]{{{rest}}}" if rest else ""
            same_length.append(f"{digits[:position]}{smaller}{tail}")
    same_length.append(digits)
    return "|".join(filter(None, (shorter, *same_length)))


class IdConvertor(Convertor[int]):
    """`{name:id}` in a route: a row id, 1..MAX_ID in ASCII digits; anything else is a 404."""

    regex = f"(?:{_at_most(MAX_ID)})"

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        if not 1 <= value <= MAX_ID:
            raise ValueError("an id is between 1 and MAX_ID")
        return str(value)


class TokenConvertor(Convertor[str]):
    """`{name:token}` in a route: a random key such as `secrets.token_hex(16)` (32 characters
    at most, the column's length)."""

    regex = "[0-9a-f]{1,32}"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("id", IdConvertor())
register_url_convertor("token", TokenConvertor())

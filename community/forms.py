"""Form parsing: every field is checked and each problem gets a message in the user's language."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from starlette.exceptions import HTTPException

from community.i18n import DISPLAY_TIMEZONE, _, ngettext, show_date

EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
# C0 controls but tab, line feed and carriage return (whitespace, kept in multiline text and
# made spaces elsewhere), DEL, C1 controls and lone surrogates: refused in every field.
# None is anything a person means to type, NUL cannot be stored by PostgreSQL, and the rest
# would reach pages, exports and logs unseen.
CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9_-]{1,40}")
# Dates people type for a training: from 2000 to 2099. Anything else is a typo (9999, 0001),
# and this range keeps every computation on dates (periods, weeks, trends) far from the ends
# of the calendar, where it would overflow.
EARLIEST = date(2000, 1, 1)
LATEST = date(2099, 12, 31)


class FormError(Exception):
    """Input that cannot be accepted; `errors` maps a field name to its message."""

    def __init__(self, errors: dict[str, str], values: Mapping[str, str] | None = None) -> None:
        super().__init__(errors)
        self.errors = errors
        self.values = dict(values or {})


@dataclass(frozen=True)
class Text:
    """A text field: trimmed, with a length limit; optional ones may be empty."""

    name: str
    max_length: int
    required: bool = True
    min_length: int = 0
    multiline: bool = False

    def clean(self, raw: str) -> str:
        refuse_controls(raw)
        value = raw.strip() if self.multiline else " ".join(raw.split())
        if not value:
            if self.required:
                raise ValueError(_("This field is required."))
            return value
        if len(value) > self.max_length:
            raise ValueError(
                ngettext(
                    "At most %(num)d character.", "At most %(num)d characters.", self.max_length
                )
            )
        if len(value) < self.min_length:
            raise ValueError(
                ngettext(
                    "At least %(num)d character.", "At least %(num)d characters.", self.min_length
                )
            )
        return value


@dataclass(frozen=True)
class Email(Text):
    max_length: int = 254

    def clean(self, raw: str) -> str:
        value = super().clean(raw).lower()
        if value and not EMAIL.match(value):
            raise ValueError(_("Enter a valid email address, such as nom@exemple.fr."))
        return value


@dataclass(frozen=True)
class Password(Text):
    max_length: int = 128
    min_length: int = 10

    def clean(self, raw: str) -> str:
        # Passwords are taken as typed: spaces count.
        refuse_controls(raw)
        if not raw:
            raise ValueError(_("This field is required."))
        if len(raw) > self.max_length:
            raise ValueError(
                ngettext(
                    "At most %(num)d character.", "At most %(num)d characters.", self.max_length
                )
            )
        if len(raw) < self.min_length:
            raise ValueError(
                ngettext(
                    "At least %(num)d character.", "At least %(num)d characters.", self.min_length
                )
            )
        return raw


@dataclass(frozen=True)
class Choice(Text):
    choices: tuple[str, ...] = ()
    max_length: int = 40

    def clean(self, raw: str) -> str:
        value = super().clean(raw)
        if value and value not in self.choices:
            raise ValueError(_("Choose one of the options."))
        return value


@dataclass(frozen=True)
class Day(Text):
    max_length: int = 40  # longer input is reported as "not a date", which it is

    def clean(self, raw: str) -> date | None:  # type: ignore[override]
        value = super().clean(raw)
        if not value:
            return None
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise ValueError(_("Enter a date.")) from None
        return within_calendar(day)


@dataclass(frozen=True)
class Moment(Text):
    """A local date and time, as typed in Paris, stored in UTC."""

    max_length: int = 40

    def clean(self, raw: str) -> datetime | None:  # type: ignore[override]
        value = super().clean(raw)
        if not value:
            return None
        try:
            local = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(_("Enter a date and a time.")) from None
        within_calendar(local.date())
        return local.replace(tzinfo=DISPLAY_TIMEZONE)


def refuse_controls(raw: str) -> None:
    if CONTROLS.search(raw):
        raise ValueError(_("Remove the invisible control characters from this text."))


def within_calendar(day: date) -> date:
    if not EARLIEST <= day <= LATEST:
        start, end = show_date(EARLIEST), show_date(LATEST)
        raise ValueError(_("Enter a date between %(start)s and %(end)s.", start=start, end=end))
    return day


def check_period(
    values: Mapping[str, object],
    data: Mapping[str, str],
    start: str,
    end: str,
    *,
    may_be_empty: bool = True,
) -> None:
    """A period ends after it starts (or the same day, when it may be empty): said on its end."""
    first, last = values.get(start), values.get(end)
    if not (isinstance(first, date) and isinstance(last, date)):
        return
    if last < first or (last == first and not may_be_empty):
        raise FormError({end: _("The end comes before the start.")}, data)


def idempotency_key(data: Mapping[str, str]) -> str | None:
    """The key a form carries so that sending it twice makes one thing (`secrets.token_urlsafe`);
    none when it is missing or is not one."""
    raw = data.get("idem")
    return raw if isinstance(raw, str) and IDEMPOTENCY_KEY.fullmatch(raw) else None


def parse(data: Mapping[str, str], *fields: Text) -> dict:
    """Clean every field; raise one FormError naming all the problems at once."""
    errors: dict[str, str] = {}
    values = collect(data, errors, *fields)
    if errors:
        raise FormError(errors, {f.name: str(data.get(f.name, "")) for f in fields})
    return values


def query(params: Mapping[str, str], *fields: Text) -> dict:
    """Query parameters, cleaned as form fields are: one that cannot be read is a bad request
    (400), answered with the error page in the visitor's language."""
    try:
        return parse(params, *fields)
    except FormError:
        raise HTTPException(400) from None


def collect(data: Mapping[str, str], errors: dict[str, str], *fields: Text) -> dict:
    """Clean the fields, adding their problems to `errors`: for a form that checks more than
    its fields before it reports every problem together."""
    values: dict = {}
    for field in fields:
        raw = data.get(field.name, "")
        if not isinstance(raw, str):
            errors[field.name] = _("This field is required.")
            continue
        try:
            values[field.name] = field.clean(raw)
        except ValueError as exc:
            errors[field.name] = str(exc)
    return values

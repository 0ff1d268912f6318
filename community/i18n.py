"""Translations: the locale of the current request, and gettext that follows it."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import NumberPattern, format_percent, parse_pattern
from babel.support import NullTranslations, Translations

LOCALES = ("fr", "en")
DEFAULT_LOCALE = "fr"
LOCALE_DIR = Path(__file__).resolve().parent / "locales"
# Learners meet in France: dates and times are shown in Paris time.
DISPLAY_TIMEZONE = ZoneInfo("Europe/Paris")

_current: ContextVar[str] = ContextVar("ruche_locale", default=DEFAULT_LOCALE)


@functools.cache
def translations(locale: str) -> NullTranslations:
    """The compiled catalogue when `make` built it, else the .po file compiled in memory."""
    folder = LOCALE_DIR / locale / "LC_MESSAGES"
    if (folder / "messages.mo").exists():
        with open(folder / "messages.mo", "rb") as fp:
            return Translations(fp)
    if (folder / "messages.po").exists():
        with open(folder / "messages.po", "rb") as fp:
            catalog = read_po(fp, locale=locale)
        buffer = BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        return Translations(buffer)
    return NullTranslations()


def current_locale() -> str:
    return _current.get()


def set_locale(locale: str) -> None:
    _current.set(locale if locale in LOCALES else DEFAULT_LOCALE)


@contextmanager
def using(locale: str) -> Iterator[None]:
    """Render in `locale` for a while: a live event rendered once per language."""
    token = _current.set(locale)
    try:
        yield
    finally:
        _current.reset(token)


def raw_gettext(message: str) -> str:
    return translations(current_locale()).ugettext(message)


def raw_ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current_locale()).ungettext(singular, plural, n)


def gettext(message: str, **params: object) -> str:
    text = raw_gettext(message)
    return text % params if params else text


def ngettext(singular: str, plural: str, n: int, **params: object) -> str:
    return raw_ngettext(singular, plural, n) % {"num": n, **params}


_ = gettext


def negotiate(preference: str | None, cookie: str | None, accept_language: str | None) -> str:
    """User setting, then cookie, then Accept-Language, then French."""
    for choice in (preference, cookie):
        if choice in LOCALES:
            return choice
    negotiated = Locale.negotiate(_parse_accept_language(accept_language), LOCALES)
    return str(negotiated) if negotiated else DEFAULT_LOCALE


def _parse_accept_language(header: str | None) -> list[str]:
    weighted: list[tuple[float, str]] = []
    for part in (header or "").split(","):
        tag, _sep, params = part.strip().partition(";")
        if not tag or tag == "*":
            continue
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        weighted.append((quality, tag.replace("-", "_")))
    return [tag for _q, tag in sorted(weighted, key=lambda item: -item[0])]


def babel_locale() -> Locale:
    return _parsed(current_locale())


@functools.cache
def _parsed(code: str) -> Locale:
    # Parsing a locale takes longer than formatting a number: a report formats thousands.
    try:
        return Locale.parse(code)
    except UnknownLocaleError:
        return Locale.parse(DEFAULT_LOCALE)


def show_date(value: date, fmt: str = "long") -> str:
    return format_date(value, format=fmt, locale=babel_locale())


def show_datetime(value: datetime, fmt: str = "medium") -> str:
    return format_datetime(value, format=fmt, tzinfo=DISPLAY_TIMEZONE, locale=babel_locale())


def session_time(start: datetime, end: datetime) -> str:
    """`mardi 6 octobre 2026, 09:00–12:00`, in the reader's language and Paris time."""
    locale = babel_locale()
    day = format_date(start.astimezone(DISPLAY_TIMEZONE), format="full", locale=locale)
    hours = [
        format_time(moment, format="short", tzinfo=DISPLAY_TIMEZONE, locale=locale)
        for moment in (start, end)
    ]
    return f"{day}, {hours[0]}–{hours[1]}"


def show_number(value: float, digits: int = 1) -> str:
    """3,8 in French, 3.8 in English; what rounds to zero is 0,0, never -0,0."""
    if round(value, digits) == 0:
        value = 0.0
    return _pattern(digits).apply(value, babel_locale())


@functools.cache
def _pattern(digits: int) -> NumberPattern:
    return parse_pattern("#,##0." + "0" * digits)


def show_percent(value: float) -> str:
    return format_percent(value, locale=babel_locale())


def show_signed(value: float) -> str:
    """+0,6 or −0,4: a change, with its sign; no change at all (0,0) has none."""
    if round(value, 1) == 0:
        return show_number(0.0)
    sign = "+" if value > 0 else "−"
    return sign + show_number(abs(value))


def show_p_value(value: float) -> str:
    """p = 0,032, or p < 0,001 rather than a misleading zero."""
    if value < 0.001:
        return "p < " + show_number(0.001, 3)
    return "p = " + show_number(value, 3)


def show_moment(value: datetime) -> str:
    """`jeudi 26 novembre 2026, 14:30`: a day and a time, in Paris time."""
    local = value.astimezone(DISPLAY_TIMEZONE)
    day = format_date(local, format="full", locale=babel_locale())
    return f"{day}, {format_time(local, format='short', locale=babel_locale())}"

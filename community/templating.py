"""The Jinja environment, translated, and page-or-fragment rendering."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import HTMLResponse

import realtime
from community import i18n
from community.i18n import _
from community.settings import ROOT

TEMPLATES = ROOT / "templates"
STATIC = ROOT / "static"


@cache
def asset_version(path: str) -> str:
    """A content hash in static URLs, so browsers may cache them for good."""
    return hashlib.sha256((STATIC / path).read_bytes()).hexdigest()[:10]


def static_url(path: str) -> str:
    return f"/static/{path}?v={asset_version(path)}"


def shown_name(name: object) -> object:
    """A name as readers see it: a deleted account's is empty (community/erasure.py), and
    reads "former member" in the reader's language."""
    return name if name != "" else _("former member")


def bdi(name: object) -> Markup:
    """A name someone chose, among other words: inside `<bdi>`, its own direction (even a
    right-to-left override, U+202E) cannot reorder the text around it."""
    return Markup("<bdi>{}</bdi>").format(shown_name(name))


# The controls that set a direction (U+202A-U+202E, U+2066-U+2069).
BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def plain_name(name: object) -> str:
    """The same where markup cannot go (a title, an attribute, an option): without the
    direction controls, which have nothing to reorder in a name alone."""
    return str(shown_name(name)).translate(BIDI_CONTROLS)


def make_environment(folder: Path = TEMPLATES) -> Environment:
    env = Environment(
        loader=FileSystemLoader(folder),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=i18n.raw_gettext, ngettext=i18n.raw_ngettext, newstyle=True
    )
    env.globals.update(static_url=static_url, session_time=i18n.session_time)
    env.filters.update(
        date=i18n.show_date,
        datetime=i18n.show_datetime,
        bdi=bdi,
        plain_name=plain_name,
        number=i18n.show_number,
        percent=i18n.show_percent,
        signed=i18n.show_signed,
        p_value=i18n.show_p_value,
        moment=i18n.show_moment,
    )
    return env


environment = make_environment()


def wants_fragment(request: Request) -> bool:
    """htmx asked for a region of the page rather than a whole page."""
    headers = request.headers
    return headers.get("hx-request") == "true" and headers.get("hx-request-type") == "partial"


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    block: str | None = None,
) -> HTMLResponse:
    """The whole page, or only `block` when htmx swaps that region."""
    template = environment.get_template(name)
    full = {**page_context(request), **(context or {})}
    if block and wants_fragment(request):
        html = render_block(name, block, full)
    else:
        html = template.render(full)
    return HTMLResponse(html, status_code=status_code, headers={"Vary": "Cookie, Accept-Language"})


def render_regions(
    request: Request, name: str, context: dict[str, Any], blocks: Iterable[str]
) -> HTMLResponse:
    """Several regions of a page, each swapped out of band (`oob` in their context) where
    the page holds it: the answer to a form sent with htmx that changed them."""
    full = {**page_context(request), **context}
    html = "".join(render_block(name, block, full) for block in blocks)
    return HTMLResponse(html, headers={"Vary": "Cookie, Accept-Language"})


def render_block(name: str, block: str, context: dict[str, Any]) -> str:
    """A region alone, as pushed to live pages: the same markup the page renders."""
    template = environment.get_template(name)
    return "".join(template.blocks[block](template.new_context(context)))


def audience(locale: str, role: str = "") -> str:
    """How a live event rendered once per language and role names its variants."""
    return f"{locale}/{role}"


def render_each(
    name: str, block: str, contexts_for: Callable[[], Mapping[str, dict[str, Any]]]
) -> dict[tuple[str, str], str]:
    """A region rendered once per language and role, never once per reader, keyed by
    (language, role). `contexts_for()`, called in each language (labels built in Python
    follow it), maps each role to its context."""
    rendered = {}
    for locale in i18n.LOCALES:
        with i18n.using(locale):
            for role, context in contexts_for().items():
                rendered[locale, role] = render_block(name, block, context)
    return rendered


def as_event(rendered: Mapping[tuple[str, str], str]) -> str:
    """What `render_each` rendered, as one live event: the hub sends each socket its variant."""
    return realtime.variants({audience(*key): html for key, html in rendered.items()})


def render_for_audiences(name: str, block: str, contexts: Mapping[str, dict[str, Any]]) -> str:
    """A region as one live event, `contexts` mapping each role to its context."""
    return as_event(render_each(name, block, lambda: contexts))


def refetch_nudge(region: str, url: str) -> str:
    """What is pushed when each viewer must see its own version (language, rights, thresholds):
    a small element, added to the page's nudge box, naming the region and where to fetch it
    again. static/js/live.js does the fetching: one at a time per region, a burst coalesced,
    and the region stays in place while someone types in it."""
    return (
        '<div hx-swap-oob="beforeend:#live-nudges">'
        f'<div data-refetch="{escape(region)}" data-url="{escape(url)}"></div></div>'
    )


def page_context(request: Request) -> dict[str, Any]:
    visitor = request.scope.get("state", {}).get("visitor")
    return {
        "request": request,
        "user": visitor.user if visitor else None,
        "unread": visitor.unread if visitor else 0,
        "badge_seq": visitor.badge_seq if visitor else 0,
        "csrf_token": visitor.csrf_token if visitor else "",
        "locale": i18n.current_locale(),
        "errors": {},
        "values": {},
    }

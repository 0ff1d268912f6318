"""A page as the bench's clients hold it: the HTML of a live page, changed the way htmx and
static/js/live.js change it in a browser.

A pushed message's content is applied like htmx 4's out-of-band swaps: an element with
`hx-swap-oob="outerHTML"` (or `"true"`) replaces the element of the page with its id; with a
target (`"beforeend:#x"`, `"innerHTML:#x"`…) its children go into that element (htmx 4 strips
the wrapper of a non-outer swap). Children that land in `#live-nudges` are nudges: elements
naming a region (`data-refetch`) and where to fetch it (`data-url`); the page fetches it
again and the element of that id in the answer replaces the region. Only what the app sends
is handled: well-formed HTML, attributes in double quotes, no `>` inside them (Jinja escapes
it).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)((?:\s[^>]*)?)>")
ATTR = re.compile(r'([^\s="]+)(?:="([^"]*)")?')
# Elements without an end tag.
VOID = frozenset(("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                  "source", "track", "wbr"))  # fmt: skip
NUDGES = "live-nudges"


@dataclass(frozen=True)
class Element:
    tag: str
    attrs: dict[str, str]
    start: int  # where its start tag begins in the HTML it was found in
    end: int  # just after its end tag
    inner_start: int
    inner_end: int
    html: str = field(repr=False)

    @property
    def outer(self) -> str:
        return self.html[self.start : self.end]

    @property
    def inner(self) -> str:
        return self.html[self.inner_start : self.inner_end]


@dataclass(frozen=True)
class Nudge:
    """A region to fetch again: GET `url`, then the element `select` of the answer."""

    url: str
    target: str  # id of the element to replace
    select: str  # id of the element to take from the answer


def _attrs(text: str) -> dict[str, str]:
    return {name: value or "" for name, value in ATTR.findall(text.rstrip("/"))}


def _element(html: str, opening: re.Match[str]) -> Element:
    """The element whose start tag is `opening`: its end is where the tags nesting under the
    same name balance out."""
    tag = opening.group(2).lower()
    attrs = _attrs(opening.group(3))
    if tag in VOID or opening.group(3).rstrip().endswith("/"):
        end = opening.end()
        return Element(tag, attrs, opening.start(), end, end, end, html)
    depth, position = 1, opening.end()
    same = re.compile(rf"<(/?){tag}\b[^>]*>", re.IGNORECASE)
    while depth:
        found = same.search(html, position)
        if found is None:
            raise ValueError(f"<{tag}> is never closed")
        depth += -1 if found.group(1) else 1
        position = found.end()
    return Element(tag, attrs, opening.start(), position, opening.end(), found.start(), html)


def elements(html: str) -> list[Element]:
    """The top-level elements of a fragment, in order (text between them is skipped)."""
    found, position = [], 0
    while (opening := TAG.search(html, position)) is not None:
        if opening.group(1):  # a stray end tag: not ours to judge
            position = opening.end()
            continue
        element = _element(html, opening)
        found.append(element)
        position = element.end
    return found


def by_id(html: str, ident: str) -> Element | None:
    """The element with this id, wherever it is."""
    at = html.find(f'id="{ident}"')
    while at != -1:
        start = html.rfind("<", 0, at)
        opening = TAG.match(html, start)
        if opening and opening.end() > at and _attrs(opening.group(3)).get("id") == ident:
            return _element(html, opening)
        at = html.find(f'id="{ident}"', at + 1)
    return None


def live_regions(html: str, channel: str) -> list[str]:
    """The ids of the live regions of `channel` in a page."""
    found = (_attrs(opening.group(3)) for opening in TAG.finditer(html))
    return [a["id"] for a in found if a.get("data-live-channel") == channel and "id" in a]


def _insert(element: Element, style: str, content: str) -> str:
    """The page text of `element` once `content` is swapped into it with `style`."""
    html, before, after = element.html, element.html[: element.start], element.html[element.end :]
    head = html[element.start : element.inner_start]
    tail = html[element.inner_end : element.end]
    inner = element.inner
    changed = {
        "innerHTML": head + content + tail,
        "beforeend": head + inner + content + tail,
        "afterbegin": head + content + inner + tail,
        "beforebegin": content + element.outer,
        "afterend": element.outer + content,
        "outerHTML": content,
    }[style]
    return before + changed + after


class Page:
    """One open page: its HTML, its live cursors, the nudges it still has to fetch."""

    def __init__(self, html: str) -> None:
        self.html = html
        self.cursors: dict[str, int] = {}
        self.see_cursors(html)

    def see_cursors(self, html: str) -> None:
        """Regions rendered by the server bring the seq they reflect (live.js, after a swap)."""
        for opening in TAG.finditer(html):
            attrs = _attrs(opening.group(3))
            channel = attrs.get("data-live-channel")
            if channel is None:
                continue
            seq = int(attrs.get("data-live-seq") or 0)
            self.cursors[channel] = max(seq, self.cursors.get(channel, 0))

    def resume(self) -> dict:
        return {"type": "resume", "cursors": dict(self.cursors)}

    def accept(self, channel: str, seq: int | None) -> bool:
        """Whether a pushed message is new (live.js drops a replay it already applied)."""
        if seq is None:  # ephemeral: presence and the like
            return True
        if seq <= self.cursors.get(channel, 0):
            return False
        self.cursors[channel] = seq
        return True

    def apply(self, content: str) -> list[Nudge]:
        """Swap a pushed content in; the nudges it brought, for the caller to fetch."""
        nudges: list[Nudge] = []
        for element in elements(content):
            oob = element.attrs.get("hx-swap-oob")
            if oob is None:
                continue
            style, _, selector = oob.partition(":")
            style = "outerHTML" if style in ("true", "") else style
            ident = selector.removeprefix("#") or element.attrs.get("id", "")
            if ident == NUDGES:
                nudges += [_nudge(child) for child in elements(element.inner)]
                continue
            target = by_id(self.html, ident)
            if target is None:
                continue  # htmx ignores a swap whose target is not on the page
            swapped = element.outer if style == "outerHTML" and not selector else element.inner
            self.html = _insert(target, style, swapped)
        return nudges

    def swap_fetched(self, nudge: Nudge, answer: str) -> bool:
        """The answer to a nudge's fetch replaces its target; False when it lacks the region."""
        region = by_id(answer, nudge.select)
        target = by_id(self.html, nudge.target)
        if region is None or target is None:
            return False
        self.html = _insert(target, "outerHTML", region.outer)
        self.see_cursors(region.outer)
        return True

    def region(self, ident: str) -> str:
        found = by_id(self.html, ident)
        return found.outer if found else ""


def _nudge(element: Element) -> Nudge:
    region = element.attrs.get("data-refetch", "")
    return Nudge(html.unescape(element.attrs.get("data-url", "")), region, region)

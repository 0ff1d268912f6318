"""Ruche as an app on a phone: its manifest, and what its service worker keeps (the static
files and the offline page; never a personal page)."""

from __future__ import annotations

import hashlib
from typing import Any

from community.i18n import _
from community.templating import STATIC, static_url

# The files pages use; licences and the like stay out of the phone's cache.
PRECACHED_SUFFIXES = frozenset({".css", ".js", ".svg", ".png"})
OFFLINE_PAGE = "/offline"
# Pico's amber, which buttons and links wear (static/css/ruche.css builds on it), on white.
THEME_COLOR = "#ffbf00"
BACKGROUND_COLOR = "#ffffff"


def precached() -> list[str]:
    """Every static file at its current versioned URL, as pages link it."""
    files = sorted(p for p in STATIC.rglob("*") if p.is_file() and p.suffix in PRECACHED_SUFFIXES)
    return [static_url(p.relative_to(STATIC).as_posix()) for p in files]


def cache_name(urls: list[str], locale: str) -> str:
    """A new version of any file, or another language for the offline page, is a new cache
    (and a new worker script: the browser installs it, and the old cache is dropped)."""
    digest = hashlib.sha256("\n".join(urls).encode()).hexdigest()[:10]
    return f"ruche-{locale}-{digest}"


def manifest(locale: str) -> dict[str, Any]:
    def icon(name: str, size: int, purpose: str = "any") -> dict[str, str]:
        return {
            "src": static_url(f"img/{name}"),
            "sizes": f"{size}x{size}",
            "type": "image/png",
            "purpose": purpose,
        }

    return {
        "name": "Ruche",
        "short_name": "Ruche",
        "description": _("Ruche: learn together, by doing, with your peers."),
        "lang": locale,
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "icons": [
            icon("icon-192.png", 192),
            icon("icon-512.png", 512),
            icon("icon-maskable-512.png", 512, "maskable"),
        ],
    }

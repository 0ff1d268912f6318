"""The web app manifest, the service worker and the page it shows without a connection."""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from community import i18n, pwa
from community.area import Area
from community.templating import environment, render

# Browsers check the worker at every visit, and take a new one as soon as it differs. Neither
# it nor the manifest holds anything about the person: the same for everyone in a language.
CHECK_EVERY_TIME = "no-cache"


async def manifest(request: Request) -> Response:
    body = json.dumps(pwa.manifest(i18n.current_locale()), ensure_ascii=False)
    return Response(
        body,
        media_type="application/manifest+json",
        headers={"Cache-Control": CHECK_EVERY_TIME, "Vary": "Cookie, Accept-Language"},
    )


async def service_worker(request: Request) -> Response:
    urls = pwa.precached()
    script = environment.get_template("sw.js").render(
        precache=urls,
        offline=pwa.OFFLINE_PAGE,
        cache=pwa.cache_name(urls, i18n.current_locale()),
    )
    return Response(
        script,
        media_type="text/javascript",
        headers={"Cache-Control": CHECK_EVERY_TIME, "Vary": "Cookie, Accept-Language"},
    )


async def offline_page(request: Request) -> Response:
    # The worker keeps this page on the device: rendered as for a visitor, it holds nobody's
    # name or token, whoever was signed in when it was fetched.
    return render(request, "offline.html", {"user": None, "csrf_token": ""})


AREA = Area(
    "pwa",
    routes=[
        Route("/manifest.webmanifest", manifest),
        Route("/sw.js", service_worker),
        Route(pwa.OFFLINE_PAGE, offline_page),
    ],
    template_globals={"theme_color": pwa.THEME_COLOR},
)

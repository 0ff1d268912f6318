"""The ceiling for pages: a bare Starlette endpoint answering 8 KB of ready HTML.

uvicorn bench.peers.plain_page:app
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

ROW = "<li><a href='/projects/1'>Un projet collectif de la formation</a> — 12 membres</li>\n"
ROWS = ROW * (8192 // len(ROW.encode()))
BODY = f"<!doctype html><html lang='fr'><body><ul>\n{ROWS}</ul></body></html>"


async def page(_request: Request) -> HTMLResponse:
    return HTMLResponse(BODY)


app = Starlette(routes=[Route("/", page)])

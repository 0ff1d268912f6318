"""Static files. Pages link them with their content's hash (`templating.static_url`), so a
browser may keep such a URL for a year without asking again: a new version has a new URL."""

from __future__ import annotations

import os
from urllib.parse import parse_qs

from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from community.templating import asset_version

FOREVER = "public, max-age=31536000, immutable"


class VersionedStaticFiles(StaticFiles):
    def file_response(
        self, full_path: str | os.PathLike[str], stat_result: os.stat_result, scope: Scope,
        status_code: int = 200,
    ) -> Response:  # fmt: skip
        response = super().file_response(full_path, stat_result, scope, status_code)
        asked = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("v")
        if asked == [asset_version(self.get_path(scope))]:
            response.headers["Cache-Control"] = FOREVER
        return response

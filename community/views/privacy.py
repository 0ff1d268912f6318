"""The record of processing, the public privacy page and the retention job's runs."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from community import permissions, privacy_record, retention
from community.area import Area, NavEntry
from community.errors import NotFound
from community.i18n import _
from community.models import RetentionRun, User
from community.templating import render
from community.views import db, signed_in

CNIL_COMPLAINTS = "https://www.cnil.fr/fr/adresser-une-plainte"
NO_STORE = {"Cache-Control": "no-store"}


async def privacy_page(request: Request) -> Response:
    """For everyone, signed in or not: what Ruche keeps, why, how long, and one's rights."""
    context = {
        "sections": privacy_record.record(),
        "contact": request.app.state.settings.privacy_contact,
        "cnil": CNIL_COMPLAINTS,
    }
    return render(request, "privacy.html", context)


@dataclass(frozen=True)
class Run:
    """A run of the retention job as the record shows it."""

    started_at: datetime
    seconds: float | None
    removed: dict[str, int]  # the tables it removed rows from, and how many
    failure: str

    @classmethod
    def of(cls, run: RetentionRun) -> Run:
        took = (run.finished_at - run.started_at).total_seconds() if run.finished_at else None
        removed = {table: n for table, n in json.loads(run.removed or "{}").items() if n}
        return cls(run.started_at, took, removed, run.failure)


def _reader(request: Request) -> User:
    user = signed_in(request)
    if not permissions.can_read_processing_record(user):
        raise NotFound
    return user


async def record_page(request: Request) -> Response:
    user = _reader(request)
    context: dict[str, Any] = {"sections": privacy_record.record(), "runs": None}
    if permissions.can_read_retention_runs(user):
        async with db(request).session() as session:
            runs = await retention.last_runs(session)
        context["runs"] = [Run.of(run) for run in runs]
        schedule = getattr(request.app.state, "retention", None)
        context["next_run"] = schedule.next_at if schedule else None
    response = render(request, "privacy_record.html", context)
    response.headers.update(NO_STORE)
    return response


async def record_csv(request: Request) -> Response:
    """RFC 4180, UTF-8 with a byte-order mark so that spreadsheets read the accents."""
    _reader(request)
    body = privacy_record.to_csv(privacy_record.record())
    return Response(
        body.encode("utf-8-sig"),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": 'attachment; filename="ruche-record-of-processing.csv"',
            **NO_STORE,
        },
    )


AREA: Area = Area(
    "privacy",
    routes=[
        Route("/privacy", privacy_page),
        Route("/admin/privacy", record_page),
        Route("/admin/privacy/record.csv", record_csv),
    ],
    nav=[
        NavEntry(
            "/admin/privacy", lambda: _("Privacy"), permissions.can_read_processing_record, order=90
        )
    ],
    rules=[permissions.can_read_processing_record, permissions.can_read_retention_runs],
)

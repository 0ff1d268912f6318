"""Reports, comparisons, exports and the quality-audit record, for trainers and provider staff;
a group's own results for its learners once published."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

import realtime
from community import feedback, forms, improvements, parsing, permissions, reports
from community.area import Area, Channel, NavEntry
from community.errors import NotFound
from community.i18n import _
from community.models import ReportAuditEntry, TrainingFormat, User, utcnow
from community.personal_data import (
    Basis,
    Holding,
    OnErase,
    Retention,
    as_long_as_the_space,
)
from community.templating import render
from community.views import db, form_data, redirect, shows_errors_on, signed_in, transaction

NO_STORE = {"Cache-Control": "no-store"}
PERIOD = (forms.Day("start"), forms.Day("end"))


def _no_store(response: Response) -> Response:
    response.headers.update(NO_STORE)
    return response


def _iteration_id(request: Request) -> int:
    return int(request.path_params["iteration_id"])


async def index(request: Request, **shown: Any) -> Response:
    user = signed_in(request)
    async with db(request).session() as session:
        offered = await reports.index(session, user)
    context = {
        "index": offered,
        "formats": list(TrainingFormat),
        "default_formats": (TrainingFormat.CLASSIC, TrainingFormat.FLIPPED),
        "thresholds": (reports.MIN_THRESHOLD, reports.MAX_THRESHOLD),
        **shown,
    }
    status = 422 if shown else 200
    return _no_store(render(request, "reports.html", context, status_code=status))


async def iteration_report(request: Request, **shown: Any) -> Response:
    user = signed_in(request)
    async with db(request).session() as session:
        report = await reports.report_view(session, user, _iteration_id(request))
        summary = await reports.summary_of(session, report)
        iteration_id = report.group.iteration.id or 0
        context = {
            "view": report.group,
            "report": report,
            "summary": summary,
            "comments": await reports.published_comments(session, summary),
            "improvements": await improvements.on_report(session, user, report),
            "rows": [(name, summary.totals.get(key)) for key, name in summary.dimensions],
            "live_seq": await realtime.last_seq(session, feedback.report_channel(iteration_id)),
            "rates": await feedback.rates_for(session, user, report.group),
            "action_fields": {f.name: f for f in improvements.FIELDS},
            **shown,
        }
    status = 422 if shown else 200
    return _no_store(render(request, "report.html", context, status_code=status, block="live"))


async def export(request: Request) -> Response:
    """CSV (RFC 4180, UTF-8 with BOM), or `;` with decimal commas for French spreadsheets."""
    user = signed_in(request)
    french = request.query_params.get("variant") == "fr"
    async with db(request).session() as session:
        report = await reports.report_view(session, user, _iteration_id(request))
        summary = await reports.summary_of(session, report)
    group = report.group
    body = reports.to_csv(summary, group.training.title, group.iteration.name, french=french)
    name = f"ruche-{group.iteration.id}-{'fr' if french else 'rfc4180'}.csv"
    return csv_download(body, name)


def csv_download(body: str, name: str) -> Response:
    """An export as a file: UTF-8 with a BOM so that spreadsheets read the accents."""
    return Response(
        body.encode("utf-8-sig"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"', **NO_STORE},
    )


@shows_errors_on(index)
async def compare(request: Request) -> Response:
    """Two groups of one training (`it:<id>`), or two pedagogical formats (`format:<name>`)."""
    user = signed_in(request)
    left, right = request.query_params.get("a", ""), request.query_params.get("b", "")
    async with db(request).session() as session:
        if left.startswith("format:") and right.startswith("format:"):
            formats = (_format(left), _format(right))
            rows = await reports.compare_formats(session, user, *formats)
            labels: tuple[str, str] = formats
            kind = "formats"
        else:
            first = await reports.report_view(session, user, _group_id(left))
            second = await reports.report_view(session, user, _group_id(right))
            rows = await reports.compare_groups(session, first, second)
            labels = (first.group.iteration.name, second.group.iteration.name)
            kind = "groups"
    context = {"rows": rows, "labels": labels, "kind": kind}
    return _no_store(render(request, "compare.html", context))


def _format(raw: str) -> TrainingFormat:
    chosen = parsing.choice(raw.removeprefix("format:"), TrainingFormat)
    if chosen is None:
        raise NotFound
    return chosen


def _group_id(raw: str) -> int:
    chosen = parsing.ident(raw.removeprefix("it:"))
    if chosen is None:
        raise NotFound
    return chosen


@shows_errors_on(iteration_report)
async def publish(request: Request) -> Response:
    """Let the group's learners read its results, or stop."""
    user = signed_in(request)
    data = await form_data(request)
    async with transaction(request) as session:
        report = await reports.report_view(session, user, _iteration_id(request))
        await reports.publish(session, user, report, data)
    return redirect(f"/reports/iterations/{_iteration_id(request)}")


@shows_errors_on(index)
async def set_threshold(request: Request) -> Response:
    """Providers may protect answers more (a higher k), never less than the floor."""
    user = signed_in(request)
    data = await form_data(request)
    async with transaction(request) as session:
        await reports.set_threshold(session, user, data)
    return redirect("/reports")


def _default_period() -> dict[str, date]:
    today = utcnow().date()
    return {"start": today - timedelta(days=365), "end": today}


async def evidence_page(
    request: Request, period: dict[str, date] | None = None, **shown: Any
) -> Response:
    """A printable record for quality audits: feedback collected, response rates, actions."""
    user = signed_in(request)
    period = period or _default_period()
    async with db(request).session() as session:
        record = await reports.evidence(session, user, **period)
        effects = await improvements.decided_between(session, record.provider, **period)
    context = {
        "provider": record.provider,
        "rows": record.rows,
        "effects": effects,
        "values": {name: day.isoformat() for name, day in period.items()},
        **period,
        **shown,
    }
    # A period that is not one is a bad request: the page says so, over the default period.
    status = 400 if shown else 200
    return _no_store(render(request, "evidence.html", context, status_code=status))


@shows_errors_on(evidence_page)
async def evidence(request: Request) -> Response:
    asked = {name: request.query_params.get(name, "") for name in ("start", "end")}
    default = _default_period()
    typed = {name: value or default[name].isoformat() for name, value in asked.items()}
    period = forms.parse(typed, *PERIOD)
    forms.check_period(period, typed, "start", "end")
    return await evidence_page(request, period)


async def _hears_report(session: AsyncSession, user: User, iteration_id: int) -> bool:
    await reports.report_view(session, user, iteration_id)
    return True


AREA = Area(
    "reports",
    routes=[
        Route("/reports", index),
        Route("/reports/compare", compare),
        Route("/reports/evidence", evidence),
        Route("/reports/threshold", set_threshold, methods=["POST"]),
        Route("/reports/iterations/{iteration_id:id}", iteration_report),
        Route("/reports/iterations/{iteration_id:id}/export.csv", export),
        Route("/reports/iterations/{iteration_id:id}/publish", publish, methods=["POST"]),
    ],
    channels={"report": Channel(_hears_report)},
    nav=[NavEntry("/reports", lambda: _("Reports"), permissions.can_open_reports, order=30)],
    rules=[
        permissions.can_open_reports,
        permissions.can_follow_provider_reports,
        permissions.can_read_report,
        permissions.can_publish_report,
        permissions.can_set_anonymity_threshold,
        permissions.can_compare_formats,
        permissions.can_read_evidence,
    ],
    personal_data=(
        Holding(
            ReportAuditEntry,
            person=("actor_id",),
            what=lambda: _("What you decided about feedback results, as provider staff."),
            purpose=lambda: _(
                "Keeping an audit record of who published results and changed thresholds."
            ),
            basis=Basis.LEGITIMATE_INTEREST,
            retention=Retention(as_long_as_the_space),
            on_erase=OnErase.KEEP_AS_FORMER,
            recipients=lambda: _("The provider's staff."),
            exported=("iteration_id", "action", "detail", "created_at"),
        ),
    ),
)

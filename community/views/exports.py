"""Download my data: a person asks for an archive of what Ruche holds about them."""

from __future__ import annotations

from datetime import timedelta

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from community import exports, permissions, throttle
from community.area import Area
from community.i18n import _
from community.models import DataExport
from community.personal_data import Basis, Holding, OnErase, Retention, nobody_else
from community.templating import render
from community.views import current_user, db, redirect, signed_in, throttled, transaction

NO_STORE = {"Cache-Control": "no-store"}  # a shared computer keeps no copy


async def data_page(request: Request) -> Response:
    user = signed_in(request)
    async with db(request).session() as session:
        archives = await exports.archives_of(session, user.id or 0)
    context = {
        "archives": archives,
        "preparing": any(exports.in_preparation(export) for export in archives),
        "status_of": lambda export: exports.Status(export.status),
        "in_preparation": exports.in_preparation,
        "expired": exports.expired,
    }
    response = render(request, "exports/data.html", context, block="archives")
    response.headers.update(NO_STORE)
    return response


async def request_data(request: Request) -> Response:
    user = signed_in(request)
    refused = await throttled(request, (throttle.DATA_EXPORT_PER_USER, str(user.id)))
    if refused:
        return refused
    async with transaction(request) as session:
        await exports.ask(session, user)
    return redirect("/profile/data")


async def download(request: Request) -> Response:
    """The zip, to its owner only; anyone else, signed in or not, finds nothing here."""
    async with db(request).session() as session:
        try:
            export = await exports.downloadable(
                session, current_user(request), request.path_params["export_id"]
            )
        except exports.Expired:
            return _expired(request)
    assert export.archive is not None and export.ready_at is not None
    name = f"ruche-data-{export.ready_at.date().isoformat()}.zip"
    headers = {"Content-Disposition": f'attachment; filename="{name}"', **NO_STORE}
    return Response(export.archive, media_type="application/zip", headers=headers)


def _expired(request: Request) -> Response:
    context = {
        "title": _("This archive has expired"),
        "message": _(
            "Archives can be downloaded for 7 days. Request your data again from your profile "
            "for a new one."
        ),
    }
    response = render(request, "error.html", context, status_code=410)
    response.headers.update(NO_STORE)
    return response


AREA = Area(
    "exports",
    routes=[
        Route("/profile/data", data_page, methods=["GET"]),
        Route("/profile/data", request_data, methods=["POST"]),
        Route("/profile/data/{export_id:token}", download, methods=["GET"]),
    ],
    notifications={
        "export_ready": lambda _subject: _("Your data archive is ready to download."),
        "export_failed": lambda _subject: _(
            "Your data archive could not be prepared: please request it again."
        ),
    },
    rules=[permissions.can_request_data_export, permissions.can_download_data_export],
    personal_data=(
        Holding(
            DataExport,
            person=("user_id",),
            what=lambda: _("The archives of your data that you asked for."),
            purpose=lambda: _("Giving you a copy of your data (GDPR art. 15 and 20)."),
            basis=Basis.LEGAL_OBLIGATION,
            retention=Retention(
                lambda: _("Until the download expires, 7 days after it is ready."),
                timedelta(0),
                "expires_at",
            ),
            on_erase=OnErase.DELETE,
            recipients=nobody_else,
            exported=("status", "created_at", "ready_at", "expires_at"),
        ),
    ),
)

"""“You said, we did”: recording an improvement from a report, and the group page's feed."""

from __future__ import annotations

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from community import improvements, permissions, reports, trainings
from community.area import Area
from community.i18n import _
from community.models import ImprovementAction, User
from community.personal_data import (
    Basis,
    Holding,
    OnErase,
    Retention,
    as_long_as_the_space,
)
from community.views import form_data, redirect, shows_errors_on, signed_in, transaction
from community.views.reports import iteration_report


@shows_errors_on(iteration_report)
async def record_action(request: Request) -> Response:
    """An improvement decided from this group's report, applied to a later group."""
    user = signed_in(request)
    data = await form_data(request)
    iteration_id = int(request.path_params["iteration_id"])
    async with transaction(request) as session:
        report = await reports.report_view(session, user, iteration_id)
        await improvements.record(session, user, report, data)
    return redirect(f"/reports/iterations/{iteration_id}#actions")


async def group_page(
    session: AsyncSession, user: User, view: trainings.IterationView, request: Request
) -> dict[str, Any]:
    return {"actions": await improvements.for_iteration(session, view.iteration.id or 0)}


AREA = Area(
    "improvements",
    routes=[
        Route("/reports/iterations/{iteration_id:id}/actions", record_action, methods=["POST"]),
    ],
    rules=[permissions.can_record_improvement],
    group_page=group_page,
    personal_data=(
        Holding(
            ImprovementAction,
            person=("created_by",),
            what=lambda: _("The improvement actions you recorded."),
            purpose=lambda: _("Telling learners what changed because of what they said."),
            basis=Basis.LEGITIMATE_INTEREST,
            retention=Retention(as_long_as_the_space),
            on_erase=OnErase.KEEP_AS_FORMER,
            recipients=lambda: _("The provider's staff and the learners of the group."),
            exported=("iteration_id", "said", "decision", "owner", "due_on", "created_at"),
        ),
    ),
)

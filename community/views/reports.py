"""Reports, comparisons, exports and improvement actions, for trainers and provider staff."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

import realtime
from community import feedback, forms, improvements, permissions, reports, trainings
from community.area import Area, Channel, NavEntry
from community.forms import FormError
from community.i18n import _
from community.models import Iteration, Provider, Role, Training, User, utcnow
from community.templating import render
from community.views import current_user, db, form_data, redirect

NO_STORE = {"Cache-Control": "no-store"}


def _user(request: Request) -> User:
    user = current_user(request)
    if user is None:
        raise HTTPException(404)
    return user


async def _readable(
    session, user: User, iteration_id: int
) -> tuple[trainings.IterationView, Provider]:  # type: ignore[no-untyped-def]
    """The group, if this person may read its report; 404 otherwise, whoever asks."""
    try:
        view = await trainings.iteration_view(session, user, iteration_id)
    except trainings.NotFound:
        raise HTTPException(404) from None
    if not permissions.can_read_report(user, view.facts, view.iteration.results_published):
        raise HTTPException(404)
    provider = await session.get(Provider, view.training.provider_id)
    assert provider is not None
    return view, provider


def _no_store(response: Response) -> Response:
    response.headers.update(NO_STORE)
    return response


async def index(request: Request, **extra: object) -> Response:
    user = _user(request)
    async with db(request).session() as session:
        groups = [
            (iteration, training)
            for iteration, training, _role in await trainings.my_iterations(session, user)
            if _role == "trainer"
        ]
        provider = await trainings.provider_of(session, user)
        if provider is not None and permissions.can_manage_trainings(user, provider.id or 0):
            groups = await _provider_groups(session, provider.id or 0)
    context = {
        **extra,
        "groups": groups,
        "provider": provider,
        "formats": ("classic", "flipped", "reverse_work_study", "other"),
    }
    status = 422 if extra else 200
    return _no_store(render(request, "reports.html", context, status_code=status))


async def _provider_groups(session, provider_id: int) -> list[tuple[Iteration, Training]]:  # type: ignore[no-untyped-def]
    groups = []
    for training, _count in await trainings.provider_trainings(session, provider_id):
        groups += [(it, training) for it in await trainings.iterations_of(session, training)]
    return groups


async def iteration_report(request: Request, **extra: object) -> Response:
    user = _user(request)
    async with db(request).session() as session:
        view, provider = await _readable(session, user, int(request.path_params["iteration_id"]))
        iteration_id = view.iteration.id or 0
        summary = await reports.summarise(
            session, view.training.id or 0, [iteration_id], provider.anonymity_threshold
        )
        staff = permissions.can_manage_trainings(user, provider.id or 0)
        actions = await improvements.linked_to(session, iteration_id)
        context = {
            "view": view,
            "summary": summary,
            "comments": await reports.published_comments(session, summary),
            "effects": await improvements.effects(session, actions, summary.k),
            "rows": [(name, summary.totals.get(key)) for key, name in summary.dimensions],
            "live_seq": await realtime.last_seq(session, f"report:{iteration_id}"),
            "rates": await _rates(session, view, user),
            "staff": staff,
            "later_groups": await _later_groups(session, view) if staff else [],
            **extra,
        }
    status = 422 if extra else 200
    return _no_store(render(request, "report.html", context, status_code=status, block="live"))


async def _later_groups(session, view) -> list[tuple[int, str]]:  # type: ignore[no-untyped-def]
    """Where an action decided from this report can apply: the training's other groups."""
    return [
        (it.id or 0, it.name)
        for it in await trainings.iterations_of(session, view.training)
        if it.id != view.iteration.id
    ]


async def _rates(session, view, user) -> dict:  # type: ignore[no-untyped-def]
    if not permissions.can_review_feedback(user, view.facts):
        return {}
    return await feedback.response_rates(session, view.iteration.id or 0)


async def export(request: Request) -> Response:
    """CSV (RFC 4180, UTF-8 with BOM), or `;` with decimal commas for French spreadsheets."""
    user = _user(request)
    french = request.query_params.get("variant") == "fr"
    async with db(request).session() as session:
        view, provider = await _readable(session, user, int(request.path_params["iteration_id"]))
        summary = await reports.summarise(
            session, view.training.id or 0, [view.iteration.id or 0], provider.anonymity_threshold
        )
    body = reports.to_csv(summary, view.training.title, view.iteration.name, french=french)
    name = f"ruche-{view.iteration.id}-{'fr' if french else 'rfc4180'}.csv"
    return Response(
        body.encode("utf-8-sig"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"', **NO_STORE},
    )


async def compare(request: Request) -> Response:
    """Two groups of one training, or two pedagogical formats across the provider."""
    user = _user(request)
    left, right = request.query_params.get("a", ""), request.query_params.get("b", "")
    async with db(request).session() as session:
        provider = await trainings.provider_of(session, user)
        if left.startswith("format:") and right.startswith("format:"):
            if provider is None or not permissions.can_manage_trainings(user, provider.id or 0):
                raise HTTPException(404)
            rows = await reports.compare_formats(
                session, provider, left.removeprefix("format:"), right.removeprefix("format:")
            )
            labels = (left.removeprefix("format:"), right.removeprefix("format:"))
            kind = "formats"
        else:
            first, first_provider = await _readable(session, user, _number(left))
            second, _second_provider = await _readable(session, user, _number(right))
            if first.training.id != second.training.id:
                raise HTTPException(404)
            rows = await reports.compare_groups(session, first_provider, first, second)
            labels = (first.iteration.name, second.iteration.name)
            kind = "groups"
    context = {"rows": rows, "labels": labels, "kind": kind}
    return _no_store(render(request, "compare.html", context))


def _number(raw: str) -> int:
    value = raw.removeprefix("it:")
    if not value.isdigit():
        raise HTTPException(404)
    return int(value)


async def record_action(request: Request) -> Response:
    """An improvement decided from this group's report, applied to a later group."""
    user = _user(request)
    data = await form_data(request)
    iteration_id = int(request.path_params["iteration_id"])
    async with db(request).session() as session:
        _view, provider = await _readable(session, user, iteration_id)
        if not permissions.can_manage_trainings(user, provider.id or 0):
            raise HTTPException(404)
        try:
            await improvements.record(
                session, user, provider, {**data, "baseline_iteration_id": str(iteration_id)}
            )
        except FormError as exc:
            return await iteration_report(request, errors=exc.errors, values=exc.values)
    return redirect(f"/reports/iterations/{iteration_id}#actions")


async def publish(request: Request) -> Response:
    """Let the group's learners read its results, or stop."""
    user = _user(request)
    data = await form_data(request)
    async with db(request).session() as session:
        view, provider = await _readable(session, user, int(request.path_params["iteration_id"]))
        if not permissions.can_manage_trainings(user, provider.id or 0):
            raise HTTPException(404)
        iteration = await session.get(Iteration, view.iteration.id)
        assert iteration is not None
        iteration.results_published = data.get("published") == "1"
        session.add(iteration)
        await session.commit()
    return redirect(f"/reports/iterations/{view.iteration.id}")


async def _staff_provider(session, user: User) -> Provider:  # type: ignore[no-untyped-def]
    provider = await trainings.provider_of(session, user)
    if provider is None or not permissions.can_manage_trainings(user, provider.id or 0):
        raise HTTPException(404)
    return provider


async def set_threshold(request: Request) -> Response:
    """Providers may protect answers more (a higher k), never less than 5."""
    user = _user(request)
    data = await form_data(request)
    raw = data.get("k", "")
    async with db(request).session() as session:
        provider = await _staff_provider(session, user)
        if not raw.isdigit() or not reports.MIN_THRESHOLD <= int(raw) <= 50:
            return await index(request, errors={"k": _("Choose a number from 5 to 50.")})
        provider.anonymity_threshold = int(raw)
        session.add(provider)
        await session.commit()
    return redirect("/reports")


async def evidence(request: Request) -> Response:
    """A printable record for quality audits: feedback collected, response rates, actions."""
    user = _user(request)
    today = utcnow().date()
    asked = {
        "start": request.query_params.get("start") or (today - timedelta(days=365)).isoformat(),
        "end": request.query_params.get("end") or today.isoformat(),
    }
    try:
        period = forms.parse(asked, forms.Day("start"), forms.Day("end"))
    except FormError:
        raise HTTPException(400) from None
    async with db(request).session() as session:
        provider = await _staff_provider(session, user)
        rows = []
        for iteration, training in await _provider_groups(session, provider.id or 0):
            row = await reports.collected(session, provider, training, iteration, **period)
            if row is not None:
                rows.append(row)
        actions = await improvements.of_provider(session, provider.id or 0, **period)
        effects = await improvements.effects(session, actions, provider.anonymity_threshold)
    context = {"provider": provider, "rows": rows, "effects": effects, **period}
    return _no_store(render(request, "evidence.html", context))


async def _hears_report(session: AsyncSession, user: User, iteration_id: int) -> bool:
    view = await trainings.iteration_view(session, user, iteration_id)
    published = view.iteration.results_published
    return permissions.can_read_report(user, view.facts, published)


AREA = Area(
    "reports",
    routes=[
        Route("/reports", index),
        Route("/reports/compare", compare),
        Route("/reports/evidence", evidence),
        Route("/reports/threshold", set_threshold, methods=["POST"]),
        Route("/reports/iterations/{iteration_id:int}", iteration_report),
        Route("/reports/iterations/{iteration_id:int}/export.csv", export),
        Route("/reports/iterations/{iteration_id:int}/actions", record_action, methods=["POST"]),
        Route("/reports/iterations/{iteration_id:int}/publish", publish, methods=["POST"]),
    ],
    channels={"report": Channel(_hears_report)},
    nav=[NavEntry("/reports", lambda: _("Reports"), lambda u: u.role != Role.LEARNER, order=30)],
    rules=[permissions.can_read_report],
)

"""Job rotation ("Relais"): the coordinators' board, companies' departures, the pool of
candidates, proposals and both sides' decisions."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

import realtime
from community import parsing, permissions
from community.area import Area, Channel, NavEntry
from community.errors import NotFound
from community.i18n import _
from community.models import (
    CompanyContact,
    Departure,
    EligibilityItem,
    EmployeeFate,
    Handover,
    PoolMember,
    Proposal,
    Provider,
    RegionCoordinator,
    ReplacementFate,
    Role,
    User,
)
from community.personal_data import (
    Basis,
    Holding,
    OnErase,
    Retention,
    as_long_as_the_account,
)
from community.rotation import (
    appointing,
    companies,
    dashboard,
    departures,
    eligibility,
    handover,
    live,
    onboarding,
    outcomes,
    pages,
    pool,
    proposals,
    region,
    timeline,
)
from community.rotation.usual_items import title as eligibility_title
from community.templating import render
from community.tutoring import choices
from community.views import form_data, redirect, shows_errors_on, signed_in, transaction
from community.views.mail import links_base
from community.views.reports import csv_download


def _ident(request: Request, name: str) -> int:
    return int(request.path_params[name])


async def _hub_seq(session: AsyncSession, user: User, page: pages.Hub) -> int:
    """Where the channel the hub's region follows stands: the coordinators' board, or the
    person's own rotation."""
    if page.provider_id is not None:
        channel = live.board_channel(page.provider_id)
    else:
        channel = live.own_channel(user.id or 0)
    return await realtime.last_seq(session, channel)


def _asked_provider(request: Request, extra: dict[str, Any]) -> str | None:
    """The provider a regional coordinator chose: in the address, or in the refused form."""
    values = extra.get("values")
    if isinstance(values, dict) and values.get("provider_id"):
        return str(values["provider_id"])
    return request.query_params.get("provider")


async def hub_page(request: Request, **extra: object) -> Response:
    user = signed_in(request)
    async with transaction(request) as session:
        page = await pages.hub(session, user, _asked_provider(request, extra))
        seq = await _hub_seq(session, user, page)
    context: dict[str, Any] = {"page": page, "live_seq": seq, **extra}
    status = 422 if "errors" in extra else 200
    return render(request, "rotation/hub.html", context, status_code=status, block="hub")


async def new_departure_page(request: Request, **extra: object) -> Response:
    user = signed_in(request)
    async with transaction(request) as session:
        company = await companies.company_of(session, user)
        if company is None or not permissions.can_declare_departure(user, True):
            raise NotFound
        choices = await departures.form_choices(session, company)
    status = 422 if "errors" in extra else 200
    context = {"company": company, **choices, **extra}
    return render(request, "rotation/declare.html", context, status_code=status)


@shows_errors_on(new_departure_page)
async def declare(request: Request) -> Response:
    user = signed_in(request)
    form = await request.form()
    data = await form_data(request)
    data["skill_ids"] = ",".join(str(v) for v in form.getlist("skill_ids") if isinstance(v, str))
    async with transaction(request) as session:
        departure = await departures.declare(session, user, data)
    return redirect(f"/relais/departures/{departure.id}")


async def _departure(request: Request, departure_id: int, extra: dict[str, Any]) -> Response:
    user = signed_in(request)
    async with transaction(request) as session:
        page = await pages.departure_page(session, user, departure_id)
        seq = await realtime.last_seq(session, live.departure_channel(departure_id))
    status = 422 if "errors" in extra else 200
    context = {
        "page": page,
        "live_seq": seq,
        **_follow_up_words(page),
        **_tutoring_options(page),
        **extra,
    }
    return render(
        request, "rotation/departure.html", context, status_code=status, block="departure"
    )


def _follow_up_words(page: pages.DeparturePage) -> dict[str, Any]:
    """The checklist's and the outcomes' words, in the reader's language."""
    fates = outcomes.FATES
    return {
        "item_title": eligibility_title,
        "moments": outcomes.MOMENTS,
        "fates": fates,
        "outcome_options": {
            "moment": [(m, outcomes.MOMENTS[m]()) for m in page.outcomes_due],
            "replacement": [(f.value, fates[f]()) for f in ReplacementFate],
            "employee": [(f.value, fates[f]()) for f in EmployeeFate],
        },
    }


def _tutoring_options(page: pages.DeparturePage) -> dict[str, Any]:
    return {
        "duration": timeline.duration,
        "duration_options": choices.options(choices.Duration),
        "tutoring_skills": [(str(skill.id), skill.name) for skill in page.view.skills],
    }


async def departure_page(request: Request, **extra: object) -> Response:
    return await _departure(request, _ident(request, "departure_id"), extra)


Page = Callable[..., Awaitable[Response]]


def _page_of_departure(model: type[Proposal] | type[EligibilityItem], name: str) -> Page:
    """A refused write about a proposal or a checklist item is said on the page of the
    departure it belongs to."""

    async def page(request: Request, **extra: object) -> Response:
        async with transaction(request) as session:
            row: Proposal | EligibilityItem | None = await session.get(model, _ident(request, name))
        if row is None:
            raise NotFound
        return await _departure(request, row.departure_id, extra)

    return page


proposal_page = _page_of_departure(Proposal, "proposal_id")
item_page = _page_of_departure(EligibilityItem, "item_id")


@shows_errors_on(proposal_page)
async def company_decides(request: Request) -> Response:
    user = signed_in(request)
    data = await form_data(request)
    async with transaction(request) as session:
        proposal = await proposals.decide(
            session, user, _ident(request, "proposal_id"), "company", data
        )
    return redirect(f"/relais/departures/{proposal.departure_id}")


DepartureAct = Callable[[AsyncSession, User, int, dict[str, str]], Awaitable[object]]


def _on_departure(act: DepartureAct) -> Callable[[Request], Awaitable[Response]]:
    """A write about one departure, answered on its page."""

    @shows_errors_on(departure_page)
    async def endpoint(request: Request) -> Response:
        user = signed_in(request)
        departure_id = _ident(request, "departure_id")
        data = await form_data(request)
        async with transaction(request) as session:
            await act(session, user, departure_id, data)
        return redirect(f"/relais/departures/{departure_id}")

    return endpoint


propose = _on_departure(proposals.propose)
add_checklist_item = _on_departure(eligibility.add)
mark_ready = _on_departure(
    lambda session, user, ident, _data: eligibility.mark_ready(session, user, ident)
)
record_outcome = _on_departure(outcomes.record)
write_handover = _on_departure(handover.write)
log_tutoring = _on_departure(handover.log_tutoring)
choose_onboarding = _on_departure(onboarding.choose)


@shows_errors_on(departure_page)
async def name_employee(request: Request) -> Response:
    user = signed_in(request)
    departure_id = _ident(request, "departure_id")
    data = await form_data(request)
    inviting = companies.Inviting(
        request.app.state.passwords, links_base(request), request.app.state.settings.mail_from
    )
    async with transaction(request) as session:
        await handover.name_employee(session, user, departure_id, data, inviting)
    _wake_mailer(request)
    return redirect(f"/relais/departures/{departure_id}")


@shows_errors_on(item_page)
async def tick_item(request: Request) -> Response:
    user = signed_in(request)
    data = await form_data(request)
    async with transaction(request) as session:
        departure = await eligibility.tick(session, user, _ident(request, "item_id"), data)
    return redirect(f"/relais/departures/{departure.id}")


async def coordinators_page(request: Request, **extra: object) -> Response:
    user = signed_in(request)
    if not permissions.can_appoint_regional_coordinator(user):
        raise NotFound
    async with transaction(request) as session:
        context = {
            "appointed": await appointing.coordinators(session),
            "providers": await appointing.providers(session),
            **extra,
        }
    status = 422 if "errors" in extra else 200
    return render(request, "rotation/coordinators.html", context, status_code=status)


@shows_errors_on(coordinators_page)
async def appoint(request: Request) -> Response:
    user = signed_in(request)
    form = await request.form()
    data = await form_data(request)
    ticked = (v for v in form.getlist("provider_ids") if isinstance(v, str))
    data["provider_ids"] = ",".join(ticked)
    inviting = companies.Inviting(
        request.app.state.passwords, links_base(request), request.app.state.settings.mail_from
    )
    async with transaction(request) as session:
        await appointing.appoint(session, user, data, inviting)
    _wake_mailer(request)
    return redirect("/relais/coordinators")


async def _outcomes(
    session: AsyncSession, user: User, request: Request
) -> tuple[list[Provider], int, dashboard.Dashboard]:
    """The providers the reader runs, the one asked for (`?provider=`), and its dashboard."""
    providers = await region.coordinated(session, user)
    shown = region.chosen(providers, request.query_params.get("provider"))
    if shown is None or shown.id is None:
        raise NotFound
    return providers, shown.id, await dashboard.dashboard(session, user, shown.id)


async def outcomes_page(request: Request) -> Response:
    user = signed_in(request)
    async with transaction(request) as session:
        providers, shown, board = await _outcomes(session, user, request)
    context = {
        "board": board,
        "providers": providers,
        "board_provider": shown,
        "cut_names": dashboard.cut_names(),
        "key_label": dashboard.key_label,
        "fates": outcomes.FATES,
    }
    return render(request, "rotation/outcomes.html", context)


async def outcomes_export(request: Request) -> Response:
    """The dashboard as CSV, as the reports' exports: `variant=fr` for French spreadsheets."""
    user = signed_in(request)
    french = request.query_params.get("variant") == "fr"
    async with transaction(request) as session:
        _providers, _shown, board = await _outcomes(session, user, request)
    name = f"ruche-relais-{'fr' if french else 'rfc4180'}.csv"
    return csv_download(dashboard.to_csv(board, french=french), name)


Act = Callable[[AsyncSession, User, Request, dict[str, str]], Awaitable[object]]


def _on_hub(
    act: Act, after: Callable[[Request], None] | None = None
) -> Callable[[Request], Awaitable[Response]]:
    """A write from the rotation's own page; a refused form is said there. `after` runs
    once the write is committed."""

    @shows_errors_on(hub_page)
    async def endpoint(request: Request) -> Response:
        user = signed_in(request)
        data = await form_data(request)
        async with transaction(request) as session:
            await act(session, user, request, data)
        if after is not None:
            after(request)
        # A regional coordinator stays on the provider they were working for.
        chosen = parsing.ident(data.get("provider_id"))
        return redirect(f"/relais?provider={chosen}" if chosen else "/relais")

    return endpoint


async def _candidate_decides(
    session: AsyncSession, user: User, request: Request, data: dict[str, str]
) -> None:
    await proposals.decide(session, user, _ident(request, "proposal_id"), "candidate", data)


async def _invite(
    session: AsyncSession, user: User, request: Request, data: dict[str, str]
) -> None:
    await companies.invite(
        session,
        user,
        _ident(request, "company_id"),
        data,
        passwords=request.app.state.passwords,
        base_url=links_base(request),
        mail_from=request.app.state.settings.mail_from,
    )


def _wake_mailer(request: Request) -> None:
    """The invitation waits in the outbox: the mailer sends it now rather than next round."""
    request.app.state.mailer.wake()


candidate_decides = _on_hub(_candidate_decides)
invite_contact = _on_hub(_invite, after=_wake_mailer)
create_company = _on_hub(
    lambda session, user, _request, data: companies.create(session, user, data)
)
join_pool = _on_hub(lambda session, user, _request, data: pool.join(session, user, data))
withdraw = _on_hub(lambda session, user, _request, _data: pool.withdraw(session, user))


async def _hears_departure(session: AsyncSession, user: User, departure_id: int) -> bool:
    await departures.view_of(session, user, departure_id)
    return True


async def _hears_board(session: AsyncSession, user: User, provider_id: int) -> bool:
    return permissions.can_coordinate_rotation(
        user, provider_id, await region.region_of(session, user)
    )


async def _hears_own(_session: AsyncSession, user: User, user_id: int) -> bool:
    return user_id == user.id


def _sees_rotation(user: User) -> bool:
    """The link shows to coordinators, company contacts and learners."""
    return (
        permissions.is_company_contact(user)
        or permissions.can_join_rotation_pool(user)
        or user.role == Role.COORDINATOR
        or (
            user.provider_id is not None
            and permissions.can_coordinate_rotation(user, user.provider_id)
        )
    )


def coordinators_and_company() -> str:
    return _("The provider's coordinators and the company the replacement was proposed to.")


def coordinators() -> str:
    return _("The provider's coordinators.")


AREA = Area(
    "rotation",
    routes=[
        Route("/relais", hub_page, methods=["GET"]),
        Route("/relais/companies", create_company, methods=["POST"]),
        Route("/relais/companies/{company_id:id}/contacts", invite_contact, methods=["POST"]),
        Route("/relais/departures/new", new_departure_page, methods=["GET"]),
        Route("/relais/departures", declare, methods=["POST"]),
        Route("/relais/departures/{departure_id:id}", departure_page, methods=["GET"]),
        Route("/relais/departures/{departure_id:id}/proposals", propose, methods=["POST"]),
        Route("/relais/proposals/{proposal_id:id}/company", company_decides, methods=["POST"]),
        Route("/relais/proposals/{proposal_id:id}/candidate", candidate_decides, methods=["POST"]),
        Route(
            "/relais/departures/{departure_id:id}/checklist", add_checklist_item, methods=["POST"]
        ),
        Route("/relais/checklist/{item_id:id}", tick_item, methods=["POST"]),
        Route("/relais/departures/{departure_id:id}/ready", mark_ready, methods=["POST"]),
        Route("/relais/departures/{departure_id:id}/outcomes", record_outcome, methods=["POST"]),
        Route("/relais/departures/{departure_id:id}/employee", name_employee, methods=["POST"]),
        Route("/relais/departures/{departure_id:id}/handover", write_handover, methods=["POST"]),
        Route("/relais/departures/{departure_id:id}/tutoring", log_tutoring, methods=["POST"]),
        Route(
            "/relais/departures/{departure_id:id}/onboarding", choose_onboarding, methods=["POST"]
        ),
        Route("/relais/coordinators", coordinators_page, methods=["GET"]),
        Route("/relais/coordinators", appoint, methods=["POST"]),
        Route("/relais/outcomes", outcomes_page, methods=["GET"]),
        Route("/relais/outcomes.csv", outcomes_export, methods=["GET"]),
        Route("/relais/pool", join_pool, methods=["POST"]),
        Route("/relais/pool/withdraw", withdraw, methods=["POST"]),
    ],
    channels={
        "rotation": Channel(_hears_departure),
        "rotationboard": Channel(_hears_board),
        "rotationme": Channel(_hears_own),
    },
    nav=[
        NavEntry("/relais", lambda: _("Job rotation"), _sees_rotation, order=38),
        NavEntry(
            "/relais/coordinators",
            lambda: _("Regional coordinators"),
            permissions.can_appoint_regional_coordinator,
            order=91,
        ),
    ],
    rules=[
        permissions.can_coordinate_rotation,
        permissions.can_appoint_regional_coordinator,
        permissions.can_invite_company_contact,
        permissions.can_declare_departure,
        permissions.can_view_departure,
        permissions.can_name_departing_employee,
        permissions.can_write_handover,
        permissions.can_read_handover,
        permissions.can_log_handover_tutoring,
        permissions.can_choose_onboarding_group,
        permissions.can_match_candidates,
        permissions.can_propose_candidate,
        permissions.can_decide_as_company,
        permissions.can_decide_as_candidate,
        permissions.can_see_candidate_contact,
        permissions.can_join_rotation_pool,
        permissions.can_leave_rotation_pool,
        permissions.can_keep_eligibility_checklist,
        permissions.can_mark_departure_ready,
        permissions.can_record_rotation_outcome,
        permissions.can_read_rotation_outcomes,
        permissions.can_see_fitting_posts,
    ],
    personal_data=(
        Holding(
            RegionCoordinator,
            person=("user_id",),
            what=lambda: _("The providers whose job rotation you coordinate for the region."),
            purpose=lambda: _(
                "Letting a regional coordinator run the rotation of several providers."
            ),
            basis=Basis.CONTRACT,
            retention=Retention(as_long_as_the_account),
            on_erase=OnErase.DELETE,
            recipients=lambda: _("The administrators, who appointed the coordinator."),
            exported=("provider_id", "created_at"),
        ),
        Holding(
            CompanyContact,
            person=("user_id",),
            what=lambda: _("The company you speak for in job rotation."),
            purpose=lambda: _("Letting a company declare departures and choose replacements."),
            basis=Basis.CONTRACT,
            retention=Retention(as_long_as_the_account),
            on_erase=OnErase.DELETE,
            recipients=coordinators,
            exported=("company_id", "created_at"),
        ),
        Holding(
            Departure,
            person=("declared_by", "employee_id"),
            what=lambda: _("The departures for training you declared, or that name you."),
            purpose=lambda: _("Finding a replacement while an employee is in training."),
            basis=Basis.CONTRACT,
            retention=Retention(as_long_as_the_account),
            on_erase=OnErase.KEEP_AS_FORMER,
            recipients=coordinators_and_company,
            exported=("post_title", "training_name", "starts_on", "ends_on", "created_at"),
        ),
        Holding(
            Handover,
            person=("author_id",),
            what=lambda: _("The handover you wrote for your replacement."),
            purpose=lambda: _("Passing the post on while you are in training."),
            basis=Basis.CONTRACT,
            retention=Retention(as_long_as_the_account),
            on_erase=OnErase.KEEP_AS_FORMER,  # the replacement still needs the post's ways
            recipients=coordinators_and_company,
            exported=("departure_id", "tasks", "contacts", "tricks", "updated_at"),
        ),
        Holding(
            PoolMember,
            person=("user_id",),
            what=lambda: _("Your place in the job rotation pool, with your consent and its date."),
            purpose=lambda: _("Proposing you to replace an employee on training."),
            basis=Basis.CONSENT,
            retention=Retention(as_long_as_the_account),
            on_erase=OnErase.DELETE,
            recipients=coordinators,
            exported=(
                "skills",
                "available_from",
                "hours_per_week",
                "postcode",
                "travel_km",
                "consented_at",
                "withdrawn_at",
            ),
        ),
        Holding(
            Proposal,
            person=("candidate_id",),
            what=lambda: _("The companies you were proposed to, and both sides' answers."),
            purpose=lambda: _("Matching a replacement with a company, with both agreeing."),
            basis=Basis.CONSENT,
            retention=Retention(as_long_as_the_account),
            on_erase=OnErase.DELETE,
            recipients=coordinators_and_company,
            exported=("departure_id", "company_decision", "candidate_decision", "created_at"),
        ),
    ),
)

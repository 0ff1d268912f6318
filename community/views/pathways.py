"""The learner's compass ("Ma boussole"): cards with their reasons, what Ruche deduced from
the evidence, and the learner's say on both."""

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
from community.models import CardPin, CardSetting, CardShown, CardVerdict, User
from community.pathways import compass, fairness, group, live, removal
from community.personal_data import (
    Basis,
    Holding,
    OnErase,
    Retention,
    as_long_as_the_account,
    nobody_else,
    trainers_of_the_group,
)
from community.templating import render
from community.trainings.groups import IterationView
from community.views import db, form_data, redirect, shows_errors_on, signed_in, transaction


async def compass_page(request: Request, **extra: object) -> Response:
    user = signed_in(request)
    # Showing the cards logs the first time each is shown: a write.
    async with transaction(request) as session:
        page = await compass.compass(session, user, request.app.state.live.is_online)
        seq = await realtime.last_seq(session, live.channel(user.id or 0))
    context: dict[str, Any] = {
        "page": page,
        "live_seq": seq,
        "reasons": list(compass.Reason),
        **extra,
    }
    status = 422 if "errors" in extra else 200
    return render(request, "boussole.html", context, status_code=status, block="compass")


Act = Callable[[AsyncSession, User, dict[str, str]], Awaitable[None]]


def _act(act: Act) -> Callable[[Request], Awaitable[Response]]:
    """A write on the learner's own compass; a refused form is said on the compass."""

    @shows_errors_on(compass_page)
    async def endpoint(request: Request) -> Response:
        user = signed_in(request)
        data = await form_data(request)
        async with transaction(request) as session:
            await act(session, user, data)
        return redirect("/boussole")

    return endpoint


async def _erase(session: AsyncSession, user: User, _data: dict[str, str]) -> None:
    await compass.erase_verdicts(session, user)


def _group_id(request: Request) -> int:
    return int(request.path_params["iteration_id"])


async def group_compass_page(request: Request, **extra: object) -> Response:
    user = signed_in(request)
    online = request.app.state.live.is_online
    async with db(request).session() as session:
        page = await group.group_compass(session, user, _group_id(request))
        chosen = _chosen_learner(request, page, extra)
        if page.may_remove and chosen is not None:
            cards = await removal.cards_of(session, user, _group_id(request), chosen, online)
        else:
            cards = []
        keys = [row.card_key for row, _learner in page.pins + page.removals]
        resources = await removal.resource_titles(session, _group_id(request), keys)
    status = 422 if "errors" in extra else 200
    options = _pin_options(page)
    context = {
        "page": page, "reasons": list(compass.Reason), "chosen": chosen, "learner_cards": cards,
        "pin_labels": _card_labels(page.pins + page.removals, options, resources), **options,
        **extra,
    }  # fmt: skip
    return render(request, "pathways/group.html", context, status_code=status)


def _chosen_learner(
    request: Request, page: group.GroupCompass, extra: dict[str, object]
) -> int | None:
    """The learner whose cards the trainer looks at: from the refused form if it named one
    of the group, else from the address, where an unknown or malformed id is not found."""
    learners = {person.id for person in page.learners}
    values = extra.get("values")
    if isinstance(values, dict):
        typed = parsing.ident(values.get("learner_id"))
        return typed if typed in learners else None
    raw = request.query_params.get("learner")
    if not raw:
        return None
    chosen = parsing.ident(raw)
    if chosen not in learners:
        raise NotFound
    return chosen


def _pin_options(page: group.GroupCompass) -> dict[str, list[tuple[str, str]]]:
    """The pin form's choices: the group's learners, each as a peer or an open role."""
    learners = [(str(person.id), person.display_name) for person in page.learners]
    peers = [(f"peer:{value}", _("Peer: %(name)s") % {"name": name}) for value, name in learners]
    roles = [
        (
            f"role:{role.id}",
            _("Role: %(role)s in %(project)s") % {"role": role.name, "project": project.title},
        )
        for role, project in page.roles
    ]
    skills = [(str(skill.id), skill.name) for skill in page.skills]
    return {"learner_options": learners, "pin_targets": peers + roles, "skill_options": skills}


def _card_labels(
    rows: list[tuple[CardPin, User]],
    options: dict[str, list[tuple[str, str]]],
    resources: dict[str, str],
) -> dict:
    """How each pinned or removed card reads: the peer (and the skill), the role or the skill
    to practise it names, as in the pin form ("peer:<peer>:<skill>", "role:<role>",
    "practice:<skill>", "resource:<resource>")."""
    targets = dict(options["pin_targets"])
    skills = dict(options["skill_options"])
    labels = {}
    for row, _learner in rows:
        kind, _sep, rest = row.card_key.partition(":")
        target, _sep, skill = rest.partition(":")
        if row.card_key in resources:
            labels[row.id] = _("Resource to explore: %(title)s") % {
                "title": resources[row.card_key]
            }
            continue
        if kind == "practice":
            name = skills.get(target, row.card_key)
            labels[row.id] = _("Practise first: %(skill)s") % {"skill": name}
            continue
        label = targets.get(f"{kind}:{target}", row.card_key)
        labels[row.id] = f"{label} — {skills[skill]}" if skill in skills else label
    return labels


@shows_errors_on(group_compass_page)
async def pin(request: Request) -> Response:
    user = signed_in(request)
    data = await form_data(request)
    async with transaction(request) as session:
        await group.pin(session, user, _group_id(request), data)
    return redirect(f"/iterations/{_group_id(request)}/boussole")


async def unpin(request: Request) -> Response:
    user = signed_in(request)
    pin_id = int(request.path_params["pin_id"])
    async with transaction(request) as session:
        await group.unpin(session, user, _group_id(request), pin_id)
    return redirect(f"/iterations/{_group_id(request)}/boussole")


@shows_errors_on(group_compass_page)
async def remove_card(request: Request) -> Response:
    user = signed_in(request)
    data = await form_data(request)
    online = request.app.state.live.is_online
    async with transaction(request) as session:
        await removal.remove(session, user, _group_id(request), data, online)
    learner = parsing.ident_or_zero(data.get("learner_id"))
    return redirect(f"/iterations/{_group_id(request)}/boussole?learner={learner}#learner-cards")


async def restore_card(request: Request) -> Response:
    user = signed_in(request)
    removal_id = int(request.path_params["removal_id"])
    async with transaction(request) as session:
        await removal.restore(session, user, _group_id(request), removal_id)
    return redirect(f"/iterations/{_group_id(request)}/boussole#removed-title")


async def fairness_page(request: Request) -> Response:
    user = signed_in(request)
    async with db(request).session() as session:
        report = await fairness.fairness(session, user, int(request.path_params["training_id"]))
    context = {"report": report, "reasons": list(compass.Reason)}
    return render(request, "pathways/fairness.html", context)


async def group_part(
    _session: AsyncSession, user: User, view: IterationView, _request: Request
) -> dict[str, Any]:
    """The group's page links to its compass for those who may read it."""
    return {"compass_for_group": permissions.can_read_card_report(user, view.facts)}


async def _hears_own_compass(_session: AsyncSession, user: User, user_id: int) -> bool:
    return user_id == user.id


AREA = Area(
    "pathways",
    routes=[
        Route("/boussole", compass_page, methods=["GET"]),
        Route("/boussole/suggestions", _act(compass.turn_suggestions), methods=["POST"]),
        Route("/boussole/cards", _act(compass.judge_card), methods=["POST"]),
        Route("/boussole/verdicts/erase", _act(_erase), methods=["POST"]),
        Route("/iterations/{iteration_id:id}/boussole", group_compass_page, methods=["GET"]),
        Route("/iterations/{iteration_id:id}/boussole/pins", pin, methods=["POST"]),
        Route(
            "/iterations/{iteration_id:id}/boussole/pins/{pin_id:id}/remove",
            unpin,
            methods=["POST"],
        ),
        Route("/iterations/{iteration_id:id}/boussole/removals", remove_card, methods=["POST"]),
        Route(
            "/iterations/{iteration_id:id}/boussole/removals/{removal_id:id}/undo",
            restore_card,
            methods=["POST"],
        ),
        Route("/trainings/{training_id:id}/boussole", fairness_page, methods=["GET"]),
    ],
    channels={"boussole": Channel(_hears_own_compass)},
    group_page=group_part,
    nav=[NavEntry("/boussole", lambda: _("My compass"), permissions.can_open_compass, order=35)],
    rules=[
        permissions.can_open_compass,
        permissions.can_turn_suggestions,
        permissions.can_judge_card,
        permissions.can_erase_card_verdicts,
        permissions.can_pin_card,
        permissions.can_read_card_report,
        permissions.can_remove_card,
        permissions.can_read_suggestion_fairness,
    ],
    personal_data=(
        Holding(
            CardSetting,
            person=("user_id",),
            what=lambda: _("Whether you want suggestions on your compass."),
            purpose=lambda: _("Showing suggestions only to those who want them."),
            basis=Basis.CONTRACT,
            retention=Retention(as_long_as_the_account),
            on_erase=OnErase.DELETE,
            recipients=nobody_else,
            exported=("suggestions_on", "updated_at"),
        ),
        Holding(
            CardVerdict,
            person=("user_id",),
            what=lambda: _("What you said of the cards of your compass."),
            purpose=lambda: _(
                "Not showing again a card that is not for you; counting, above "
                "the threshold, how useful the cards are."
            ),
            basis=Basis.LEGITIMATE_INTEREST,
            retention=Retention(as_long_as_the_account),
            on_erase=OnErase.DELETE,
            recipients=nobody_else,
            exported=("card_key", "kind", "verdict", "reason", "note", "created_at"),
        ),
        Holding(
            CardShown,
            person=("user_id",),
            what=lambda: _("The cards your compass showed you, and when first."),
            purpose=lambda: _("Counting, above the threshold, how the cards are received."),
            basis=Basis.LEGITIMATE_INTEREST,
            retention=Retention(as_long_as_the_account),
            on_erase=OnErase.DELETE,
            recipients=nobody_else,
            exported=("card_key", "kind", "first_shown_at"),
        ),
        Holding(
            CardPin,
            person=("learner_id", "trainer_id"),
            what=lambda: _(
                "The cards a trainer put on your compass, with their note, or took off it."
            ),
            purpose=lambda: _(
                "Letting trainers point a learner to a peer or a project role, or set a card "
                "aside for them."
            ),
            basis=Basis.LEGITIMATE_INTEREST,
            retention=Retention(as_long_as_the_account),
            on_erase=OnErase.DELETE,
            recipients=trainers_of_the_group,
            exported=("card_key", "kind", "note", "created_at", "removed"),
        ),
    ),
)

"""Before the session (flipped learning): the capsule page (trainers prepare it, learners
explore it) and the readiness board; the area's declaration at the bottom."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

import realtime
from community import permissions
from community.area import Area, Channel
from community.errors import NotFound
from community.flipped import board, capsule, changes, peers, progress, questions
from community.i18n import _
from community.models import (
    CourseSession,
    FlippedBlocker,
    FlippedChange,
    FlippedPeer,
    FlippedProgress,
    FlippedQuestion,
    FlippedResource,
    FlippedTopicMerge,
    FlippedTopicName,
    User,
)
from community.personal_data import (
    Basis,
    Holding,
    OnErase,
    Retention,
    as_long_as_the_account,
    as_long_as_the_space,
    members_of_the_space,
    trainers_of_the_group,
)
from community.skill_map.common import provider_skills
from community.templating import render
from community.trainings.groups import IterationView
from community.views import db, form_data, redirect, shows_errors_on, signed_in, transaction


def _session_id(request: Request) -> int:
    return int(request.path_params["session_id"])


async def capsule_page(request: Request, **extra: object) -> Response:
    user = signed_in(request)
    async with db(request).session() as session:
        found = await capsule.place(session, user, _session_id(request))
        facts = found.group.facts
        prepares = permissions.can_prepare_capsule(user, facts)
        explores = permissions.can_explore_capsule(user, facts)
        if not (prepares or explores):
            raise NotFound
        items = await capsule.resources(session, found.session_id)
        mine = await capsule.progress_of(session, user, items) if explores else {}
        blocker = await _blocker(session, user, found.session_id) if explores else None
        catalogue = await provider_skills(session, found.group.training.provider_id)
        talk = await _talk(session, user, found, explores)
        noted = await changes.of_session(session, found.session_id)
        seq = await realtime.last_seq(session, changes.channel(found.session_id))
    context = {**talk,
        "session": found.session, "group": found.group, "day": capsule.day_of(found.session),
        "items": items, "mine": mine, "blocker": blocker, "prepares": prepares,
        "explores": explores, "kind_options": capsule.kind_options(),
        "kind_label": capsule.kind_label, "choices_of": capsule.choices_of,
        "skill_options": [(str(s.id), s.name) for s in catalogue] if prepares else [],
        "skill_names": {s.id: s.name for s in catalogue}, "changes": noted,
        "changes_seq": seq, **extra,
    }  # fmt: skip
    if blocker and "values" not in extra:
        context["values"] = {"body": blocker}
    status = 422 if "errors" in extra else 200
    return render(request, "flipped/capsule.html", context, status_code=status)


async def _talk(
    session: AsyncSession, user: User, found: capsule.Place, explores: bool
) -> dict[str, Any]:
    """The capsule page's questions (in the reader's role), and for a learner their invitation
    to help and the peers who accepted to."""
    role = "learner" if explores else "trainer"
    talk = await _questions(session, found.session_id, role)
    talk.update(invitation=None, helpers=[], help_skill=None)
    if explores:
        talk["invitation"] = await peers.invitation(session, user, found.session_id)
        talk["helpers"] = await peers.for_learner(session, user, found)
        talk["help_skill"] = peers.skill_of(await capsule.resources(session, found.session_id))
    return talk


async def _questions(session: AsyncSession, session_id: int, role: str) -> dict[str, Any]:
    shown = await questions.threads(session, session_id)
    return {
        "threads": questions.visible_to(role, shown),
        "role": role,
        "qa_seq": await realtime.last_seq(session, questions.channel(session_id)),
    }


async def _blocker(session: AsyncSession, user: User, session_id: int) -> str | None:
    rows = await session.exec(
        select(FlippedBlocker.body).where(
            FlippedBlocker.session_id == session_id, FlippedBlocker.user_id == user.id
        )
    )
    return rows.first()


Write = Callable[[AsyncSession, User, Request, dict[str, str]], Awaitable[None]]


def _write(act: Write, back: str = "capsule") -> Callable[[Request], Awaitable[Response]]:
    """A write on a session's capsule or board; a refused form is said on the capsule page
    (or the board), with what was typed."""
    page = capsule_page if back == "capsule" else board_page

    @shows_errors_on(page)
    async def endpoint(request: Request) -> Response:
        user = signed_in(request)
        data = await form_data(request)
        async with transaction(request) as session:
            await act(session, user, request, data)
        anchor = data.get("anchor", "") if back == "capsule" else ""
        suffix = f"#{anchor}" if anchor.replace("-", "").isalnum() else ""
        return redirect(f"/sessions/{_session_id(request)}/{back}{suffix}")

    return endpoint


async def _add(session: AsyncSession, user: User, request: Request, data: dict) -> None:
    await capsule.add_resource(session, user, _session_id(request), data)


async def _remove(session: AsyncSession, user: User, request: Request, _data: dict) -> None:
    resource_id = int(request.path_params["resource_id"])
    await capsule.remove_resource(session, user, _session_id(request), resource_id)


async def _explore(session: AsyncSession, user: User, request: Request, data: dict) -> None:
    resource_id = int(request.path_params["resource_id"])
    await progress.explore(session, user, _session_id(request), resource_id, data)


async def _blocks(session: AsyncSession, user: User, request: Request, data: dict) -> None:
    await progress.say_what_blocks(session, user, _session_id(request), data)


async def _ask(session: AsyncSession, user: User, request: Request, data: dict) -> None:
    await questions.ask(session, user, _session_id(request), data)


async def _answer(session: AsyncSession, user: User, request: Request, data: dict) -> None:
    await questions.answer(session, user, _session_id(request), data)


async def _hide(session: AsyncSession, user: User, request: Request, data: dict) -> None:
    await questions.hide(session, user, _session_id(request), data)


async def _good(session: AsyncSession, user: User, request: Request, data: dict) -> None:
    await questions.mark_good(session, user, _session_id(request), data)


async def _invite(session: AsyncSession, user: User, request: Request, _data: dict) -> None:
    # The board's readers see the new count of invited learners.
    await board.changed(session, await peers.invite(session, user, _session_id(request)))


async def _respond(session: AsyncSession, user: User, request: Request, data: dict) -> None:
    # The board names who accepted.
    await board.changed(session, await peers.respond(session, user, _session_id(request), data))


async def _name(session: AsyncSession, user: User, request: Request, data: dict) -> None:
    await board.name_topic(session, user, _session_id(request), data)


async def _merge(session: AsyncSession, user: User, request: Request, data: dict) -> None:
    await board.merge_topics(session, user, _session_id(request), data)


async def _change(session: AsyncSession, user: User, request: Request, data: dict) -> None:
    await changes.record(session, user, _session_id(request), data)


async def board_page(request: Request, **extra: object) -> Response:
    user = signed_in(request)
    session_id = _session_id(request)
    async with db(request).session() as session:
        shown = await board.readable(session, user, session_id)
        seq = await realtime.last_seq(session, board.channel(session_id))
        talk = await _questions(session, session_id, "trainer")
        noted = await changes.of_session(session, session_id)
    day = capsule.day_of(shown.place.session)
    context: dict[str, Any] = {
        **board.context(shown, seq), **talk, "day": day,
        "change_options": changes.topic_options(shown),
        "changes": noted, **extra,
    }  # fmt: skip
    status = 422 if "errors" in extra else 200
    return render(request, "flipped/board.html", context, status_code=status, block="board")


async def group_part(
    session: AsyncSession, user: User, view: IterationView, _request: Request
) -> dict[str, Any]:
    """On the group's page, each session links to its capsule: for trainers always, for
    learners once there is something to explore."""
    prepared = await session.exec(
        select(FlippedResource.session_id)
        .join(CourseSession, col(CourseSession.id) == FlippedResource.session_id)
        .where(CourseSession.iteration_id == view.iteration_id)
        .distinct()
    )
    return {
        "capsules": set(prepared),
        "prepares_capsules": permissions.can_prepare_capsule(user, view.facts),
    }


async def _hears_board(session: AsyncSession, user: User, session_id: int) -> bool:
    await capsule.allowed(session, user, session_id, permissions.can_read_readiness)
    return True  # else NotFound was raised


async def _hears_changes(session: AsyncSession, user: User, session_id: int) -> bool:
    await capsule.allowed(session, user, session_id, permissions.can_read_capsule_changes)
    return True  # else NotFound was raised


SESSION = "/sessions/{session_id:id}"
RESOURCE = SESSION + "/capsule/resources/{resource_id:id}"

AREA = Area(
    "flipped",
    routes=[
        Route(SESSION + "/capsule", capsule_page, methods=["GET"]),
        Route(SESSION + "/capsule/resources", _write(_add), methods=["POST"]),
        Route(RESOURCE + "/remove", _write(_remove), methods=["POST"]),
        Route(RESOURCE + "/explored", _write(_explore), methods=["POST"]),
        Route(SESSION + "/capsule/blocking", _write(_blocks), methods=["POST"]),
        Route(SESSION + "/readiness", board_page, methods=["GET"]),
        Route(SESSION + "/readiness/topics", _write(_name, "readiness"), methods=["POST"]),
        Route(SESSION + "/capsule/questions", _write(_ask), methods=["POST"]),
        Route(SESSION + "/capsule/answers", _write(_answer), methods=["POST"]),
        Route(SESSION + "/capsule/questions/hide", _write(_hide), methods=["POST"]),
        Route(SESSION + "/capsule/questions/good", _write(_good), methods=["POST"]),
        Route(SESSION + "/readiness/peers", _write(_invite, "readiness"), methods=["POST"]),
        Route(SESSION + "/capsule/peer", _write(_respond), methods=["POST"]),
        Route(SESSION + "/readiness/merges", _write(_merge, "readiness"), methods=["POST"]),
        Route(SESSION + "/readiness/changes", _write(_change, "readiness"), methods=["POST"]),
    ],
    channels={
        "readiness": Channel(_hears_board),
        "capsule": Channel(_hears_changes),
        "capsuleqa": Channel(questions.may_hear, role=questions.role),
    },
    notifications={
        "peer_tutor": lambda title: (
            _("You were ready for “%(title)s”: would you help your peers?") % {"title": title}
        ),
    },
    group_page=group_part,
    rules=[
        permissions.can_prepare_capsule,
        permissions.can_explore_capsule,
        permissions.can_say_what_blocks,
        permissions.can_read_readiness,
        permissions.can_name_topic,
        permissions.can_ask_about_capsule,
        permissions.can_answer_about_capsule,
        permissions.can_moderate_capsule_questions,
        permissions.can_invite_peer_tutors,
        permissions.can_answer_peer_invitation,
        permissions.can_merge_topics,
        permissions.can_record_capsule_change,
        permissions.can_read_capsule_changes,
    ],
    personal_data=(
        Holding(
            FlippedResource,
            person=("author_id",),
            what=lambda: _("The resources you prepared for a session."),
            purpose=lambda: _("Letting the group prepare the session."),
            basis=Basis.CONTRACT,
            retention=Retention(as_long_as_the_space),
            on_erase=OnErase.KEEP_AS_FORMER,
            recipients=trainers_of_the_group,
            exported=(
                "session_id",
                "kind",
                "title",
                "url",
                "body",
                "minutes",
                "skill_id",
                "created_at",
            ),
        ),
        Holding(
            FlippedProgress,
            person=("user_id",),
            what=lambda: _(
                "The resources you explored before a session, your ratings and checkpoint answers."
            ),
            purpose=lambda: _(
                "Showing you where you are; counting, for the trainers, how ready the group is."
            ),
            basis=Basis.CONTRACT,
            retention=Retention(as_long_as_the_account),
            on_erase=OnErase.DELETE,
            recipients=trainers_of_the_group,
            exported=("resource_id", "usefulness", "choice", "explored_at"),
        ),
        Holding(
            FlippedBlocker,
            person=("user_id",),
            what=lambda: _("What you said was blocking you before a session."),
            purpose=lambda: _("Letting trainers adapt the session, as topics from k learners."),
            basis=Basis.CONTRACT,
            retention=Retention(as_long_as_the_account),
            on_erase=OnErase.DELETE,
            recipients=trainers_of_the_group,
            exported=("session_id", "body", "created_at"),
        ),
        Holding(
            FlippedTopicName,
            person=("named_by",),
            what=lambda: _("The names you gave topics of blocking points."),
            purpose=lambda: _("Reading the readiness board."),
            basis=Basis.CONTRACT,
            retention=Retention(as_long_as_the_space),
            on_erase=OnErase.KEEP_AS_FORMER,
            recipients=trainers_of_the_group,
            exported=("session_id", "name", "created_at"),
        ),
        Holding(
            FlippedQuestion,
            person=("author_id",),
            what=lambda: _("Your questions about a capsule, and your answers to others'."),
            purpose=lambda: _("Letting the group help each other before the session."),
            basis=Basis.CONTRACT,
            retention=Retention(as_long_as_the_space),
            on_erase=OnErase.KEEP_AS_FORMER,  # the discussion keeps its thread
            recipients=members_of_the_space,
            exported=("session_id", "parent_id", "body", "good", "hidden", "created_at"),
        ),
        Holding(
            FlippedPeer,
            person=("user_id",),
            what=lambda: _("Your invitation to help your peers, and your answer to it."),
            purpose=lambda: _("Pointing the learners who were not ready to peers who can help."),
            basis=Basis.CONTRACT,
            retention=Retention(as_long_as_the_account),
            on_erase=OnErase.DELETE,
            recipients=members_of_the_space,
            exported=("session_id", "accepted", "invited_at"),
        ),
        Holding(
            FlippedTopicMerge,
            person=("merged_by",),
            what=lambda: _("The topics of blocking points you merged."),
            purpose=lambda: _("Reading the readiness board."),
            basis=Basis.CONTRACT,
            retention=Retention(as_long_as_the_space),
            on_erase=OnErase.KEEP_AS_FORMER,
            recipients=trainers_of_the_group,
            exported=("session_id", "created_at"),
        ),
        Holding(
            FlippedChange,
            person=("created_by",),
            what=lambda: _("What you said you changed in a session because of its learners."),
            purpose=lambda: _("Telling learners what changed because of what they said."),
            basis=Basis.CONTRACT,
            retention=Retention(as_long_as_the_space),
            on_erase=OnErase.KEEP_AS_FORMER,
            recipients=lambda: _("The learners and trainers of the group."),
            exported=("session_id", "said", "body", "created_at"),
        ),
    ),
)

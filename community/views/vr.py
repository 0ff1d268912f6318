"""Virtual reality and 360°: the catalogue with headsets and slots, a scene's comfort check,
a practice with its viewer and debrief; the area's declaration at the bottom."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from community import images, permissions, security
from community.area import Area, NavEntry
from community.errors import NotFound
from community.i18n import _
from community.models import VrBooking, VrComfort, VrPractice, VrScene
from community.personal_data import (
    Basis,
    Holding,
    OnErase,
    Retention,
    as_long_as_the_account,
    as_long_as_the_space,
    nobody_else,
)
from community.security import SECURITY_HEADERS
from community.skill_map.common import provider_skills
from community.templating import render
from community.views import (
    current_user,
    db,
    form_data,
    redirect,
    shows_errors_on,
    signed_in,
    transaction,
    uploaded,
)
from community.vr import headsets, practice, scenes
from community.vr.reach import Reach, reach

# A scene's picture is sent with its form: twice the picture's limit, so that one somewhat
# too large is refused next to its field with what was typed kept, not by an error page.
UPLOADS = ((re.compile(r"/vr/scenes"), 2 * images.MAX_BYTES),)


async def catalogue_page(request: Request, **extra: object) -> Response:
    user = signed_in(request)
    async with db(request).session() as session:
        seen = await reach(session, user)
        context = {
            "scenes": await scenes.catalogue(session, seen),
            "slots": await headsets.upcoming(session, seen),
            "debriefs": await practice.debriefs(session, seen),
            "headsets": await headsets.headsets(session, seen.kept),
            "skills": await provider_skills(session, seen.kept) if seen.kept else [],
            "keeps": seen.kept is not None, "books": any(map(seen.books, seen.enrolled)),
            **extra,
        }  # fmt: skip
    status = 422 if "errors" in extra else 200
    return render(request, "vr/catalogue.html", context, status_code=status)


async def scene_page(request: Request, **extra: object) -> Response:
    """The comfort check before a practice, and the scene's text alternative."""
    user = signed_in(request)
    async with db(request).session() as session:
        seen = await reach(session, user)
        scene, skill = await scenes.scene(session, seen, request.path_params["scene_id"])
        flat = await practice.prefers_flat(session, user.id)
    context = {"scene": scene, "skill": skill, "prefers_flat": flat,
               "practises": seen.practises(scene.provider_id), **extra}  # fmt: skip
    status = 422 if "errors" in extra else 200
    return render(request, "vr/scene.html", context, status_code=status)


async def practice_page(request: Request, **extra: object) -> Response:
    """The practice: the 360° viewer (or the still picture, for the flat version), the text
    alternative, and the debrief."""
    user = signed_in(request)
    async with db(request).session() as session:
        seen = await reach(session, user)
        done, scene = await practice.own(session, seen, request.path_params["practice_id"])
    context = {"practice": done, "scene": scene, "picture": scenes.picture_address(scene),
               "video_type": scenes.video_type(scene.video_url), **extra}  # fmt: skip
    if "values" not in extra and done.debriefed_at:
        context["values"] = {"went_well": done.went_well, "do_differently": done.do_differently}
    status = 422 if "errors" in extra else 200
    response = render(request, "vr/practice.html", context, status_code=status)
    response.headers["content-security-policy"] = _policy(scene)
    return response


def _policy(scene: VrScene) -> str:
    """The page's policy lets in the origins of the scene's linked picture or video only."""
    policy = SECURITY_HEADERS["content-security-policy"]
    picture = scenes.origin(scene.image_url)
    if scene.video_url:
        # The browser plays the video itself (media-src); a linked poster is only shown.
        policy = security.letting_in(policy, "media-src", scenes.origin(scene.video_url))
        return security.letting_in(policy, "img-src", picture) if picture else policy
    if picture:  # Pannellum fetches the picture, then draws it from a blob: address
        policy = security.letting_in(policy, "img-src", "blob:", picture)
        policy = security.letting_in(policy, "connect-src", picture)
    return policy


async def picture(request: Request) -> Response:
    """A scene's stored picture, for those who may open the scene; to others, none."""
    user = current_user(request)
    if user is None:
        raise NotFound
    async with db(request).session() as session:
        scene, _skill = await scenes.scene(session, await reach(session, user),
                                           request.path_params["scene_id"])  # fmt: skip
    content = await asyncio.to_thread(request.app.state.media.get, scene.image_key or "")
    if not scene.image_key or content is None:
        raise NotFound
    headers = {
        "cache-control": "private",
        "content-disposition": "inline",
        "content-security-policy": "default-src 'none'; img-src 'self'; sandbox",
    }
    return Response(content, media_type=images.CONTENT_TYPE, headers=headers)


Act = Callable[[AsyncSession, Reach, Request, dict[str, str]], Awaitable[str]]


def _write(act: Act, page: Callable[..., Awaitable[Response]]) -> Callable[..., Any]:
    """A write of the area: the action says where to go next; a refused form is said on
    `page`, with what was typed."""

    @shows_errors_on(page)
    async def endpoint(request: Request) -> Response:
        user = signed_in(request)
        data = await form_data(request)
        async with transaction(request) as session:
            target = await act(session, await reach(session, user), request, data)
        return redirect(target)

    return endpoint


async def _add_scene(session: AsyncSession, seen: Reach, request: Request, data: dict) -> str:
    upload = await uploaded(request, scenes.FIELD, images.MAX_BYTES)
    scene = await scenes.add(session, seen, data, upload, request.app.state.media)
    return f"/vr/scenes/{scene.id}"


async def _start(session: AsyncSession, seen: Reach, request: Request, data: dict) -> str:
    practice_id = await practice.start(session, seen, request.path_params["scene_id"], data)
    return f"/vr/practices/{practice_id}"


async def _debrief(session: AsyncSession, seen: Reach, request: Request, data: dict) -> str:
    practice_id = request.path_params["practice_id"]
    await practice.debrief(session, seen, practice_id, data)
    return f"/vr/practices/{practice_id}#debrief"


async def _add_headset(session: AsyncSession, seen: Reach, _request: Request, data: dict) -> str:
    await headsets.add_headset(session, seen, data)
    return "/vr#headsets"


async def _add_slot(session: AsyncSession, seen: Reach, request: Request, data: dict) -> str:
    await headsets.add_slot(session, seen, request.path_params["headset_id"], data)
    return "/vr#headsets"


async def _book(session: AsyncSession, seen: Reach, request: Request, _data: dict) -> str:
    await headsets.book(session, seen, request.path_params["slot_id"])
    return "/vr#headsets"


async def _cancel(session: AsyncSession, seen: Reach, request: Request, _data: dict) -> str:
    await headsets.cancel(session, seen, request.path_params["slot_id"])
    return "/vr#headsets"


def _opens_catalogue(user: Any) -> bool:
    """The link shows for learners and for the catalogue's keepers."""
    keeper = user.provider_id is not None and permissions.can_add_vr_scene(user, user.provider_id)
    return keeper or permissions.can_seek_help(user)


SCENE = "/vr/scenes/{scene_id:id}"
PRACTICE = "/vr/practices/{practice_id:id}"
SLOT = "/vr/slots/{slot_id:id}"

AREA = Area(
    "vr",
    routes=[
        Route("/vr", catalogue_page, methods=["GET"]),
        Route("/vr/scenes", _write(_add_scene, catalogue_page), methods=["POST"]),
        Route(SCENE, scene_page, methods=["GET"]),
        Route(SCENE + "/picture", picture, methods=["GET"]),
        Route(SCENE + "/practices", _write(_start, scene_page), methods=["POST"]),
        Route(PRACTICE, practice_page, methods=["GET"]),
        Route(PRACTICE + "/debrief", _write(_debrief, practice_page), methods=["POST"]),
        Route("/vr/headsets", _write(_add_headset, catalogue_page), methods=["POST"]),
        Route(
            "/vr/headsets/{headset_id:id}/slots",
            _write(_add_slot, catalogue_page),
            methods=["POST"],
        ),
        Route(SLOT + "/book", _write(_book, catalogue_page), methods=["POST"]),
        Route(SLOT + "/cancel", _write(_cancel, catalogue_page), methods=["POST"]),
    ],
    nav=[NavEntry("/vr", lambda: _("VR and 360°"), _opens_catalogue, order=46)],
    rules=[
        permissions.can_add_vr_scene,
        permissions.can_open_vr_scene,
        permissions.can_practise_vr,
        permissions.can_read_vr_debrief,
        permissions.can_manage_headsets,
        permissions.can_book_headset,
        permissions.can_cancel_headset_booking,
    ],
    personal_data=(
        Holding(
            VrScene,
            person=("author_id",),
            what=lambda: _("The 360° scenes you added to the catalogue."),
            purpose=lambda: _("Letting learners practise a skill in virtual reality or 360°."),
            basis=Basis.CONTRACT,
            retention=Retention(as_long_as_the_space),
            on_erase=OnErase.KEEP_AS_FORMER,
            recipients=nobody_else,
            exported=("title", "description", "image_url", "video_url", "created_at"),
        ),
        Holding(
            VrComfort,
            person=("user_id",),
            what=lambda: _("Whether you chose the flat version of 360° scenes."),
            purpose=lambda: _("Offering you first the version that suits you."),
            basis=Basis.CONTRACT,
            retention=Retention(as_long_as_the_account),
            on_erase=OnErase.DELETE,
            recipients=nobody_else,
            exported=("prefers_flat", "updated_at"),
        ),
        Holding(
            VrPractice,
            person=("user_id",),
            what=lambda: _("Your practices of 360° scenes and their debriefs."),
            purpose=lambda: _("Letting you step back on your practice; nobody else reads it."),
            basis=Basis.CONTRACT,
            retention=Retention(as_long_as_the_account),
            on_erase=OnErase.DELETE,
            recipients=nobody_else,
            exported=(
                "scene_id",
                "mode",
                "started_at",
                "went_well",
                "do_differently",
                "debriefed_at",
            ),
        ),
        Holding(
            VrBooking,
            person=("user_id",),
            what=lambda: _("The headset slots you booked."),
            purpose=lambda: _("Sharing the provider's headsets between learners."),
            basis=Basis.CONTRACT,
            retention=Retention(as_long_as_the_account),
            on_erase=OnErase.DELETE,
            recipients=nobody_else,
            exported=("slot_id", "created_at"),
        ),
    ),
)

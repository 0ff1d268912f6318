"""The skill map: the trainer's page (/skills/map) and the learner's way towards a job."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from community import permissions, skill_map
from community.area import Area, NavEntry
from community.i18n import _
from community.models import LinkKind, PathwayChoice, SkillLink, TargetJob, User
from community.personal_data import (
    Basis,
    Holding,
    OnErase,
    Retention,
    as_long_as_the_account,
    as_long_as_the_space,
    nobody_else,
    trainers_of_the_group,
)
from community.templating import render
from community.views import (
    Endpoint,
    db,
    form_data,
    redirect,
    shows_errors_on,
    signed_in,
    transaction,
)
from community.views.tutoring import skills_page


async def map_page(request: Request, **extra: Any) -> Response:
    user = signed_in(request)
    async with db(request).session() as session:
        page = await skill_map.map_page(session, user)
    context = {
        "page": page,
        "skill_options": _options(page.skills, "name"),
        "job_options": _options(page.jobs, "title"),
        "training_options": _options((t for t, _covered in page.trainings), "title"),
        "kind_options": [
            (LinkKind.PREREQUISITE, _("is needed before")),
            (LinkKind.RELATED, _("is related to")),
        ],
    }
    status = 422 if "errors" in extra else 200
    return render(request, "skill_map.html", {**context, **extra}, status_code=status)


def _options(rows: Iterable[Any], label: str) -> list[tuple[int, str]]:
    return [(row.id, getattr(row, label)) for row in rows]


Write = Callable[[AsyncSession, User, Mapping[str, str]], Awaitable[object]]


def _map_write(act: Write) -> Endpoint:
    """One form of the map; a refused one is said on the map, next to its field."""

    @shows_errors_on(map_page)
    async def endpoint(request: Request) -> Response:
        user = signed_in(request)
        data = await form_data(request)
        async with transaction(request) as session:
            await act(session, user, data)
        return redirect("/skills/map")

    return endpoint


add_link = _map_write(skill_map.add_link)
add_job = _map_write(skill_map.add_job)
add_job_skill = _map_write(skill_map.add_job_skill)
add_training_skill = _map_write(skill_map.add_training_skill)
set_code = _map_write(skill_map.set_code)
describe_skill = _map_write(skill_map.describe_skill)


async def remove_link(request: Request) -> Response:
    user = signed_in(request)
    async with transaction(request) as session:
        await skill_map.remove_link(session, user, int(request.path_params["link_id"]))
    return redirect("/skills/map")


@shows_errors_on(skills_page)  # the learner's skills page, where the choice is made
async def choose_job(request: Request) -> Response:
    user = signed_in(request)
    data = await form_data(request)
    async with transaction(request) as session:
        await skill_map.choose_job(session, user, data)
    return redirect("/skills#pathway-title")


async def _on_skills_page(session: AsyncSession, user: User) -> dict[str, Any]:
    pathway = await skill_map.pathway(session, user)
    jobs = pathway.jobs if pathway else []
    chosen = pathway.job.id if pathway and pathway.job else ""
    # The job already chosen shows selected; a refused form's own values replace these.
    values = {"job_id": str(chosen)}
    return {"pathway": pathway, "target_job_options": _options(jobs, "title"), "values": values}


def _sees_map(user: User) -> bool:
    return user.provider_id is not None and permissions.can_view_skill_map(user, user.provider_id)


AREA = Area(
    "skill_map",
    routes=[
        Route("/skills/map", map_page, methods=["GET"]),
        Route("/skills/map/links", add_link, methods=["POST"]),
        Route("/skills/map/links/{link_id:id}/remove", remove_link, methods=["POST"]),
        Route("/skills/map/jobs", add_job, methods=["POST"]),
        Route("/skills/map/job-skills", add_job_skill, methods=["POST"]),
        Route("/skills/map/training-skills", add_training_skill, methods=["POST"]),
        Route("/skills/map/codes", set_code, methods=["POST"]),
        Route("/skills/map/descriptions", describe_skill, methods=["POST"]),
        Route("/skills/pathway", choose_job, methods=["POST"]),
    ],
    nav=[NavEntry("/skills/map", lambda: _("Skill map"), _sees_map, order=32)],
    rules=[
        permissions.can_view_skill_map,
        permissions.can_link_skills,
        permissions.can_unlink_skills,
        permissions.can_define_target_job,
        permissions.can_map_training_skills,
        permissions.can_code_skill,
        permissions.can_describe_skill,
        permissions.can_choose_target_job,
    ],
    skills_page=_on_skills_page,
    personal_data=(
        Holding(
            TargetJob,
            person=("created_by",),
            what=lambda: _("The target jobs you added to the skill map."),
            purpose=lambda: _("Showing learners the skills a job needs."),
            basis=Basis.LEGITIMATE_INTEREST,
            retention=Retention(as_long_as_the_space),
            on_erase=OnErase.KEEP_AS_FORMER,
            recipients=trainers_of_the_group,
            exported=("title", "code", "created_at"),
        ),
        Holding(
            SkillLink,
            person=("created_by",),
            what=lambda: _("The links between skills you added to the skill map."),
            purpose=lambda: _("Naming the prerequisites of a skill to learners."),
            basis=Basis.LEGITIMATE_INTEREST,
            retention=Retention(as_long_as_the_space),
            on_erase=OnErase.KEEP_AS_FORMER,
            recipients=trainers_of_the_group,
            exported=("from_skill_id", "to_skill_id", "kind", "created_at"),
        ),
        Holding(
            PathwayChoice,
            person=("user_id",),
            what=lambda: _("The job you aim at."),
            purpose=lambda: _("Showing the skills and trainings between you and that job."),
            basis=Basis.CONTRACT,
            retention=Retention(as_long_as_the_account),
            on_erase=OnErase.DELETE,
            recipients=nobody_else,
            exported=("target_job_id", "updated_at"),
        ),
    ),
)

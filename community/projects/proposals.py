"""Proposing a project, its draft, the supports it gathers, and its launch by its author."""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import forms, notifications, parsing, permissions, trainings
from community.errors import Forbidden
from community.i18n import _
from community.models import Project, ProjectMember, ProjectRole, ProjectSupport, User
from community.projects.access import ProjectView, require
from community.projects.channels import push
from community.projects.choices import WEEKS, ProjectStatus
from community.trainings import IterationView

MAX_ROLES = 4

PROJECT_FIELDS = (
    forms.Text("title", max_length=120, min_length=3),
    forms.Text("pitch", max_length=1000, multiline=True),
    forms.Text("goals", max_length=1000, required=False, multiline=True),
    forms.Text("skills", max_length=300, required=False),
    forms.Choice("weeks", choices=tuple(str(weeks) for weeks in WEEKS)),
)


async def groups_to_propose_in(db: AsyncSession, user: User) -> list[tuple[int, str]]:
    """The groups where this person may propose a project, as the form lists them."""
    return [
        (iteration.id or 0, f"{training.title} · {iteration.name}")
        for iteration, training, role in await trainings.my_iterations(db, user)
        if permissions.can_propose_project(
            user, permissions.IterationFacts(training.provider_id, role)
        )
    ]


async def propose(
    db: AsyncSession, user: User, group: IterationView, data: dict[str, str]
) -> Project:
    """A proposal, or a draft; the same form sent twice (idem key) makes one project."""
    if not permissions.can_propose_project(user, group.facts):
        raise Forbidden
    key = forms.idempotency_key(data)
    if key is not None:
        sent = select(Project).where(Project.author_id == user.id, Project.idempotency_key == key)
        if (earlier := (await db.exec(sent)).first()) is not None:
            return earlier
    errors: dict[str, str] = {}
    values = forms.collect(data, errors, *PROJECT_FIELDS)
    roles = _roles(data, errors)
    if errors:
        raise forms.FormError(errors, data)
    project = Project(
        idempotency_key=key,
        iteration_id=group.iteration.id or 0,
        author_id=user.id or 0,
        status=ProjectStatus.PROPOSED if data.get("publish") == "1" else ProjectStatus.DRAFT,
        join_needs_approval=data.get("approval") == "1",
        community=data.get("community") == "1",
        **{**values, "weeks": int(values["weeks"])},
    )
    try:
        async with db.begin_nested():
            db.add(project)
    except IntegrityError:  # the same form, sent twice at the same moment
        raise forms.FormError({"title": _("This project was already sent.")}, data) from None
    for name, slots in roles:
        db.add(ProjectRole(project_id=project.id or 0, name=name, slots=slots))
    db.add(ProjectMember(project_id=project.id or 0, user_id=user.id or 0, is_lead=True))
    return project


def _roles(data: dict[str, str], errors: dict[str, str]) -> list[tuple[str, int]]:
    roles = []
    for n in range(MAX_ROLES):
        named = forms.collect(data, errors, forms.Text(f"role{n}", max_length=60, required=False))
        name = named.get(f"role{n}")
        slots = parsing.number(data.get(f"slots{n}", "1"), 1, 10)
        if not name:
            continue
        if slots is None:
            errors[f"role{n}"] = _("Between 1 and 10 places per role.")
        else:
            roles.append((name, slots))
    if not roles and not errors:
        errors["role0"] = _("Name at least one role to fill.")
    return roles


async def publish(db: AsyncSession, view: ProjectView) -> None:
    require(view.can_publish)
    view.project.status = ProjectStatus.PROPOSED
    db.add(view.project)


async def edit_draft(db: AsyncSession, view: ProjectView, data: dict[str, str]) -> None:
    require(view.can_edit_draft)
    values = forms.parse(data, *PROJECT_FIELDS)
    for name, value in {**values, "weeks": int(values["weeks"])}.items():
        setattr(view.project, name, value)
    db.add(view.project)


async def supporters(db: AsyncSession, project_id: int) -> int:
    query = select(func.count(col(ProjectSupport.id))).where(
        ProjectSupport.project_id == project_id
    )
    return (await db.exec(query)).one()


async def has_supported(db: AsyncSession, project_id: int, user_id: int) -> bool:
    query = select(ProjectSupport.id).where(
        ProjectSupport.project_id == project_id, ProjectSupport.user_id == user_id
    )
    return (await db.exec(query)).first() is not None


async def support(db: AsyncSession, view: ProjectView) -> None:
    """A second support is a no-op; the author hears when the threshold is reached."""
    require(view.can_support)
    project = view.project
    try:
        async with db.begin_nested():
            db.add(ProjectSupport(project_id=project.id or 0, user_id=view.user.id or 0))
    except IntegrityError:
        return
    if await supporters(db, project.id or 0) == view.group.iteration.support_threshold:
        await notifications.notify(
            db, project.author_id, "threshold", project.title, f"/projects/{project.id}"
        )
    await push(db, view, "head")


async def launch(db: AsyncSession, view: ProjectView) -> None:
    require(view.can_launch)
    project = view.project
    if await supporters(db, project.id or 0) < view.group.iteration.support_threshold:
        raise forms.FormError({"head": _("Not enough supports yet to launch it.")})
    project.status = ProjectStatus.ACTIVE
    db.add(project)
    await push(db, view, "head", "members", "compose")

"""The team's board: tasks in columns, and milestones."""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import forms, notifications, parsing
from community.errors import NotFound
from community.i18n import _
from community.models import Milestone, Task, User
from community.pathways.live import evidence_changed
from community.projects.access import ProjectView, require
from community.projects.channels import push
from community.projects.choices import MemberStatus, TaskStatus
from community.projects.membership import members_of

TASK_FIELDS = (forms.Text("title", max_length=200), forms.Day("due_on", required=False))
MILESTONE_FIELDS = (forms.Text("title", max_length=120), forms.Day("due_on"))


async def add_task(db: AsyncSession, view: ProjectView, data: dict[str, str]) -> Task:
    require(view.can_run_board)
    values = forms.parse(data, *TASK_FIELDS)
    assignee = await _member_user(db, view, data.get("assignee_id"))
    task = Task(project_id=view.project.id or 0, assignee_id=assignee, **values)
    db.add(task)
    await db.flush()  # the task is returned with its id
    if assignee is not None and assignee != view.user.id:
        await notifications.notify(
            db, assignee, "task", values["title"], f"/projects/{view.project.id}"
        )
    await push(db, view, "board")
    return task


async def _member_user(db: AsyncSession, view: ProjectView, raw: str | None) -> int | None:
    """The person a task is given to: nobody yet, or one of the team's members."""
    if not raw:
        return None  # nobody yet
    members = {
        member.user_id
        for member, _person in await members_of(db, view.project.id or 0)
        if member.status == MemberStatus.MEMBER
    }
    chosen = parsing.ident(raw)
    if chosen is None or chosen not in members:
        raise forms.FormError({"assignee_id": _("Choose one of the options.")})
    return chosen


async def move_task(db: AsyncSession, view: ProjectView, task_id: int, status: str) -> None:
    require(view.can_run_board)
    task = await db.get(Task, task_id)
    if task is None or task.project_id != view.project.id or status not in set(TaskStatus):
        raise NotFound
    # A task of someone's done, or no longer done, is evidence gained or lost for them.
    counts = TaskStatus.DONE in (task.status, status) and task.status != status
    task.status = status
    db.add(task)
    if counts and task.assignee_id is not None:
        await evidence_changed(db, [task.assignee_id])
    await push(db, view, "board")


async def add_milestone(db: AsyncSession, view: ProjectView, data: dict[str, str]) -> None:
    require(view.can_run_board)
    values = forms.parse(data, *MILESTONE_FIELDS)
    db.add(Milestone(project_id=view.project.id or 0, **values))
    await push(db, view, "board")


async def toggle_milestone(db: AsyncSession, view: ProjectView, milestone_id: int) -> None:
    require(view.can_run_board)
    milestone = await db.get(Milestone, milestone_id)
    if milestone is None or milestone.project_id != view.project.id:
        raise NotFound
    milestone.done = not milestone.done
    db.add(milestone)
    await push(db, view, "board")


async def tasks_and_milestones(
    db: AsyncSession, project_id: int
) -> tuple[list[tuple[Task, User | None]], list[Milestone]]:
    tasks = await db.exec(
        select(Task, User)
        .outerjoin(User, col(User.id) == Task.assignee_id)
        .where(Task.project_id == project_id)
        .order_by(col(Task.id))
    )
    milestones = await db.exec(
        select(Milestone).where(Milestone.project_id == project_id).order_by(col(Milestone.due_on))
    )
    return list(tasks), list(milestones)

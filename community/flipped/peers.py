"""Ready learners as peer tutors: a trainer invites the learners who were ready (explored
every resource, or answered every checkpoint right) to help; each chooses to accept or not.
Only those who accepted are shown, and only to the learners who were not ready, with a way
to ask them through peer tutoring. A learner's readiness is never shown to another."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import notifications, permissions
from community.database import insert_for
from community.errors import NotFound
from community.flipped.capsule import Place, allowed, resources
from community.models import (
    Enrolment,
    EnrolmentRole,
    FlippedPeer,
    FlippedProgress,
    FlippedResource,
    User,
)


@dataclass(frozen=True)
class Tutors:
    """What a trainer's board says of peer tutoring: how many were ready, how many were
    invited, and who accepted (they agreed to be named)."""

    ready: int
    invited: int
    accepted: list[str]


def _is_ready(items: list[FlippedResource], rows: list[FlippedProgress]) -> bool:
    """Explored every resource, or answered every checkpoint right."""
    choices = {row.resource_id: row.choice for row in rows}
    checkpoints = [item for item in items if item.question]
    explored_all = bool(items) and all(item.id in choices for item in items)
    passed = bool(checkpoints) and all(
        choices.get(c.id or 0) == c.right_choice for c in checkpoints
    )
    return explored_all or passed


async def ready_learners(db: AsyncSession, found: Place) -> set[int]:
    """The ids of the group's learners who were ready for the session."""
    items = await resources(db, found.session_id)
    rows = await db.exec(
        select(FlippedProgress)
        .join(Enrolment, col(Enrolment.user_id) == FlippedProgress.user_id)
        .where(col(FlippedProgress.resource_id).in_([item.id for item in items]))
        .where(Enrolment.iteration_id == found.group.iteration_id)
        .where(Enrolment.role == EnrolmentRole.LEARNER)
    )
    by_user: dict[int, list[FlippedProgress]] = {}
    for row in rows:
        by_user.setdefault(row.user_id, []).append(row)
    return {user_id for user_id, done in by_user.items() if _is_ready(items, done)}


async def accepted_names(db: AsyncSession, session_id: int) -> list[tuple[int, str]]:
    rows = await db.exec(
        select(User.id, User.display_name)
        .join(FlippedPeer, col(FlippedPeer.user_id) == User.id)
        .where(FlippedPeer.session_id == session_id, col(FlippedPeer.accepted).is_(True))
        .order_by(col(User.display_name))
    )
    return [(user_id or 0, name) for user_id, name in rows]


async def tutors(db: AsyncSession, found: Place) -> Tutors:
    invited = await db.exec(
        select(FlippedPeer.user_id).where(FlippedPeer.session_id == found.session_id)
    )
    accepted = await accepted_names(db, found.session_id)
    ready = await ready_learners(db, found)
    return Tutors(len(ready), len(list(invited)), [name for _id, name in accepted])


async def invite(db: AsyncSession, user: User, session_id: int) -> Place:
    """Invite every ready learner not invited yet; each is told by a notification."""
    found = await allowed(db, user, session_id, permissions.can_invite_peer_tutors)
    ready = await ready_learners(db, found)
    if not ready:
        return found
    statement = (
        insert_for(db, FlippedPeer)
        .values([{"session_id": found.session_id, "user_id": u} for u in sorted(ready)])
        .on_conflict_do_nothing()
        .returning(col(FlippedPeer.user_id))
    )
    invited = list((await (await db.connection()).execute(statement)).scalars())
    link = f"/sessions/{found.session_id}/capsule#peer-invitation"
    for learner in invited:
        await notifications.notify(db, learner, "peer_tutor", found.session.title, link)
    return found


async def invitation(db: AsyncSession, user: User, session_id: int) -> FlippedPeer | None:
    rows = await db.exec(
        select(FlippedPeer).where(
            FlippedPeer.session_id == session_id, FlippedPeer.user_id == user.id
        )
    )
    return rows.first()


async def respond(db: AsyncSession, user: User, session_id: int, data: dict) -> Place:
    """The invited learner's choice; sent twice (two tabs), the same row says the same."""
    found = await allowed(db, user, session_id, permissions.can_answer_peer_invitation)
    choice = data.get("accept")
    if choice not in ("yes", "no"):
        raise NotFound
    changed = await db.exec(
        update(FlippedPeer)
        .where(col(FlippedPeer.session_id) == found.session_id)
        .where(col(FlippedPeer.user_id) == user.id)
        .values(accepted=choice == "yes")
    )
    if changed.rowcount == 0:
        raise NotFound
    return found


async def for_learner(db: AsyncSession, user: User, found: Place) -> list[tuple[int, str]]:
    """The accepted peers shown to a learner who was not ready; none to one who was."""
    if (user.id or 0) in await ready_learners(db, found):
        return []
    return [(i, name) for i, name in await accepted_names(db, found.session_id) if i != user.id]


def skill_of(items: list[FlippedResource]) -> int | None:
    """The skill the capsule works on, to ask for help with: its first resource's that has one."""
    return next((item.skill_id for item in items if item.skill_id is not None), None)

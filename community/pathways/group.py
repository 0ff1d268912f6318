"""A group's compass, for its trainers and staff: the cards a trainer pins for a learner
(a peer, or a project role) or removes, and how the group's cards were received, never
below k."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete
from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community import forms, parsing, permissions, trainings
from community.database import insert_once
from community.errors import NotFound
from community.i18n import _
from community.models import (
    CardPin,
    Enrolment,
    EnrolmentRole,
    Project,
    ProjectRole,
    Skill,
    User,
    utcnow,
)
from community.pathways import live
from community.pathways.cards import OPEN_PROJECTS, Card
from community.pathways.fairness import GroupFigures, figures
from community.reports.publication import threshold_of
from community.trainings.groups import IterationView

NOTE = forms.Text("note", max_length=200, required=False)


@dataclass(frozen=True)
class GroupCompass:
    group: IterationView
    may_pin: bool
    learners: list[User]
    skills: list[Skill]
    roles: list[tuple[ProjectRole, Project]]
    pins: list[tuple[CardPin, User]]  # each pin and the learner it is for
    reception: GroupFigures
    may_remove: bool
    removals: list[tuple[CardPin, User]]  # each card taken off a compass, and whose


async def learners_of(db: AsyncSession, iteration_id: int) -> list[User]:
    rows = await db.exec(
        select(User)
        .join(Enrolment, col(Enrolment.user_id) == User.id)
        .where(Enrolment.iteration_id == iteration_id, Enrolment.role == EnrolmentRole.LEARNER)
        .where(col(User.erased_at).is_(None))
        .order_by(col(User.display_name))
    )
    return list(rows)


async def _readable(db: AsyncSession, user: User, iteration_id: int) -> IterationView:
    group = await trainings.iteration_view(db, user, iteration_id)
    if not permissions.can_read_card_report(user, group.facts):
        raise NotFound
    return group


async def group_compass(db: AsyncSession, user: User, iteration_id: int) -> GroupCompass:
    group = await _readable(db, user, iteration_id)
    learners = await learners_of(db, iteration_id)
    skills = list(
        await db.exec(
            select(Skill)
            .where(Skill.provider_id == group.training.provider_id, col(Skill.approved))
            .order_by(col(Skill.name))
        )
    )
    roles = list(
        await db.exec(
            select(ProjectRole, Project)
            .join(Project, col(Project.id) == ProjectRole.project_id)
            .where(Project.iteration_id == iteration_id, col(Project.status).in_(OPEN_PROJECTS))
            .order_by(col(Project.title), col(ProjectRole.name))
        )
    )
    ids = [learner.id for learner in learners]
    rows = list(
        await db.exec(
            select(CardPin, User)
            .join(User, col(User.id) == CardPin.learner_id)
            .where(col(CardPin.learner_id).in_(ids))
            .order_by(col(CardPin.id))
        )
    )
    pins = [(row, learner) for row, learner in rows if not row.removed]
    removals = [(row, learner) for row, learner in rows if row.removed]
    may_pin = permissions.can_pin_card(user, group.facts)
    may_remove = permissions.can_remove_card(user, group.facts)
    reception = await _reception(db, group)
    return GroupCompass(
        group, may_pin, learners, skills, roles, pins, reception, may_remove, removals
    )


async def _reception(db: AsyncSession, group: IterationView) -> GroupFigures:
    """The group's line of the training's fairness report: the same figures, the same k."""
    k = await threshold_of(db, group.training.provider_id)
    return (await figures(db, [group.iteration], k))[0]


async def _pinning(db: AsyncSession, user: User, iteration_id: int) -> tuple[IterationView, set]:
    group = await trainings.iteration_view(db, user, iteration_id)
    if not permissions.can_pin_card(user, group.facts):
        raise NotFound
    return group, {learner.id for learner in await learners_of(db, iteration_id)}


async def pin(db: AsyncSession, user: User, iteration_id: int, data: dict[str, str]) -> None:
    """A trainer of the group puts a peer (for a skill) or a project role on a learner's
    compass, with a note; the learner's compass follows live."""
    group, learners = await _pinning(db, user, iteration_id)
    learner_id = parsing.ident(data.get("learner_id"))
    if learner_id not in learners:
        raise forms.FormError({"learner_id": _("Choose one of the options.")}, data)
    key, kind = await _target(db, group, learners - {learner_id}, data)
    note = forms.parse(data, NOTE)["note"]
    values = {"learner_id": learner_id, "trainer_id": user.id, "card_key": key, "kind": kind}
    if not await insert_once(db, CardPin, **values, note=note, created_at=utcnow()):
        raise forms.FormError({"target": _("This card is already pinned for this learner.")}, data)
    await live.evidence_changed(db, [learner_id or 0])


async def _target(
    db: AsyncSession, group: IterationView, peers: set[int | None], data: dict[str, str]
) -> tuple[str, str]:
    """The card a pin names: "peer:<peer>:<skill>" or "role:<role>", each of this group."""
    kind, _sep, raw = data.get("target", "").partition(":")
    target = parsing.ident(raw)
    if kind == "role" and target is not None:
        project = await db.exec(
            select(Project.iteration_id)
            .join(ProjectRole, col(ProjectRole.project_id) == Project.id)
            .where(ProjectRole.id == target, col(Project.status).in_(OPEN_PROJECTS))
        )
        if project.first() == group.iteration_id:
            return f"role:{target}", "role"
    if kind == "peer" and target in peers:
        skill = await db.get(Skill, parsing.ident_or_zero(data.get("skill_id")))
        if skill is None or skill.provider_id != group.training.provider_id:
            raise forms.FormError({"skill_id": _("Choose a skill.")}, data)
        return f"peer:{target}:{skill.id}", "peer"
    raise forms.FormError({"target": _("Choose one of the options.")}, data)


async def unpin(db: AsyncSession, user: User, iteration_id: int, pin_id: int) -> None:
    _group, learners = await _pinning(db, user, iteration_id)
    pinned = await db.get(CardPin, pin_id)
    if pinned is None or pinned.removed or pinned.learner_id not in learners:
        raise NotFound
    await db.exec(delete(CardPin).where(col(CardPin.id) == pin_id))
    await live.evidence_changed(db, [pinned.learner_id])


async def pinned_cards(db: AsyncSession, user: User) -> list[Card]:
    """The cards trainers pinned for this learner: the peer or role they name, in words.
    Four queries whatever the number of pins."""
    trainer = aliased(User)
    pins = list(
        await db.exec(
            select(CardPin, trainer.display_name)
            .join(trainer, col(trainer.id) == CardPin.trainer_id)
            .where(CardPin.learner_id == user.id, col(CardPin.removed).is_(False))
        )
    )
    if not pins:
        return []
    parts = {pinned.id: pinned.card_key.split(":") for pinned, _name in pins}
    peer_pins = [p for p in parts.values() if p[0] == "peer"]
    people = await _peer_names(db, [p[1] for p in peer_pins])
    skills = await _skill_names(db, [p[2] for p in peer_pins])
    roles = await _role_names(db, [p[1] for p in parts.values() if p[0] == "role"])
    cards = []
    for pinned, _name in pins:
        kind, *ids = parts[pinned.id]
        if kind == "peer" and int(ids[0]) in people and int(ids[1]) in skills:
            values = {"peer": people[int(ids[0])], "skill": skills[int(ids[1])]}
            reason = _("%(peer)s can help you with %(skill)s.") % values
            link, action = f"/help?skill_id={ids[1]}#ask-title", _("Ask for help")
        elif kind == "role" and int(ids[0]) in roles:
            role, project = roles[int(ids[0])]
            values = {"role": role.name, "project": project.title}
            reason = _("The project %(project)s has a role for you: %(role)s.") % values
            link, action = f"/projects/{project.id}", _("See the project")
        else:
            continue  # what it named is gone
        cards.append(
            Card(pinned.card_key, pinned.kind, reason, link, action, pinned=True, note=pinned.note)
        )
    return cards


def _ids(raw: list[str]) -> list[int]:
    return [int(x) for x in raw]


async def _peer_names(db: AsyncSession, raw: list[str]) -> dict[int, str]:
    rows = await db.exec(select(User.id, User.display_name).where(col(User.id).in_(_ids(raw))))
    return {user_id or 0: name for user_id, name in rows}


async def _skill_names(db: AsyncSession, raw: list[str]) -> dict[int, str]:
    rows = await db.exec(select(Skill.id, Skill.name).where(col(Skill.id).in_(_ids(raw))))
    return {skill_id or 0: name for skill_id, name in rows}


async def _role_names(db: AsyncSession, raw: list[str]) -> dict[int, tuple[ProjectRole, Project]]:
    rows = await db.exec(
        select(ProjectRole, Project)
        .join(Project, col(Project.id) == ProjectRole.project_id)
        .where(col(ProjectRole.id).in_(_ids(raw)), col(Project.status).in_(OPEN_PROJECTS))
    )
    return {role.id or 0: (role, project) for role, project in rows}

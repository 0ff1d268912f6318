"""The compass's cards: a peer who can help, a project role that uses the skill, a resource
of the group's capsules that works on it, a skill to practise first. Each says why in words
drawn from the rows behind it.

Peers online now come first: the app knows who has a page open (`Live.is_online`), and it is
asked only for the few best peers of each skill, never for every learner."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import func, or_
from sqlalchemy import select as sql_select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from community.database import insert_for
from community.i18n import DISPLAY_TIMEZONE, _, ngettext, show_date
from community.models import (
    CardPin,
    CardShown,
    CardVerdict,
    CourseSession,
    Enrolment,
    EnrolmentRole,
    FlippedProgress,
    FlippedResource,
    HelpOffer,
    HelpRequest,
    Iteration,
    LearnerSkill,
    Project,
    ProjectMember,
    ProjectRole,
    Skill,
    Training,
    User,
    utcnow,
)
from community.pathways.evidence import level_label, mentions
from community.pathways.prerequisites import prerequisites
from community.projects.choices import ProjectStatus
from community.tutoring.choices import HelpStatus, Level, MarkKind
from community.tutoring.peers import provider_ids

Online = Callable[[int], Awaitable[bool]]
MAX_CARDS = 6
ASKED_ONLINE = 3  # the best peers of a skill whose presence is looked up
OPEN_PROJECTS = (ProjectStatus.PROPOSED, ProjectStatus.ACTIVE)


@dataclass(frozen=True)
class Card:
    key: str  # "peer:<peer>:<skill>", "role:<role>", "resource:<resource>", "practice:<skill>"
    kind: str
    reason: str
    link: str
    action: str
    online: bool = False
    pinned: bool = False  # put there by a trainer of the learner's group
    note: str = ""  # the trainer's note


@dataclass(frozen=True)
class Peer:
    user_id: int
    name: str
    skill: Skill
    level: int
    taught: int
    request_id: int | None  # their offer on the learner's open request on the skill

    def rank(self) -> tuple[bool, int, int]:
        return (self.request_id is not None, self.taught, self.level)


async def wanted_skills(db: AsyncSession, user: User) -> list[Skill]:
    rows = await db.exec(
        select(Skill)
        .join(LearnerSkill, col(LearnerSkill.skill_id) == Skill.id)
        .where(LearnerSkill.user_id == user.id, LearnerSkill.kind == MarkKind.WANT)
        .order_by(col(Skill.name))
    )
    return list(rows)


async def cards_for(
    db: AsyncSession, user: User, online: Online, pinned: list[Card], log: bool = True
) -> list[Card]:
    """The learner's cards, those trainers pinned first, those they set aside or a trainer
    removed left out; each shown one is logged once (not when a trainer looks)."""
    wants = await wanted_skills(db, user)
    if not wants and not pinned:
        return []
    providers = await provider_ids(db, user)
    found = [
        *pinned,
        *await peer_cards(db, user, wants, providers, online),
        *await role_cards(db, user, wants, providers),
        *await resource_cards(db, user, wants),
        *await practice_cards(db, user, wants, providers),
    ]
    hidden = await _left_out(db, user)
    shown = _unique([card for card in found if card.key not in hidden])[:MAX_CARDS]
    if log:
        await _log_shown(db, user, shown)
    return shown


async def _left_out(db: AsyncSession, user: User) -> set[str]:
    """The keys of the cards the learner set aside, and of those a trainer removed."""
    dismissed = select(CardVerdict.card_key).where(
        CardVerdict.user_id == user.id, CardVerdict.verdict == "dismissed"
    )
    removed = select(CardPin.card_key).where(CardPin.learner_id == user.id, col(CardPin.removed))
    return {*await db.exec(dismissed), *await db.exec(removed)}


def _unique(cards: list[Card]) -> list[Card]:
    """A card a trainer pinned is not shown a second time as computed."""
    unique: dict[str, Card] = {}
    for card in cards:
        unique.setdefault(card.key, card)
    return list(unique.values())


async def _log_shown(db: AsyncSession, user: User, cards: list[Card]) -> None:
    """One statement; a card seen before keeps its first moment."""
    if not cards:
        return
    now = utcnow()
    rows = [
        {"user_id": user.id, "card_key": c.key, "kind": c.kind, "first_shown_at": now}
        for c in cards
    ]
    await db.exec(insert_for(db, CardShown).values(rows).on_conflict_do_nothing())


# --- peers ---


async def peer_cards(
    db: AsyncSession, user: User, wants: list[Skill], providers: set[int], online: Online
) -> list[Card]:
    peers = await _peers(db, user, wants, providers)
    cards = []
    for skill in wants:
        best = sorted((p for p in peers if p.skill.id == skill.id), key=Peer.rank, reverse=True)
        if not best:
            continue
        present = [(await online(p.user_id), p) for p in best[:ASKED_ONLINE]]
        here, peer = max(present, key=lambda pair: (pair[1].request_id is not None, pair[0]))
        cards.append(_peer_card(peer, here))
    return cards


def _peer_card(peer: Peer, here: bool) -> Card:
    key = f"peer:{peer.user_id}:{peer.skill.id}"
    names = {"peer": peer.name, "skill": peer.skill.name}
    if peer.request_id is not None:
        reason = _("%(peer)s offered to help you with your request on %(skill)s.") % names
        return Card(key, "peer", reason, f"/help/{peer.request_id}", _("See the offer"), here)
    if peer.taught:
        reason = ngettext(
            "Because you want to learn %(skill)s, and %(peer)s taught it %(num)d time.",
            "Because you want to learn %(skill)s, and %(peer)s taught it %(num)d times.",
            peer.taught,
            **names,
        )
    else:
        level = level_label(peer.level)
        reason = _(
            "Because you want to learn %(skill)s, and %(peer)s offers to help with it "
            "(their level: %(level)s)."
        ) % {**names, "level": level}
    link = f"/help?skill_id={peer.skill.id}#ask-title"
    return Card(key, "peer", reason, link, _("Ask for help"), here)


async def _peers(
    db: AsyncSession, user: User, wants: list[Skill], providers: set[int]
) -> list[Peer]:
    """Peers of the learner's providers who offer a wanted skill or offered on one of their
    open requests, with how often each taught it: three queries for every skill at once."""
    skills = {skill.id: skill for skill in wants}
    offering = await db.exec(
        select(LearnerSkill.user_id, LearnerSkill.skill_id, LearnerSkill.level, User.display_name)
        .join(User, col(User.id) == LearnerSkill.user_id)
        .join(Enrolment, col(Enrolment.user_id) == LearnerSkill.user_id)
        .join(Iteration, col(Iteration.id) == Enrolment.iteration_id)
        .join(Training, col(Training.id) == Iteration.training_id)
        .where(
            col(LearnerSkill.skill_id).in_(skills),
            LearnerSkill.kind == MarkKind.OFFER,
            # Peers of the learner's providers, joined rather than asked of every learner.
            col(Training.provider_id).in_(providers),
            Enrolment.role == EnrolmentRole.LEARNER,
            LearnerSkill.user_id != user.id,
            col(User.erased_at).is_(None),
        )
        .distinct()
    )
    offers = await db.exec(
        select(HelpOffer.tutor_id, HelpRequest.skill_id, HelpRequest.id, User.display_name)
        .join(HelpRequest, col(HelpRequest.id) == HelpOffer.request_id)
        .join(User, col(User.id) == HelpOffer.tutor_id)
        .where(HelpRequest.requester_id == user.id, HelpRequest.status == HelpStatus.OPEN)
        .where(col(HelpRequest.skill_id).in_(skills))
    )
    offered = {(tutor, skill): (request, name) for tutor, skill, request, name in offers}
    levels = {(peer, skill): (level, name) for peer, skill, level, name in offering}
    taught = await _taught(db, skills, {peer for peer, _s in [*levels, *offered]})
    found = []
    for peer, skill_id in {*levels, *offered}:
        level, name = levels.get((peer, skill_id), (0, ""))
        request_id, offer_name = offered.get((peer, skill_id), (None, name))
        count = taught.get((peer, skill_id), 0)
        found.append(Peer(peer, offer_name, skills[skill_id], level, count, request_id))
    return found


async def _taught(
    db: AsyncSession, skills: Iterable[int | None], peers: set[int]
) -> dict[tuple[int, int], int]:
    """How many sessions each peer gave on each skill that took place."""
    if not peers:
        return {}
    rows = await db.exec(
        select(HelpOffer.tutor_id, HelpRequest.skill_id, func.count(col(HelpRequest.id)))
        .join(HelpOffer, col(HelpOffer.id) == HelpRequest.accepted_offer_id)
        .where(
            col(HelpRequest.skill_id).in_(list(skills)),
            col(HelpOffer.tutor_id).in_(peers),
            HelpRequest.status == HelpStatus.DONE,
        )
        .group_by(col(HelpOffer.tutor_id), col(HelpRequest.skill_id))
    )
    return {(peer, skill): count for peer, skill, count in rows}


# --- project roles ---


async def role_cards(
    db: AsyncSession, user: User, wants: list[Skill], providers: set[int]
) -> list[Card]:
    """A role with a free seat in an open project of the learner's groups (or one open to
    their provider's community) whose skills name a skill they want."""
    groups = select(Enrolment.iteration_id).where(Enrolment.user_id == user.id)
    mine = select(ProjectMember.project_id).where(ProjectMember.user_id == user.id)
    taken = func.count(col(ProjectMember.id))
    # Columns, not rows of objects: a group may hold hundreds of roles. (SQLModel's `select`
    # types at most four columns.)
    connection = await db.connection()
    rows = await connection.execute(
        sql_select(
            col(ProjectRole.id),
            col(ProjectRole.name),
            col(ProjectRole.slots),
            col(Project.id),
            col(Project.title),
            col(Project.skills),
            taken,
        )
        .join(Project, col(Project.id) == ProjectRole.project_id)
        .join(Iteration, col(Iteration.id) == Project.iteration_id)
        .join(Training, col(Training.id) == Iteration.training_id)
        .outerjoin(
            ProjectMember,
            (col(ProjectMember.role_id) == ProjectRole.id) & (ProjectMember.status == "member"),
        )
        .where(
            col(Project.status).in_(OPEN_PROJECTS),
            # A community project is open to every learner of its provider.
            col(Project.iteration_id).in_(groups)
            | (col(Project.community) & col(Training.provider_id).in_(providers)),
            col(Project.id).not_in(mine),
            # A first sieve in the database; `mentions` below decides.
            or_(*(func.lower(Project.skills).contains(s.name.lower()) for s in wants)),
        )
        .group_by(col(ProjectRole.id), col(Project.id))
        .order_by(col(Project.id).desc())
    )
    cards = []
    for role_id, role_name, slots, project_id, title, project_skills, count in rows:
        free = slots - count
        skill = next((s for s in wants if mentions(project_skills, s)), None)
        if free <= 0 or skill is None:
            continue
        reason = ngettext(
            "The project %(project)s needs %(role)s and uses %(skill)s, which you want to "
            "learn: %(num)d seat is free.",
            "The project %(project)s needs %(role)s and uses %(skill)s, which you want to "
            "learn: %(num)d seats are free.",
            free,
            project=title,
            role=role_name,
            skill=skill.name,
        )
        link = f"/projects/{project_id}"
        cards.append(Card(f"role:{role_id}", "role", reason, link, _("See the project")))
    return cards


# --- resources to explore ---


async def resource_cards(db: AsyncSession, user: User, wants: list[Skill]) -> list[Card]:
    """For each wanted skill, a resource of a capsule of the learner's groups that works on
    it and that they have not explored yet: the soonest coming session's first, else the
    latest past one's."""
    groups = select(Enrolment.iteration_id).where(
        Enrolment.user_id == user.id, Enrolment.role == EnrolmentRole.LEARNER
    )
    explored = select(FlippedProgress.resource_id).where(FlippedProgress.user_id == user.id)
    rows = await db.exec(
        select(FlippedResource, CourseSession)
        .join(CourseSession, col(CourseSession.id) == FlippedResource.session_id)
        .where(
            col(FlippedResource.skill_id).in_([skill.id for skill in wants]),
            col(CourseSession.iteration_id).in_(groups),
            col(FlippedResource.id).not_in(explored),
        )
    )
    now = utcnow()

    def soonest(pair: tuple[FlippedResource, CourseSession]) -> tuple[bool, float]:
        gap = (pair[1].starts_at - now).total_seconds()
        return (gap < 0, abs(gap))

    chosen: dict[int, tuple[FlippedResource, CourseSession]] = {}
    for resource, session in sorted(rows, key=soonest):
        chosen.setdefault(resource.skill_id or 0, (resource, session))
    names = {skill.id: skill.name for skill in wants}
    return [_resource_card(r, s, names[r.skill_id]) for r, s in chosen.values()]


def _resource_card(resource: FlippedResource, session: CourseSession, skill: str) -> Card:
    day = show_date(session.starts_at.astimezone(DISPLAY_TIMEZONE).date())
    reason = _(
        "Because you want to learn %(skill)s: “%(resource)s”, in the capsule of the session "
        "“%(session)s” of %(date)s, works on it."
    ) % {"skill": skill, "resource": resource.title, "session": session.title, "date": day}
    link = f"/sessions/{session.id}/capsule#resource-{resource.id}"
    return Card(f"resource:{resource.id}", "resource", reason, link, _("Explore it"))


# --- practise first ---


async def practice_cards(
    db: AsyncSession, user: User, wants: list[Skill], providers: set[int]
) -> list[Card]:
    required: dict[int, set[int]] = {}
    for provider in providers:
        required.update(await prerequisites(db, provider))
    if not required:
        return []
    mastered = set(
        await db.exec(
            select(LearnerSkill.skill_id).where(
                LearnerSkill.user_id == user.id,
                LearnerSkill.kind == MarkKind.OFFER,
                LearnerSkill.level >= Level.AT_EASE,
            )
        )
    )
    catalogue = select(Skill.id, Skill.name).where(col(Skill.provider_id).in_(providers))
    names = {skill_id or 0: name for skill_id, name in await db.exec(catalogue)}
    return practice_from(wants, required, mastered, names)


def practice_from(
    wants: list[Skill], required: dict[int, set[int]], mastered: set[int], names: dict[int, str]
) -> list[Card]:
    """A missing prerequisite of a wanted skill, once per prerequisite."""
    cards: dict[int, Card] = {}
    for skill in wants:
        for missing in sorted(required.get(skill.id or 0, set()) - mastered):
            if missing in cards or missing not in names:
                continue
            reason = _(
                "Practise %(first)s first: %(skill)s builds on it, and nothing shows you "
                "master it yet."
            ) % {"first": names[missing], "skill": skill.name}
            link = f"/help?skill_id={missing}#ask-title"
            cards[missing] = Card(
                f"practice:{missing}", "practice", reason, link, _("Ask for help")
            )
    return list(cards.values())

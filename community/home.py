"""What is due for someone now, gathered for their home page and their e-mail digest.

Each block is one bounded query (a limit, no query per row): the home is the most visited
page. An item knows when it happened, when that is known, so that what came after the
person's last visit is shown first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from community import feedback
from community.database import insert_for
from community.feedback.reminders import Pending
from community.flipped import capsule, changes
from community.i18n import _, ngettext, show_date
from community.models import (
    CommentStatus,
    CourseSession,
    Enrolment,
    EnrolmentRole,
    FeedbackAggregate,
    FeedbackAnswer,
    Flag,
    FlippedChange,
    HelpOffer,
    HelpRequest,
    HomeVisit,
    ImprovementAction,
    Iteration,
    LearnerSkill,
    Message,
    Notification,
    Project,
    ProjectSupport,
    Role,
    Skill,
    Task,
    Training,
    User,
    utcnow,
)
from community.pulse import OPEN_MARGIN
from community.reports.publication import threshold_of
from community.trainings.catalogue import provider_managed_by

SHOWN = 5  # items per block
NEWS = 15  # notifications read for the two blocks made of them
MENTIONS = ("mention", "reply")
PROJECT_NEWS = ("joined", "threshold", "task")
RECENT_REPORTS = timedelta(days=14)


@dataclass(frozen=True)
class Item:
    text: str  # plain text, or Markup for a notification (its subject in <bdi>)
    link: str
    at: datetime | None = None  # when it happened, when that is known
    kind: str = ""  # a notification's kind


@dataclass
class Block:
    key: str  # also the digest kind it belongs to, for the learner's blocks
    title: str
    empty: str  # what to do when there is nothing: never a bare "nothing"
    items: list[Item] = field(default_factory=list)
    live: list[tuple[str, int]] = field(default_factory=list)  # channels it follows, at seq

    def after(self, since: datetime | None) -> list[Item]:
        return [i for i in self.items if i.at and (since is None or i.at > since)]


@dataclass(frozen=True)
class Now:
    since: datetime | None  # the previous visit; None on the first one
    blocks: list[Block]

    @cached_property
    def fresh(self) -> list[Item]:
        """What came after the last visit, newest first."""
        since = self.since
        if since is None:
            return []
        found = [item for block in self.blocks for item in block.after(since)]
        return sorted(found, key=lambda item: item.at or since, reverse=True)

    def rest(self, block: Block) -> list[Item]:
        """A block without what is already shown as new at the top."""
        fresh = set(map(id, self.fresh))
        return [item for item in block.items if id(item) not in fresh]


# --- the visit ---------------------------------------------------------------------------


async def last_visit(db: AsyncSession, user: User) -> datetime | None:
    return (await db.exec(select(HomeVisit.seen_at).where(HomeVisit.user_id == user.id))).first()


async def visited(db: AsyncSession, user: User, now: datetime) -> None:
    """An upsert: views side by side each write it, none fails."""
    statement = insert_for(db, HomeVisit).values(user_id=user.id, seen_at=now)
    statement = statement.on_conflict_do_update(index_elements=["user_id"], set_={"seen_at": now})
    await (await db.connection()).execute(statement)


# --- gathering ---------------------------------------------------------------------------


async def gather(
    db: AsyncSession, user: User, since: datetime | None, waiting: list[Pending] | None = None
) -> Now:
    """The blocks of the person's role, in the order the home shows them. `waiting`: the
    feedback the page already found due, not to be asked again."""
    if user.role == Role.LEARNER:
        blocks = await learner_blocks(db, user, waiting=waiting)
    elif user.role == Role.TRAINER:
        blocks = await trainer_blocks(db, user)
    else:
        blocks = []
    provider = provider_managed_by(user)
    if provider is not None:
        blocks += await staff_blocks(db, provider)
    return Now(since, blocks)


async def learner_blocks(
    db: AsyncSession, user: User, *, digest: bool = False, waiting: list[Pending] | None = None
) -> list[Block]:
    """The digest has no live session: a pulse is anonymous and of the moment."""
    news = await _notifications(db, user)
    blocks = (
        [] if digest else [await _live(db, user, EnrolmentRole.LEARNER), await _before(db, user)]
    )
    if waiting is None:
        waiting = await feedback.pending(db, user)
    return [
        *blocks,
        _feedback(waiting),
        await _help_to_give(db, user),
        Block(
            "mentions",
            _("Mentions and replies"),
            _("Nothing new: join a project's discussion, and mention a peer with @Name."),
            [n for n in news if n.kind in MENTIONS],
        ),
        await _projects(db, user, [n for n in news if n.kind in PROJECT_NEWS]),
    ]


async def trainer_blocks(db: AsyncSession, user: User) -> list[Block]:
    return [
        await _live(db, user, EnrolmentRole.TRAINER),
        await _comments(db, user),
        await _reported(db, user),
        await _unanswered(db, user),
    ]


async def staff_blocks(db: AsyncSession, provider_id: int) -> list[Block]:
    return [await _reports_shown(db, provider_id), await _actions_due(db, provider_id)]


def _taught(user: User) -> SelectOfScalar[int]:
    return select(Enrolment.iteration_id).where(
        Enrolment.user_id == user.id, Enrolment.role == EnrolmentRole.TRAINER
    )


async def _live(db: AsyncSession, user: User, role: EnrolmentRole) -> Block:
    """The session on now: a learner's pulse one tap away, a trainer's pulse screen."""
    now = utcnow()
    rows = await db.exec(
        select(CourseSession)
        .join(Enrolment, col(Enrolment.iteration_id) == CourseSession.iteration_id)
        .where(
            Enrolment.user_id == user.id,
            Enrolment.role == role,
            col(CourseSession.starts_at) <= now + OPEN_MARGIN,
            col(CourseSession.ends_at) >= now - OPEN_MARGIN,
        )
        .order_by(col(CourseSession.starts_at))
        .limit(SHOWN)
    )
    path = "pulse" if role == EnrolmentRole.LEARNER else "pulse/screen"
    label = (
        _("On now: “%(title)s”. Tell the room how it goes.")
        if role == EnrolmentRole.LEARNER
        else _("On now: “%(title)s”. Open the pulse screen.")
    )
    return Block(
        "live",
        _("Happening now"),
        _("No session right now: the next one will show here when it starts."),
        [Item(label % {"title": s.title}, f"/sessions/{s.id}/{path}") for s in rows],
    )


async def _before(db: AsyncSession, user: User) -> Block:
    """Capsules of the next sessions: "à explorer avant mardi", and what a trainer changed
    because of what the group said. Not in the digest: it is read on the day."""
    found = await capsule.to_explore(db, user, SHOWN)
    ids = [session.id or 0 for session, _added in found]
    return Block(
        "before",
        _("Before your next sessions"),
        _(
            "Nothing to explore before your next sessions: when a trainer prepares one, "
            "it shows here."
        ),
        _capsule_items(found, await changes.latest_of(db, ids)),
        live=await changes.followed(db, ids),
    )


def _capsule_items(
    found: list[tuple[CourseSession, Any]], noted: dict[int, FlippedChange]
) -> list[Item]:
    items = []
    for session, added in found:
        day, link = capsule.day_of(session), f"/sessions/{session.id}/capsule"
        label = _("To explore before %(day)s: “%(title)s”")
        items.append(Item(label % {"day": day, "title": session.title}, link, added))
        if change := noted.get(session.id or 0):
            said = _("You said, we did, for %(day)s: %(change)s")
            items.append(Item(said % {"day": day, "change": change.body}, link, change.created_at))
    return items


def _feedback(waiting: list[Pending]) -> Block:
    return Block(
        "feedback",
        _("Your feedback, in 15 seconds"),
        _("No feedback to give: after your next session, say how it went here."),
        [
            Item(
                _("How was “%(title)s”?") % {"title": p.session.title},
                f"/sessions/{p.session.id}/feedback",
                p.session.ends_at,
            )
            for p in waiting[:SHOWN]
        ],
    )


async def _help_to_give(db: AsyncSession, user: User) -> Block:
    """Open requests on skills the learner offers, from learners of their providers."""
    providers = (
        select(Training.provider_id)
        .join(Iteration, col(Iteration.training_id) == Training.id)
        .join(Enrolment, col(Enrolment.iteration_id) == Iteration.id)
        .where(Enrolment.user_id == user.id)
    )
    peers = (
        select(Enrolment.user_id)
        .join(Iteration, col(Iteration.id) == Enrolment.iteration_id)
        .join(Training, col(Training.id) == Iteration.training_id)
        .where(col(Training.provider_id).in_(providers), Enrolment.role == EnrolmentRole.LEARNER)
    )
    offered = select(LearnerSkill.skill_id).where(
        LearnerSkill.user_id == user.id, LearnerSkill.kind == "offer"
    )
    rows = await db.exec(
        select(HelpRequest, Skill)
        .join(Skill, col(Skill.id) == HelpRequest.skill_id)
        .where(
            HelpRequest.requester_id != user.id,
            HelpRequest.status == "open",
            col(HelpRequest.skill_id).in_(offered),
            col(HelpRequest.requester_id).in_(peers),
        )
        .order_by(col(HelpRequest.id).desc())
        .limit(SHOWN)
    )
    return Block(
        "help",
        _("Help you can give"),
        _("No request you can answer: add the skills you can share on your skills page."),
        [
            Item(
                _("A peer needs help on %(skill)s.") % {"skill": s.name},
                f"/help/{r.id}",
                r.created_at,
            )
            for r, s in rows
        ],
    )


async def _notifications(db: AsyncSession, user: User) -> list[Item]:
    rows = await db.exec(
        select(Notification)
        .where(
            Notification.user_id == user.id,
            col(Notification.kind).in_((*MENTIONS, *PROJECT_NEWS)),
        )
        .order_by(col(Notification.id).desc())
        .limit(NEWS)
    )
    # Read here, not at import: the areas module imports every view, this one's included.
    from community.areas import notification_text

    return [Item(notification_text(n.kind, n.subject), n.link, n.created_at, n.kind) for n in rows]


async def _projects(db: AsyncSession, user: User, news: list[Item]) -> Block:
    """Joins and supports on the learner's projects, and the tasks they were given."""
    supports = await db.exec(
        select(Project, func.count(col(ProjectSupport.id)))
        .join(ProjectSupport, col(ProjectSupport.project_id) == Project.id)
        .where(Project.author_id == user.id, Project.status == "proposed")
        .group_by(col(Project.id))
        .order_by(col(Project.id).desc())
        .limit(SHOWN)
    )
    tasks = await db.exec(
        select(Task)
        .where(Task.assignee_id == user.id, Task.status != "done")
        .order_by(col(Task.due_on), col(Task.id))
        .limit(SHOWN)
    )
    return Block(
        "projects",
        _("Your projects"),
        _("Nothing new: propose a project, or support one of your peers'."),
        [
            *news[:SHOWN],
            *(
                Item(
                    ngettext(
                        "“%(title)s”: %(num)d support",
                        "“%(title)s”: %(num)d supports",
                        n,
                        title=p.title,
                    ),
                    f"/projects/{p.id}",
                )
                for p, n in supports
            ),
            *(_task(t) for t in tasks),
        ],
    )


def _task(task: Task) -> Item:
    if task.due_on is None:
        text = _("Your task: %(title)s") % {"title": task.title}
    else:
        text = _("Your task: %(title)s, due %(date)s") % {
            "title": task.title,
            "date": show_date(task.due_on),
        }
    return Item(text, f"/projects/{task.project_id}")


async def _comments(db: AsyncSession, user: User) -> Block:
    rows = await db.exec(
        select(CourseSession.iteration_id, Iteration.name, func.count())
        .select_from(FeedbackAnswer)
        .join(CourseSession, col(CourseSession.id) == FeedbackAnswer.session_id)
        .join(Iteration, col(Iteration.id) == CourseSession.iteration_id)
        .where(
            col(CourseSession.iteration_id).in_(_taught(user)),
            FeedbackAnswer.comment_status == CommentStatus.PENDING,
        )
        .group_by(col(CourseSession.iteration_id), col(Iteration.name))
        .limit(SHOWN)
    )
    return Block(
        "comments",
        _("Comments to review"),
        _("No comment waiting: learners' comments come here before anyone reads them."),
        [
            Item(
                ngettext(
                    "%(group)s: %(num)d comment", "%(group)s: %(num)d comments", n, group=name
                ),
                f"/iterations/{iteration_id}/comments",
            )
            for iteration_id, name, n in rows
        ],
    )


async def _reported(db: AsyncSession, user: User) -> Block:
    rows = await db.exec(
        select(Project.iteration_id, Iteration.name, func.count(), func.max(Flag.created_at))
        .select_from(Flag)
        .join(Message, col(Message.id) == Flag.message_id)
        .join(Project, col(Project.id) == Message.project_id)
        .join(Iteration, col(Iteration.id) == Project.iteration_id)
        .where(col(Project.iteration_id).in_(_taught(user)), col(Flag.resolved).is_(False))
        .group_by(col(Project.iteration_id), col(Iteration.name))
        .limit(SHOWN)
    )
    return Block(
        "reported",
        _("Reported messages"),
        _("No reported message: the projects of your groups are calm."),
        [
            Item(
                ngettext("%(group)s: %(num)d report", "%(group)s: %(num)d reports", n, group=name),
                f"/iterations/{iteration_id}/review",
                at,
            )
            for iteration_id, name, n, at in rows
        ],
    )


async def _unanswered(db: AsyncSession, user: User) -> Block:
    answered = select(HelpOffer.request_id)
    rows = await db.exec(
        select(HelpRequest, Skill)
        .join(Skill, col(Skill.id) == HelpRequest.skill_id)
        .where(
            col(HelpRequest.iteration_id).in_(_taught(user)),
            HelpRequest.status == "open",
            col(HelpRequest.id).not_in(answered),
        )
        .order_by(col(HelpRequest.id).desc())
        .limit(SHOWN)
    )
    return Block(
        "unanswered",
        _("Help requests nobody answered"),
        _("Every help request of your groups has an answer."),
        [
            Item(
                _("A learner needs help on %(skill)s.") % {"skill": s.name},
                f"/iterations/{r.iteration_id}/help",
                r.created_at,
            )
            for r, s in rows
        ],
    )


async def _reports_shown(db: AsyncSession, provider_id: int) -> Block:
    """Recent sessions whose figures are shown: enough answers to reach the threshold."""
    k = await threshold_of(db, provider_id)
    answers = func.max(FeedbackAggregate.count)
    rows = await db.exec(
        select(CourseSession, answers)
        .join(FeedbackAggregate, col(FeedbackAggregate.session_id) == CourseSession.id)
        .join(Iteration, col(Iteration.id) == CourseSession.iteration_id)
        .join(Training, col(Training.id) == Iteration.training_id)
        .where(
            Training.provider_id == provider_id,
            col(CourseSession.ends_at) >= utcnow() - RECENT_REPORTS,
        )
        .group_by(col(CourseSession.id))
        .having(answers >= k)
        .order_by(col(CourseSession.ends_at).desc())
        .limit(SHOWN)
    )
    return Block(
        "reports",
        _("Results now shown"),
        _("No session has enough answers yet: remind learners that feedback takes 15 seconds."),
        [
            Item(
                _("“%(title)s” has enough answers: its results are shown.") % {"title": s.title},
                f"/reports/iterations/{s.iteration_id}",
                s.ends_at,
            )
            for s, _n in rows
        ],
    )


async def _actions_due(db: AsyncSession, provider_id: int) -> Block:
    today = date.today()
    rows = await db.exec(
        select(ImprovementAction)
        .where(
            ImprovementAction.provider_id == provider_id,
            col(ImprovementAction.due_on) <= today + timedelta(days=14),
            col(ImprovementAction.due_on) >= today - timedelta(days=30),
        )
        .order_by(col(ImprovementAction.due_on))
        .limit(SHOWN)
    )
    return Block(
        "actions",
        _("Improvement actions due"),
        _("No action due soon: record what you decide from the reports."),
        [
            Item(
                _("%(decision)s — due %(date)s")
                % {"decision": a.decision, "date": show_date(a.due_on)},
                f"/reports/iterations/{a.iteration_id}",
            )
            for a in rows
        ],
    )

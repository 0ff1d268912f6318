"""Session feedback in fifteen seconds, anonymous by design, with reminders and review.

Who answered (FeedbackReceipt) and what was answered (FeedbackAnswer, FeedbackRating) are
written in one transaction but never linked: answers have a random id, the day only, no
user. The learner's browser keeps its answer's id in a cookie, which is what lets it edit
the answer until the window closes; the server never stores that link.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

import realtime
from community import forms, notifications, permissions
from community.i18n import _
from community.models import (
    CourseSession,
    Enrolment,
    EnrolmentRole,
    FeedbackAggregate,
    FeedbackAnswer,
    FeedbackDimension,
    FeedbackRating,
    FeedbackReceipt,
    FeedbackReminder,
    Iteration,
    Training,
    User,
    utcnow,
)
from community.templating import refetch_nudge
from community.trainings import Forbidden, IterationView, NotFound, iteration_view

WINDOW = timedelta(days=7)  # after a session ends, learners may still answer for a week
REMINDERS_PER_WEEK = 3
DEFAULT_DIMENSIONS = ("usefulness", "clarity", "pace", "atmosphere")
COMMENT = forms.Text("comment", max_length=1000, required=False, multiline=True)
REVIEW_DECISIONS = ("published", "private", "deleted")


def dimension_name(dimension: FeedbackDimension) -> str:
    names = {
        "usefulness": _("Usefulness"),
        "clarity": _("Clarity"),
        "pace": _("Pace"),
        "atmosphere": _("Atmosphere"),
    }
    return names.get(dimension.key or "", dimension.label)


@dataclass(frozen=True)
class SessionView:
    session: CourseSession
    group: IterationView

    @property
    def closes_at(self) -> datetime:
        return self.session.ends_at + WINDOW

    def is_open(self, now: datetime) -> bool:
        return is_open(self.session, now)


def is_open(session: CourseSession, now: datetime) -> bool:
    """Feedback opens when the session starts and closes a week after it ends."""
    return session.starts_at <= now <= session.ends_at + WINDOW


async def session_view(db: AsyncSession, user: User | None, session_id: int) -> SessionView:
    session = await db.get(CourseSession, session_id)
    if session is None:
        raise NotFound
    return SessionView(session, await iteration_view(db, user, session.iteration_id))


async def dimensions_of(db: AsyncSession, training_id: int) -> list[FeedbackDimension]:
    """The training's active dimensions; the four defaults on first use."""
    query = (
        select(FeedbackDimension)
        .where(FeedbackDimension.training_id == training_id)
        .order_by(col(FeedbackDimension.position))
    )
    found = list(await db.exec(query))
    if not found:
        found = [
            FeedbackDimension(training_id=training_id, key=key, position=n)
            for n, key in enumerate(DEFAULT_DIMENSIONS)
        ]
        db.add_all(found)
        await db.commit()
    return [d for d in found if d.active]


def new_answer_id() -> str:
    return secrets.token_hex(16)


async def submit(
    db: AsyncSession,
    user: User,
    view: SessionView,
    data: dict[str, str],
    *,
    answer_id: str | None = None,
    now: datetime | None = None,
) -> str:
    """Record or edit this learner's feedback; returns the answer id for the browser to keep."""
    if not permissions.can_give_feedback(user, view.group.facts):
        raise Forbidden
    now = now or utcnow()
    if not view.is_open(now):
        raise forms.FormError({"ratings": _("Feedback on this session is closed.")}, data)
    dimensions = await dimensions_of(db, view.group.training.id or 0)
    ratings, errors = _ratings(dimensions, data)
    comment = ""
    try:
        comment = COMMENT.clean(data.get("comment", ""))
    except ValueError as exc:
        errors["comment"] = str(exc)
    if errors:
        raise forms.FormError(errors, data)
    session_id = view.session.id
    assert session_id is not None and user.id is not None
    existing = await db.get(FeedbackAnswer, answer_id) if answer_id else None
    if (
        existing is not None
        and existing.session_id == session_id
        and await _answered(db, user.id, session_id)
    ):
        await _write(db, existing, ratings, comment, now)
        await _tell_reports(db, view)
        await db.commit()
        return existing.id
    already = forms.FormError(
        {"ratings": _("You already gave your feedback on this session.")}, data
    )
    if await _answered(db, user.id, session_id):
        raise already  # from another browser, which alone could edit it
    answer = FeedbackAnswer(id=new_answer_id(), session_id=session_id, day=now.date())
    try:
        db.add(FeedbackReceipt(session_id=session_id, user_id=user.id))
        db.add(answer)
        await _write(db, answer, ratings, comment, now)
        await _tell_reports(db, view)
        await db.commit()
    except IntegrityError:  # the same learner, twice at the same moment
        await db.rollback()
        raise already from None
    return answer.id


async def _tell_reports(db: AsyncSession, view: SessionView) -> None:
    """Open report pages fetch their figures again (which thresholds still govern)."""
    iteration_id = view.group.iteration.id
    channel = f"report:{iteration_id}"
    url = f"/reports/iterations/{iteration_id}"
    await realtime.append(db, channel, refetch_nudge(f"report-live-{iteration_id}", url))


def _ratings(
    dimensions: list[FeedbackDimension], data: dict[str, str]
) -> tuple[dict[int, int], dict[str, str]]:
    ratings: dict[int, int] = {}
    errors: dict[str, str] = {}
    for dimension in dimensions:
        # One tap on the overall scale rates every criterion the learner did not detail.
        raw = data.get(f"d{dimension.id}") or data.get("overall", "")
        if raw not in ("1", "2", "3", "4", "5"):
            errors[f"d{dimension.id}"] = _("Choose a rating from 1 to 5.")
        else:
            ratings[dimension.id or 0] = int(raw)
    return ratings, errors


async def _answered(db: AsyncSession, user_id: int, session_id: int) -> bool:
    query = select(FeedbackReceipt.id).where(
        FeedbackReceipt.session_id == session_id, FeedbackReceipt.user_id == user_id
    )
    return (await db.exec(query)).first() is not None


async def _write(
    db: AsyncSession, answer: FeedbackAnswer, ratings: dict[int, int], comment: str, now: datetime
) -> None:
    if comment != answer.comment:
        answer.comment = comment
        answer.comment_status = "pending" if comment else "none"
    answer.day = now.date()
    db.add(answer)
    await db.flush()
    for dimension_id, value in ratings.items():
        rating = await db.get(FeedbackRating, (answer.id, dimension_id))
        if rating is None:
            rating = FeedbackRating(answer_id=answer.id, dimension_id=dimension_id, value=0)
        await _count(db, answer.session_id, dimension_id, rating.value or None, value)
        rating.value = value
        db.add(rating)


async def _count(
    db: AsyncSession, session_id: int, dimension_id: int, old: int | None, new: int
) -> None:
    """Keep the running totals in step with the answer, in the same transaction."""
    table = FeedbackAggregate.__table__
    change = {
        "count": 0 if old else 1,
        "total": new - (old or 0),
        "total_sq": new * new - (old or 0) ** 2,
        f"h{new}": 1,
    }
    if old:
        change[f"h{old}"] = change.get(f"h{old}", 0) - 1
    dialect = db.bind.dialect.name if db.bind else "sqlite"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(table)
        .values(session_id=session_id, dimension_id=dimension_id, **change)
        .on_conflict_do_update(
            index_elements=["session_id", "dimension_id"],
            set_={name: table.c[name] + delta for name, delta in change.items()},
        )
    )
    connection = await db.connection()
    await connection.execute(statement)


async def answer_for_edit(
    db: AsyncSession, answer_id: str | None, session_id: int
) -> tuple[FeedbackAnswer, dict[int, int]] | None:
    """The answer this browser gave, to fill the form again."""
    answer = await db.get(FeedbackAnswer, answer_id) if answer_id else None
    if answer is None or answer.session_id != session_id:
        return None
    rows = await db.exec(select(FeedbackRating).where(FeedbackRating.answer_id == answer.id))
    return answer, {r.dimension_id: r.value for r in rows}


@dataclass(frozen=True)
class Pending:
    session: CourseSession
    iteration: Iteration
    training: Training


async def pending(db: AsyncSession, user: User, now: datetime | None = None) -> list[Pending]:
    """Sessions of the learner's groups that are over, still open, and not answered yet."""
    now = now or utcnow()
    answered = select(FeedbackReceipt.session_id).where(FeedbackReceipt.user_id == user.id)
    rows = await db.exec(
        select(CourseSession, Iteration, Training)
        .join(Iteration, col(Iteration.id) == CourseSession.iteration_id)
        .join(Training, col(Training.id) == Iteration.training_id)
        .join(Enrolment, col(Enrolment.iteration_id) == Iteration.id)
        .where(
            Enrolment.user_id == user.id,
            Enrolment.role == EnrolmentRole.LEARNER,
            col(CourseSession.ends_at) <= now,
            col(CourseSession.ends_at) >= now - WINDOW,
            col(CourseSession.id).not_in(answered),
        )
        .order_by(col(CourseSession.ends_at).desc())
    )
    return [Pending(*row) for row in rows]


async def remind(db: AsyncSession, user: User, now: datetime | None = None) -> int:
    """Notify about pending sessions: once per session, at most a few a week."""
    now = now or utcnow()
    assert user.id is not None
    recent = (
        await db.exec(
            select(func.count(col(FeedbackReminder.id))).where(
                FeedbackReminder.user_id == user.id, FeedbackReminder.sent_at > now - WINDOW
            )
        )
    ).one()
    reminded = set(
        await db.exec(
            select(FeedbackReminder.session_id).where(FeedbackReminder.user_id == user.id)
        )
    )
    sent = 0
    for item in await pending(db, user, now):
        if recent + sent >= REMINDERS_PER_WEEK:
            break
        session_id = item.session.id
        assert session_id is not None
        if session_id in reminded:
            continue
        db.add(FeedbackReminder(session_id=session_id, user_id=user.id, sent_at=now))
        await notifications.notify(
            db, user.id, "feedback", item.session.title, f"/sessions/{session_id}/feedback"
        )
        sent += 1
    await db.commit()
    return sent


async def history(db: AsyncSession, user: User) -> list[Pending]:
    """The sessions this learner gave feedback on (not what they said: that is not linked)."""
    rows = await db.exec(
        select(CourseSession, Iteration, Training)
        .join(FeedbackReceipt, col(FeedbackReceipt.session_id) == CourseSession.id)
        .join(Iteration, col(Iteration.id) == CourseSession.iteration_id)
        .join(Training, col(Training.id) == Iteration.training_id)
        .where(FeedbackReceipt.user_id == user.id)
        .order_by(col(CourseSession.starts_at).desc())
    )
    return [Pending(*row) for row in rows]


async def response_rates(db: AsyncSession, iteration_id: int) -> dict[int, tuple[int, int]]:
    """Per session: how many learners answered, out of how many. Counts only, never who."""
    learners = (
        await db.exec(
            select(func.count(col(Enrolment.id))).where(
                Enrolment.iteration_id == iteration_id, Enrolment.role == EnrolmentRole.LEARNER
            )
        )
    ).one()
    rows = await db.exec(
        select(CourseSession.id, func.count(col(FeedbackReceipt.id)))
        .outerjoin(FeedbackReceipt, col(FeedbackReceipt.session_id) == CourseSession.id)
        .where(CourseSession.iteration_id == iteration_id)
        .group_by(col(CourseSession.id))
    )
    return {session_id: (answered, learners) for session_id, answered in rows}


async def comments_to_review(
    db: AsyncSession, user: User, view: IterationView
) -> list[tuple[FeedbackAnswer, CourseSession]]:
    if not permissions.can_review_feedback(user, view.facts):
        raise Forbidden
    rows = await db.exec(
        select(FeedbackAnswer, CourseSession)
        .join(CourseSession, col(CourseSession.id) == FeedbackAnswer.session_id)
        .where(
            CourseSession.iteration_id == view.iteration.id,
            FeedbackAnswer.comment_status == "pending",
        )
        .order_by(col(CourseSession.starts_at))
    )
    return list(rows)


async def review(
    db: AsyncSession, user: User, view: IterationView, answer_id: str, decision: str
) -> None:
    """Publish, keep private or delete a comment. The text itself is never changed."""
    if not permissions.can_review_feedback(user, view.facts):
        raise Forbidden
    answer = await db.get(FeedbackAnswer, answer_id)
    session = await db.get(CourseSession, answer.session_id) if answer else None
    if answer is None or session is None or session.iteration_id != view.iteration.id:
        raise NotFound
    if decision not in REVIEW_DECISIONS:
        raise forms.FormError({"decision": _("Choose one of the options.")})
    answer.comment_status = decision
    db.add(answer)
    await db.commit()


MAX_DIMENSIONS = 6


async def set_dimensions(
    db: AsyncSession, user: User, training: Training, data: dict[str, str]
) -> None:
    """The provider names what learners rate. A criterion taken away is archived, not
    deleted: the answers already given on it stay in the reports."""
    if not permissions.can_manage_trainings(user, training.provider_id):
        raise Forbidden
    current = await dimensions_of(db, training.id or 0)
    field = forms.Text("name", max_length=40, required=False)
    names: list[str] = []
    errors: dict[str, str] = {}
    for n in range(MAX_DIMENSIONS):
        try:
            names.append(field.clean(data.get(f"dim{n}", "")))
        except ValueError as exc:
            errors[f"dim{n}"] = str(exc)
    wanted = [name for name in names if name]
    if not wanted:
        errors["dim0"] = _("Keep at least one criterion.")
    elif len({name.casefold() for name in wanted}) != len(wanted):
        errors["dim0"] = _("Each criterion must have a different name.")
    if errors:
        raise forms.FormError(errors, data)
    by_name = {dimension_name(d).casefold(): d for d in current}
    for dimension in current:
        if dimension_name(dimension).casefold() not in {w.casefold() for w in wanted}:
            dimension.active = False
            db.add(dimension)
    for position, name in enumerate(wanted):
        dimension = by_name.get(name.casefold()) or FeedbackDimension(
            training_id=training.id or 0, label=name
        )
        dimension.position = position
        db.add(dimension)
    await db.commit()

"""SQLModel tables: people, providers, trainings, iterations, sessions, enrolments."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum

from sqlalchemy import MetaData, UniqueConstraint
from sqlmodel import Field, SQLModel

# Stable constraint names on SQLite and PostgreSQL, so migrations can refer to them.
SQLModel.metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def utcnow() -> datetime:
    return datetime.now(UTC)


# Enumerations are stored as plain strings: no PostgreSQL enum types to migrate.
class Role(StrEnum):
    LEARNER = "learner"
    TRAINER = "trainer"
    STAFF = "staff"
    ADMIN = "admin"


class TrainingFormat(StrEnum):
    CLASSIC = "classic"
    FLIPPED = "flipped"
    REVERSE_WORK_STUDY = "reverse_work_study"
    OTHER = "other"


class EnrolmentRole(StrEnum):
    LEARNER = "learner"
    TRAINER = "trainer"


class Provider(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, unique=True)
    # Reports show no figure computed from fewer answers than this (never below 5).
    anonymity_threshold: int = 5
    created_at: datetime = Field(default_factory=utcnow)


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    display_name: str = Field(max_length=80)
    password_hash: str = Field(max_length=200)
    role: str = Field(default=Role.LEARNER, max_length=16)
    # Trainers and provider staff belong to one provider; learners meet providers
    # through their enrolments.
    provider_id: int | None = Field(default=None, foreign_key="provider.id", index=True)
    locale: str | None = Field(default=None, max_length=5)
    created_at: datetime = Field(default_factory=utcnow)


class WebSession(SQLModel, table=True):
    """A signed-in browser. The cookie holds a token; only its hash is stored."""

    __tablename__ = "web_session"

    id: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="user.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    revoked_at: datetime | None = None


class Training(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    provider_id: int = Field(foreign_key="provider.id", index=True)
    title: str = Field(max_length=120)
    description: str = Field(default="", max_length=4000)
    format: str = Field(default=TrainingFormat.CLASSIC, max_length=24)
    created_at: datetime = Field(default_factory=utcnow)


class Iteration(SQLModel, table=True):
    """One run of a training: a cohort, or a version of the training."""

    id: int | None = Field(default=None, primary_key=True)
    training_id: int = Field(foreign_key="training.id", index=True)
    name: str = Field(max_length=120)
    starts_on: date
    ends_on: date
    changes_note: str = Field(default="", max_length=2000)
    # Whether the group's learners may read its feedback results (always above the threshold).
    results_published: bool = False
    # Supports a proposal needs before its author may launch it.
    support_threshold: int = 3
    created_at: datetime = Field(default_factory=utcnow)


class CourseSession(SQLModel, table=True):
    """A dated unit of an iteration (a class, a workshop, a day in the field)."""

    __tablename__ = "course_session"

    id: int | None = Field(default=None, primary_key=True)
    iteration_id: int = Field(foreign_key="iteration.id", index=True)
    title: str = Field(max_length=120)
    starts_at: datetime
    ends_at: datetime


class Enrolment(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("iteration_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    iteration_id: int = Field(foreign_key="iteration.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    role: str = Field(default=EnrolmentRole.LEARNER, max_length=16)
    created_at: datetime = Field(default_factory=utcnow)


class JoinCode(SQLModel, table=True):
    __tablename__ = "join_code"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=6, unique=True, index=True)
    iteration_id: int = Field(foreign_key="iteration.id", index=True)
    created_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    revoked_at: datetime | None = None


class Announcement(SQLModel, table=True):
    """A short message a trainer posts to the whole group, shown live on the group's page."""

    id: int | None = Field(default=None, primary_key=True)
    iteration_id: int = Field(foreign_key="iteration.id", index=True)
    author_id: int = Field(foreign_key="user.id")
    body: str = Field(max_length=280)
    created_at: datetime = Field(default_factory=utcnow)


# --- continuous feedback -------------------------------------------------------------------
# Anonymous by design: who answered (FeedbackReceipt) is stored apart from what was answered
# (FeedbackAnswer and its ratings), which carry no user id, a random id and only the day.


class FeedbackDimension(SQLModel, table=True):
    """What learners rate, 1 to 5, set per training; default ones are named by `key`."""

    __tablename__ = "feedback_dimension"

    id: int | None = Field(default=None, primary_key=True)
    training_id: int = Field(foreign_key="training.id", index=True)
    key: str | None = Field(default=None, max_length=20)
    label: str = Field(default="", max_length=40)
    position: int = 0
    active: bool = True


class FeedbackReceipt(SQLModel, table=True):
    """That a learner answered about a session: for one-per-person and reminders only."""

    __tablename__ = "feedback_receipt"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="course_session.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)


class CommentStatus(StrEnum):
    """Where a comment stands: none written, waiting for review, or what the reviewer chose."""

    NONE = "none"
    PENDING = "pending"
    PUBLISHED = "published"
    PRIVATE = "private"
    DELETED = "deleted"


class FeedbackPending(SQLModel, table=True):
    """An answer, or an edit of one, waiting to be mixed into a batch (feedback/mixer.py): the
    only answer row ever written in the same transaction as its author's receipt."""

    __tablename__ = "feedback_pending"

    # The hash of the author's edit token: random, and the only way back to the answer.
    edit_hash: str = Field(primary_key=True, max_length=64)
    session_id: int = Field(foreign_key="course_session.id", index=True)
    ratings: str = Field(max_length=2000)  # JSON: criterion id -> rating
    comment: str = Field(default="", max_length=1000)


class FeedbackAnswer(SQLModel, table=True):
    """What was answered, written only by the mixer: no user, no time, a random id."""

    __tablename__ = "feedback_answer"

    id: str = Field(primary_key=True, max_length=32)  # random: says nothing about order
    session_id: int = Field(foreign_key="course_session.id", index=True)
    # Lets the author, and the author alone (who holds the token), find and edit it.
    edit_hash: str | None = Field(default=None, max_length=64, unique=True)
    comment: str = Field(default="", max_length=1000)
    # Indexed: reports and the review queue look for the few published or pending comments.
    comment_status: str = Field(default=CommentStatus.NONE, max_length=16, index=True)


class FeedbackRating(SQLModel, table=True):
    __tablename__ = "feedback_rating"

    answer_id: str = Field(foreign_key="feedback_answer.id", primary_key=True, max_length=32)
    dimension_id: int = Field(foreign_key="feedback_dimension.id", primary_key=True)
    value: int


class FeedbackReminder(SQLModel, table=True):
    """A reminder sent: at most one per learner and session."""

    __tablename__ = "feedback_reminder"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="course_session.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    sent_at: datetime = Field(default_factory=utcnow)


class Notification(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    kind: str = Field(max_length=32)
    subject: str = Field(max_length=200)  # shown as is: a session or project title
    link: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
    read_at: datetime | None = None


class PulseTap(SQLModel, table=True):
    """One tap on the live pulse: which signal, when, never who."""

    __tablename__ = "pulse_tap"

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="course_session.id", index=True)
    signal: str = Field(max_length=16)
    created_at: datetime = Field(default_factory=utcnow, index=True)


class PulseQuestion(SQLModel, table=True):
    __tablename__ = "pulse_question"

    id: str = Field(primary_key=True, max_length=32)
    session_id: int = Field(foreign_key="course_session.id", index=True)
    text: str = Field(max_length=280)
    votes: int = 0
    created_at: datetime = Field(default_factory=utcnow)


class PulseVote(SQLModel, table=True):
    """One vote per learner and question; the question's author is never stored."""

    __tablename__ = "pulse_vote"
    __table_args__ = (UniqueConstraint("question_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    question_id: str = Field(foreign_key="pulse_question.id", index=True, max_length=32)
    user_id: int = Field(foreign_key="user.id")


# --- test & learn ----------------------------------------------------------------------------


class FeedbackAggregate(SQLModel, table=True):
    """Running totals per session and criterion, kept with each answer: reports read these,
    so a report costs the same for a hundred answers or a million."""

    __tablename__ = "feedback_aggregate"

    session_id: int = Field(foreign_key="course_session.id", primary_key=True)
    dimension_id: int = Field(foreign_key="feedback_dimension.id", primary_key=True)
    count: int = 0
    total: int = 0
    total_sq: int = 0
    h1: int = 0
    h2: int = 0
    h3: int = 0
    h4: int = 0
    h5: int = 0


class ImprovementAction(SQLModel, table=True):
    """ "You said, we did": what learners said, what was decided, and where it applies."""

    __tablename__ = "improvement_action"

    id: int | None = Field(default=None, primary_key=True)
    provider_id: int = Field(foreign_key="provider.id", index=True)
    baseline_iteration_id: int = Field(foreign_key="iteration.id")
    iteration_id: int = Field(foreign_key="iteration.id", index=True)
    dimension_id: int | None = Field(default=None, foreign_key="feedback_dimension.id")
    said: str = Field(max_length=500)
    decision: str = Field(max_length=500)
    owner: str = Field(max_length=80)
    due_on: date
    created_by: int = Field(foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)


class ReportAuditEntry(SQLModel, table=True):
    """The audit log of what provider staff decide about feedback results: who showed a
    group's results to its learners or stopped, who changed the threshold, and when."""

    __tablename__ = "report_audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    provider_id: int = Field(foreign_key="provider.id", index=True)
    iteration_id: int | None = Field(default=None, foreign_key="iteration.id")
    actor_id: int = Field(foreign_key="user.id")
    action: str = Field(max_length=24)
    detail: str = Field(default="", max_length=300)
    created_at: datetime = Field(default_factory=utcnow)


# --- peer tutoring -----------------------------------------------------------------------------


class Skill(SQLModel, table=True):
    """A provider's catalogue: curated by staff and trainers; learners may suggest more."""

    __table_args__ = (UniqueConstraint("provider_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    provider_id: int = Field(foreign_key="provider.id", index=True)
    name: str = Field(max_length=60)
    approved: bool = True
    suggested_by: int | None = Field(default=None, foreign_key="user.id")


class LearnerSkill(SQLModel, table=True):
    """What a learner can help with (and how well), or wants to learn."""

    __tablename__ = "learner_skill"
    __table_args__ = (UniqueConstraint("user_id", "skill_id", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    skill_id: int = Field(foreign_key="skill.id", index=True)
    kind: str = Field(max_length=8)  # "offer" or "want"
    level: int = 1  # for offers: 1 getting there, 2 at ease, 3 could teach it


class HelpRequest(SQLModel, table=True):
    __tablename__ = "help_request"
    # A form sent twice (a double tap, a retried request) makes one request.
    __table_args__ = (UniqueConstraint("requester_id", "idempotency_key"),)

    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str | None = Field(default=None, max_length=40)
    requester_id: int = Field(foreign_key="user.id", index=True)
    iteration_id: int = Field(foreign_key="iteration.id", index=True)
    skill_id: int = Field(foreign_key="skill.id", index=True)
    description: str = Field(max_length=500)
    urgency: str = Field(max_length=8)  # "now" (in class) or "week"
    format: str = Field(max_length=12)  # "in_person", "video", "chat"
    status: str = Field(default="open", max_length=12, index=True)
    accepted_offer_id: int | None = None
    scheduled_at: datetime | None = None
    duration_minutes: int = 60
    place: str = Field(default="", max_length=200)
    cancel_reason: str = Field(default="", max_length=300)
    requester_confirmed: bool = False
    tutor_confirmed: bool = False
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime


class HelpOffer(SQLModel, table=True):
    __tablename__ = "help_offer"
    __table_args__ = (UniqueConstraint("request_id", "tutor_id"),)

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="help_request.id", index=True)
    tutor_id: int = Field(foreign_key="user.id", index=True)
    message: str = Field(default="", max_length=300)
    created_at: datetime = Field(default_factory=utcnow)


class Thanks(SQLModel, table=True):
    """The learner's thanks after a session: the rating is the tutor's to read, nobody else's."""

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="help_request.id", unique=True)
    tutor_id: int = Field(foreign_key="user.id", index=True)
    rating: int
    message: str = Field(default="", max_length=300)
    created_at: datetime = Field(default_factory=utcnow)


# --- collective projects ---------------------------------------------------------------------


class Project(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("author_id", "idempotency_key"),)

    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str | None = Field(default=None, max_length=40)
    iteration_id: int = Field(foreign_key="iteration.id", index=True)
    author_id: int = Field(foreign_key="user.id", index=True)
    title: str = Field(max_length=120)
    pitch: str = Field(max_length=1000)
    goals: str = Field(default="", max_length=1000)
    skills: str = Field(default="", max_length=300)
    weeks: int = 4
    # draft → proposed → active (launched or approved) | declined; archived at the end
    status: str = Field(default="draft", max_length=12, index=True)
    decline_reason: str = Field(default="", max_length=300)
    join_needs_approval: bool = False
    # Open to every learner of the provider, not only to the group it was proposed in.
    community: bool = False
    locked: bool = False
    # Why a trainer locked the space: its members read it where the message box was.
    locked_reason: str = Field(default="", max_length=300)
    slow_mode_seconds: int = 0
    created_at: datetime = Field(default_factory=utcnow)


class ProjectSupport(SQLModel, table=True):
    __tablename__ = "project_support"
    __table_args__ = (UniqueConstraint("project_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    user_id: int = Field(foreign_key="user.id")


class ProjectRole(SQLModel, table=True):
    """A kind of place to take in the project, and how many: "2 developers"."""

    __tablename__ = "project_role"

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    name: str = Field(max_length=60)
    slots: int = 1


class ProjectMember(SQLModel, table=True):
    __tablename__ = "project_member"
    __table_args__ = (UniqueConstraint("project_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    role_id: int | None = Field(default=None, foreign_key="project_role.id")
    status: str = Field(default="member", max_length=12)  # member, waitlist, pending
    is_lead: bool = False
    joined_at: datetime = Field(default_factory=utcnow)


class Task(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    title: str = Field(max_length=200)
    status: str = Field(default="todo", max_length=8)  # todo, doing, done
    assignee_id: int | None = Field(default=None, foreign_key="user.id")
    due_on: date | None = None


class Milestone(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    title: str = Field(max_length=120)
    due_on: date
    done: bool = False


class Message(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    author_id: int = Field(foreign_key="user.id")
    reply_to_id: int | None = Field(default=None, foreign_key="message.id")
    body: str = Field(max_length=2000)
    created_at: datetime = Field(default_factory=utcnow)
    edited_at: datetime | None = None
    deleted: bool = False
    hidden_reason: str | None = Field(default=None, max_length=300)
    pinned: bool = False


class Flag(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("message_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    message_id: int = Field(foreign_key="message.id", index=True)
    user_id: int = Field(foreign_key="user.id")
    reason: str = Field(max_length=300)
    created_at: datetime = Field(default_factory=utcnow)
    resolved: bool = False


class ModerationEntry(SQLModel, table=True):
    """The audit log: who did what to a project space, when, and why."""

    __tablename__ = "moderation_entry"

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    actor_id: int = Field(foreign_key="user.id")
    action: str = Field(max_length=24)
    detail: str = Field(default="", max_length=300)
    reason: str = Field(default="", max_length=300)
    created_at: datetime = Field(default_factory=utcnow)

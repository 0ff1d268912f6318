"""SQLModel tables, one module per area. Importing the package registers every table on
SQLModel.metadata (Alembic and the foreign keys need them all) and re-exports every name.

Enumerations are stored as plain strings: no PostgreSQL enum types to migrate."""

from community.models.base import utcnow
from community.models.feedback import (
    CommentStatus,
    FeedbackAggregate,
    FeedbackAnswer,
    FeedbackDimension,
    FeedbackPending,
    FeedbackRating,
    FeedbackReceipt,
    FeedbackReminder,
)
from community.models.notifications import Notification
from community.models.people import Provider, Role, User, WebSession
from community.models.projects import (
    Flag,
    Message,
    Milestone,
    ModerationEntry,
    Project,
    ProjectMember,
    ProjectRole,
    ProjectSupport,
    Task,
)
from community.models.pulse import PulseQuestion, PulseTap, PulseVote
from community.models.reports import ImprovementAction, ReportAuditEntry
from community.models.trainings import (
    Announcement,
    CourseSession,
    Enrolment,
    EnrolmentRole,
    Iteration,
    JoinCode,
    Training,
    TrainingFormat,
)
from community.models.tutoring import HelpOffer, HelpRequest, LearnerSkill, Skill, Thanks

__all__ = [
    "Announcement",
    "CommentStatus",
    "CourseSession",
    "Enrolment",
    "EnrolmentRole",
    "FeedbackAggregate",
    "FeedbackAnswer",
    "FeedbackDimension",
    "FeedbackPending",
    "FeedbackRating",
    "FeedbackReceipt",
    "FeedbackReminder",
    "Flag",
    "HelpOffer",
    "HelpRequest",
    "ImprovementAction",
    "Iteration",
    "JoinCode",
    "LearnerSkill",
    "Message",
    "Milestone",
    "ModerationEntry",
    "Notification",
    "Project",
    "ProjectMember",
    "ProjectRole",
    "ProjectSupport",
    "Provider",
    "PulseQuestion",
    "PulseTap",
    "PulseVote",
    "ReportAuditEntry",
    "Role",
    "Skill",
    "Task",
    "Thanks",
    "Training",
    "TrainingFormat",
    "User",
    "WebSession",
    "utcnow",
]

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
from community.models.flipped import (
    FlippedBlocker,
    FlippedProgress,
    FlippedResource,
    FlippedTopicName,
    ResourceKind,
)
from community.models.home import DigestSent, HomeVisit
from community.models.journal import (
    JournalComment,
    JournalEntry,
    JournalEntrySkill,
    MentorLink,
)
from community.models.mail import MailToken, OutboxMail
from community.models.notifications import Notification
from community.models.pathways import CardPin, CardSetting, CardShown, CardVerdict
from community.models.people import Provider, Role, User, WebSession
from community.models.privacy import AccountErasure, DataExport, RetentionRun
from community.models.projects import (
    Flag,
    Message,
    MessagePhoto,
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
from community.models.rotation import (
    CompanyContact,
    Decision,
    Departure,
    DepartureSkill,
    PoolMember,
    Proposal,
    RotationCompany,
)
from community.models.skill_map import (
    LinkKind,
    LinkOrigin,
    PathwayChoice,
    SkillLink,
    TargetJob,
    TargetJobSkill,
    TrainingSkill,
)
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
from community.models.vr import (
    PracticeMode,
    VrBooking,
    VrComfort,
    VrHeadset,
    VrPractice,
    VrScene,
    VrSlot,
)

__all__ = [
    "AccountErasure",
    "Announcement",
    "CardPin",
    "CardSetting",
    "CardShown",
    "CardVerdict",
    "CommentStatus",
    "CompanyContact",
    "CourseSession",
    "DataExport",
    "Decision",
    "Departure",
    "DepartureSkill",
    "DigestSent",
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
    "FlippedBlocker",
    "FlippedProgress",
    "FlippedResource",
    "FlippedTopicName",
    "HelpOffer",
    "HelpRequest",
    "HomeVisit",
    "ImprovementAction",
    "Iteration",
    "JoinCode",
    "JournalComment",
    "JournalEntry",
    "JournalEntrySkill",
    "LearnerSkill",
    "LinkKind",
    "LinkOrigin",
    "MailToken",
    "MentorLink",
    "Message",
    "MessagePhoto",
    "Milestone",
    "ModerationEntry",
    "Notification",
    "OutboxMail",
    "PathwayChoice",
    "PoolMember",
    "PracticeMode",
    "Project",
    "ProjectMember",
    "ProjectRole",
    "ProjectSupport",
    "Proposal",
    "Provider",
    "PulseQuestion",
    "PulseTap",
    "PulseVote",
    "ReportAuditEntry",
    "ResourceKind",
    "RetentionRun",
    "Role",
    "RotationCompany",
    "Skill",
    "SkillLink",
    "TargetJob",
    "TargetJobSkill",
    "Task",
    "Thanks",
    "Training",
    "TrainingFormat",
    "TrainingSkill",
    "User",
    "VrBooking",
    "VrComfort",
    "VrHeadset",
    "VrPractice",
    "VrScene",
    "VrSlot",
    "WebSession",
    "utcnow",
]

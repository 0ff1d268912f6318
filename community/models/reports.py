"""Test & learn: improvement actions and the audit of what staff decide about results."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from community.models.base import utcnow


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

"""The skill map: target jobs and their skills, what trainings cover, links between skills,
and the job a learner aims at."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from community.models.base import utcnow


class LinkKind(StrEnum):
    PREREQUISITE = "prerequisite"  # from before to
    RELATED = "related"  # stored once, the smaller skill id first


class LinkOrigin(StrEnum):
    TRAINER = "trainer"
    SUGGESTED = "suggested"  # accepted from the co-occurrence suggestions


class TargetJob(SQLModel, table=True):
    """A job a provider's trainings lead to, with the skills it needs."""

    __tablename__ = "target_job"
    __table_args__ = (UniqueConstraint("provider_id", "title"),)

    id: int | None = Field(default=None, primary_key=True)
    provider_id: int = Field(foreign_key="provider.id", index=True)
    title: str = Field(max_length=120)
    code: str = Field(default="", max_length=20)
    created_by: int | None = Field(default=None, foreign_key="user.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)


class TargetJobSkill(SQLModel, table=True):
    __tablename__ = "target_job_skill"
    __table_args__ = (UniqueConstraint("job_id", "skill_id"),)

    id: int | None = Field(default=None, primary_key=True)
    job_id: int = Field(foreign_key="target_job.id", index=True)
    skill_id: int = Field(foreign_key="skill.id", index=True)


class TrainingSkill(SQLModel, table=True):
    """A skill a training covers."""

    __tablename__ = "training_skill"
    __table_args__ = (UniqueConstraint("training_id", "skill_id"),)

    id: int | None = Field(default=None, primary_key=True)
    training_id: int = Field(foreign_key="training.id", index=True)
    skill_id: int = Field(foreign_key="skill.id", index=True)


class SkillLink(SQLModel, table=True):
    """Two skills of one provider: a prerequisite (from before to), or related."""

    __tablename__ = "skill_link"
    __table_args__ = (
        UniqueConstraint("from_skill_id", "to_skill_id", "kind"),
        CheckConstraint("from_skill_id <> to_skill_id", name="not_itself"),
    )

    id: int | None = Field(default=None, primary_key=True)
    from_skill_id: int = Field(foreign_key="skill.id", index=True)
    to_skill_id: int = Field(foreign_key="skill.id", index=True)
    kind: str = Field(max_length=16)
    origin: str = Field(default=LinkOrigin.TRAINER, max_length=12)
    created_by: int | None = Field(default=None, foreign_key="user.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)


class PathwayChoice(SQLModel, table=True):
    """The job a learner aims at; none chosen yet when target_job_id is empty."""

    __tablename__ = "pathway_choice"

    user_id: int = Field(foreign_key="user.id", primary_key=True)
    target_job_id: int | None = Field(default=None, foreign_key="target_job.id", index=True)
    updated_at: datetime = Field(default_factory=utcnow)

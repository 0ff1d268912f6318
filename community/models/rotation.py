"""Job rotation ("Relais"): partner companies and their contacts, the departures they declare,
the learners who opted in to replace someone, and the replacements proposed."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from community.models.base import utcnow


class Decision(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class RotationCompany(SQLModel, table=True):
    """A partner company of a provider's rotation scheme."""

    __tablename__ = "rotation_company"
    __table_args__ = (UniqueConstraint("provider_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    provider_id: int = Field(foreign_key="provider.id", index=True)
    name: str = Field(max_length=120)
    # The trade the company works in, as the outcomes dashboard groups companies.
    sector: str = Field(default="", max_length=80)
    created_at: datetime = Field(default_factory=utcnow)


class RegionCoordinator(SQLModel, table=True):
    """A provider whose rotation a regional coordinator runs: one row per provider of the
    region they were given (a provider's own staff need none)."""

    __tablename__ = "region_coordinator"

    user_id: int = Field(foreign_key="user.id", primary_key=True)
    provider_id: int = Field(foreign_key="provider.id", primary_key=True)
    created_at: datetime = Field(default_factory=utcnow)


class CompanyContact(SQLModel, table=True):
    """The account of a person who speaks for a company (one company per account)."""

    __tablename__ = "company_contact"

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="rotation_company.id", index=True)
    user_id: int = Field(foreign_key="user.id", unique=True)
    created_at: datetime = Field(default_factory=utcnow)


class Departure(SQLModel, table=True):
    """An employee leaving their post for a training, and the replacement it calls for."""

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="rotation_company.id", index=True)
    declared_by: int | None = Field(default=None, foreign_key="user.id")
    # Who leaves: a learner already in Ruche, or a name and an address.
    employee_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    employee_name: str = Field(default="", max_length=80)
    employee_email: str = Field(default="", max_length=254)
    post_title: str = Field(max_length=120)
    tasks: str = Field(default="", max_length=2000)
    shift: str = Field(default="", max_length=80)
    # Where the post is: a name and a postcode (distance is judged from postcodes).
    site: str = Field(default="", max_length=120)
    site_postcode: str = Field(max_length=5)
    # The training: a group of Ruche, or one outside named here.
    iteration_id: int | None = Field(default=None, foreign_key="iteration.id")
    training_name: str = Field(default="", max_length=120)
    # The replacement's onboarding: a group of the provider they are enrolled in once accepted.
    onboarding_iteration_id: int | None = Field(default=None, foreign_key="iteration.id")
    starts_on: date
    ends_on: date
    training_hours: int  # per week, away from the post
    replacement_hours: int  # per week, worked by the replacement
    # Set by the coordinator once every item of the eligibility checklist is ticked.
    ready_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class Handover(SQLModel, table=True):
    """What the departing employee leaves to their replacement: the post in their words."""

    departure_id: int = Field(foreign_key="departure.id", primary_key=True)
    author_id: int = Field(foreign_key="user.id", index=True)  # the departing employee
    tasks: str = Field(default="", max_length=2000)
    contacts: str = Field(default="", max_length=2000)
    tricks: str = Field(default="", max_length=2000)
    updated_at: datetime = Field(default_factory=utcnow)


class DepartureSkill(SQLModel, table=True):
    """A skill of the provider's catalogue that the post needs."""

    __tablename__ = "departure_skill"

    departure_id: int = Field(foreign_key="departure.id", primary_key=True)
    skill_id: int = Field(foreign_key="skill.id", primary_key=True)


class PoolMember(SQLModel, table=True):
    """A learner who opted in to replace employees on training: one row per person, kept
    after a withdrawal so that the consent and its withdrawal stay on record."""

    __tablename__ = "pool_member"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", unique=True)
    provider_id: int = Field(foreign_key="provider.id", index=True)
    skills: str = Field(max_length=500)  # the person's words, comma-separated
    available_from: date
    hours_per_week: int
    postcode: str = Field(max_length=5)
    travel_km: int
    consented_at: datetime = Field(default_factory=utcnow)
    withdrawn_at: datetime | None = None


class Proposal(SQLModel, table=True):
    """A candidate proposed by a coordinator for a departure; the company and the candidate
    each decide. `both_accepted` is set by the second acceptance, and the partial unique
    index holds the rule that a departure has one accepted replacement at most."""

    __table_args__ = (
        UniqueConstraint("departure_id", "candidate_id"),
        Index(
            "uq_proposal_one_accepted",
            "departure_id",
            unique=True,
            sqlite_where=text("both_accepted"),
            postgresql_where=text("both_accepted"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    departure_id: int = Field(foreign_key="departure.id", index=True)
    candidate_id: int = Field(foreign_key="user.id", index=True)
    score: int = 0
    company_decision: str = Field(default=Decision.PENDING, max_length=10)
    candidate_decision: str = Field(default=Decision.PENDING, max_length=10)
    both_accepted: bool = False
    created_at: datetime = Field(default_factory=utcnow)
    decided_at: datetime | None = None


class EligibilityItem(SQLModel, table=True):
    """One point of a departure's eligibility checklist (information, not legal advice),
    ticked by the coordinator with the day it was met."""

    __tablename__ = "eligibility_item"

    id: int | None = Field(default=None, primary_key=True)
    departure_id: int = Field(foreign_key="departure.id", index=True)
    # One of the usual items (said in the reader's language), or "" for the coordinator's own.
    kind: str = Field(default="", max_length=20)
    label: str = Field(default="", max_length=300)
    due_on: date | None = None
    done_on: date | None = None
    created_at: datetime = Field(default_factory=utcnow)


class OutcomeMoment(StrEnum):
    END = "end"  # the end of the replacement contract
    LATER = "later"  # six months after it


class ReplacementFate(StrEnum):
    NONE = "none"  # the departure found no replacement
    HIRED = "hired"
    OTHER_JOB = "other_job"
    TRAINING = "training"
    UNEMPLOYED = "unemployed"


class EmployeeFate(StrEnum):
    BACK = "back"
    PROMOTED = "promoted"
    LEFT = "left"


class RotationOutcome(SQLModel, table=True):
    """What became of the replacement and of the employee at one moment after a departure;
    one record per departure and moment, held by the unique constraint."""

    __tablename__ = "rotation_outcome"
    __table_args__ = (UniqueConstraint("departure_id", "moment"),)

    id: int | None = Field(default=None, primary_key=True)
    departure_id: int = Field(foreign_key="departure.id", index=True)
    moment: str = Field(max_length=10)
    replacement: str = Field(max_length=12)
    employee: str = Field(max_length=12)
    recorded_at: datetime = Field(default_factory=utcnow)

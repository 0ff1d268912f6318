"""rotation: partner companies and contacts, departures, the pool, proposals

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-02 07:41:33.336687
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rotation_company",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["provider.id"], name=op.f("fk_rotation_company_provider_id_provider")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rotation_company")),
        sa.UniqueConstraint("provider_id", "name", name=op.f("uq_rotation_company_provider_id")),
    )
    with op.batch_alter_table("rotation_company", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rotation_company_provider_id"), ["provider_id"], unique=False
        )

    op.create_table(
        "company_contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["rotation_company.id"],
            name=op.f("fk_company_contact_company_id_rotation_company"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_company_contact_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_company_contact")),
        sa.UniqueConstraint("user_id", name=op.f("uq_company_contact_user_id")),
    )
    with op.batch_alter_table("company_contact", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_company_contact_company_id"), ["company_id"], unique=False
        )

    op.create_table(
        "pool_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("skills", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("available_from", sa.Date(), nullable=False),
        sa.Column("hours_per_week", sa.Integer(), nullable=False),
        sa.Column("postcode", sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
        sa.Column("travel_km", sa.Integer(), nullable=False),
        sa.Column("consented_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("withdrawn_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["provider.id"], name=op.f("fk_pool_member_provider_id_provider")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_pool_member_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pool_member")),
        sa.UniqueConstraint("user_id", name=op.f("uq_pool_member_user_id")),
    )
    with op.batch_alter_table("pool_member", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pool_member_provider_id"), ["provider_id"], unique=False
        )

    op.create_table(
        "departure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("declared_by", sa.Integer(), nullable=True),
        sa.Column("employee_id", sa.Integer(), nullable=True),
        sa.Column("employee_name", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("employee_email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("post_title", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("tasks", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("shift", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("site", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("site_postcode", sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
        sa.Column("iteration_id", sa.Integer(), nullable=True),
        sa.Column("training_name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("training_hours", sa.Integer(), nullable=False),
        sa.Column("replacement_hours", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["rotation_company.id"],
            name=op.f("fk_departure_company_id_rotation_company"),
        ),
        sa.ForeignKeyConstraint(
            ["declared_by"], ["user.id"], name=op.f("fk_departure_declared_by_user")
        ),
        sa.ForeignKeyConstraint(
            ["employee_id"], ["user.id"], name=op.f("fk_departure_employee_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["iteration_id"], ["iteration.id"], name=op.f("fk_departure_iteration_id_iteration")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_departure")),
    )
    with op.batch_alter_table("departure", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_departure_company_id"), ["company_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_departure_employee_id"), ["employee_id"], unique=False)

    op.create_table(
        "departure_skill",
        sa.Column("departure_id", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["departure_id"],
            ["departure.id"],
            name=op.f("fk_departure_skill_departure_id_departure"),
        ),
        sa.ForeignKeyConstraint(
            ["skill_id"], ["skill.id"], name=op.f("fk_departure_skill_skill_id_skill")
        ),
        sa.PrimaryKeyConstraint("departure_id", "skill_id", name=op.f("pk_departure_skill")),
    )
    op.create_table(
        "proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("departure_id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("company_decision", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column(
            "candidate_decision", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False
        ),
        sa.Column("both_accepted", sa.Boolean(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("decided_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["candidate_id"], ["user.id"], name=op.f("fk_proposal_candidate_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["departure_id"], ["departure.id"], name=op.f("fk_proposal_departure_id_departure")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal")),
        sa.UniqueConstraint("departure_id", "candidate_id", name=op.f("uq_proposal_departure_id")),
    )
    with op.batch_alter_table("proposal", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_proposal_candidate_id"), ["candidate_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_proposal_departure_id"), ["departure_id"], unique=False
        )
        batch_op.create_index(
            "uq_proposal_one_accepted",
            ["departure_id"],
            unique=True,
            sqlite_where=sa.text("both_accepted"),
            postgresql_where=sa.text("both_accepted"),
        )


def downgrade() -> None:
    with op.batch_alter_table("proposal", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_proposal_one_accepted",
            sqlite_where=sa.text("both_accepted"),
            postgresql_where=sa.text("both_accepted"),
        )
        batch_op.drop_index(batch_op.f("ix_proposal_departure_id"))
        batch_op.drop_index(batch_op.f("ix_proposal_candidate_id"))

    op.drop_table("proposal")
    op.drop_table("departure_skill")
    with op.batch_alter_table("departure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_departure_employee_id"))
        batch_op.drop_index(batch_op.f("ix_departure_company_id"))

    op.drop_table("departure")
    with op.batch_alter_table("pool_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pool_member_provider_id"))

    op.drop_table("pool_member")
    with op.batch_alter_table("company_contact", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_company_contact_company_id"))

    op.drop_table("company_contact")
    with op.batch_alter_table("rotation_company", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rotation_company_provider_id"))

    op.drop_table("rotation_company")

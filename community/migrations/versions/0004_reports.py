"""reports: aggregates, actions, thresholds

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 06:33:42.571265
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "improvement_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("baseline_iteration_id", sa.Integer(), nullable=False),
        sa.Column("iteration_id", sa.Integer(), nullable=False),
        sa.Column("dimension_id", sa.Integer(), nullable=True),
        sa.Column("said", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("decision", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("owner", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["baseline_iteration_id"],
            ["iteration.id"],
            name=op.f("fk_improvement_action_baseline_iteration_id_iteration"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["user.id"], name=op.f("fk_improvement_action_created_by_user")
        ),
        sa.ForeignKeyConstraint(
            ["dimension_id"],
            ["feedback_dimension.id"],
            name=op.f("fk_improvement_action_dimension_id_feedback_dimension"),
        ),
        sa.ForeignKeyConstraint(
            ["iteration_id"],
            ["iteration.id"],
            name=op.f("fk_improvement_action_iteration_id_iteration"),
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["provider.id"],
            name=op.f("fk_improvement_action_provider_id_provider"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_improvement_action")),
    )
    with op.batch_alter_table("improvement_action", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_improvement_action_iteration_id"), ["iteration_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_improvement_action_provider_id"), ["provider_id"], unique=False
        )

    op.create_table(
        "feedback_aggregate",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("dimension_id", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("total_sq", sa.Integer(), nullable=False),
        sa.Column("h1", sa.Integer(), nullable=False),
        sa.Column("h2", sa.Integer(), nullable=False),
        sa.Column("h3", sa.Integer(), nullable=False),
        sa.Column("h4", sa.Integer(), nullable=False),
        sa.Column("h5", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dimension_id"],
            ["feedback_dimension.id"],
            name=op.f("fk_feedback_aggregate_dimension_id_feedback_dimension"),
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["course_session.id"],
            name=op.f("fk_feedback_aggregate_session_id_course_session"),
        ),
        sa.PrimaryKeyConstraint("session_id", "dimension_id", name=op.f("pk_feedback_aggregate")),
    )
    with op.batch_alter_table("iteration", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("results_published", sa.Boolean(), nullable=False, server_default=sa.false())
        )

    with op.batch_alter_table("provider", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("anonymity_threshold", sa.Integer(), nullable=False, server_default="5")
        )


def downgrade() -> None:
    with op.batch_alter_table("provider", schema=None) as batch_op:
        batch_op.drop_column("anonymity_threshold")

    with op.batch_alter_table("iteration", schema=None) as batch_op:
        batch_op.drop_column("results_published")

    op.drop_table("feedback_aggregate")
    with op.batch_alter_table("improvement_action", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_improvement_action_provider_id"))
        batch_op.drop_index(batch_op.f("ix_improvement_action_iteration_id"))

    op.drop_table("improvement_action")

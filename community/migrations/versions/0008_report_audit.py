"""report audit

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 14:47:23.972397
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "report_audit_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("iteration_id", sa.Integer(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column("detail", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["user.id"], name=op.f("fk_report_audit_entry_actor_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["iteration_id"],
            ["iteration.id"],
            name=op.f("fk_report_audit_entry_iteration_id_iteration"),
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["provider.id"],
            name=op.f("fk_report_audit_entry_provider_id_provider"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_audit_entry")),
    )
    with op.batch_alter_table("report_audit_entry", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_report_audit_entry_provider_id"), ["provider_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("report_audit_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_audit_entry_provider_id"))
    op.drop_table("report_audit_entry")

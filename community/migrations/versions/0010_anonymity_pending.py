"""anonymity: answers wait in feedback_pending and reach feedback_answer in shuffled batches

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 18:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "feedback_pending",
        sa.Column("edit_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("ratings", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("comment", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["course_session.id"],
            name=op.f("fk_feedback_pending_session_id_course_session"),
        ),
        sa.PrimaryKeyConstraint("edit_hash", name=op.f("pk_feedback_pending")),
    )
    with op.batch_alter_table("feedback_pending", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_feedback_pending_session_id"), ["session_id"], unique=False
        )
    with op.batch_alter_table("feedback_answer", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("edit_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
        batch_op.create_unique_constraint(batch_op.f("uq_feedback_answer_edit_hash"), ["edit_hash"])
        # The day an answer was given lined answers up with their authors' receipts.
        batch_op.drop_column("day")


def downgrade() -> None:
    with op.batch_alter_table("feedback_answer", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("day", sa.Date(), nullable=False, server_default=sa.text("'2000-01-01'"))
        )
        batch_op.drop_constraint(batch_op.f("uq_feedback_answer_edit_hash"), type_="unique")
        batch_op.drop_column("edit_hash")
    with op.batch_alter_table("feedback_pending", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_pending_session_id"))
    op.drop_table("feedback_pending")

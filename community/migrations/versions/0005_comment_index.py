"""index comment status

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 06:50:05.539487
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("feedback_answer", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_feedback_answer_comment_status"), ["comment_status"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("feedback_answer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_answer_comment_status"))

"""pool_picks: the shared entries a session's trainers picked to discuss, in their order

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-02 12:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0031"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "journal_pick",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["journal_entry.id"],
            name=op.f("fk_journal_pick_entry_id_journal_entry"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["course_session.id"],
            name=op.f("fk_journal_pick_session_id_course_session"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_pick")),
        sa.UniqueConstraint("session_id", "entry_id", name=op.f("uq_journal_pick_session_id")),
    )
    op.create_index(op.f("ix_journal_pick_session_id"), "journal_pick", ["session_id"])
    op.create_index(op.f("ix_journal_pick_entry_id"), "journal_pick", ["entry_id"])


def downgrade() -> None:
    op.drop_table("journal_pick")

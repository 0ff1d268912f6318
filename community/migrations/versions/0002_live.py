"""live event log and announcements

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 06:04:22.036642
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "announcement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("iteration_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("body", sqlmodel.sql.sqltypes.AutoString(length=280), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["user.id"], name=op.f("fk_announcement_author_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["iteration_id"], ["iteration.id"], name=op.f("fk_announcement_iteration_id_iteration")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_announcement")),
    )
    with op.batch_alter_table("announcement", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_announcement_iteration_id"), ["iteration_id"], unique=False
        )

    op.create_table(
        "live_channel",
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_live_channel")),
    )
    op.create_table(
        "live_event",
        sa.Column("channel", sa.String(length=120), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("channel", "seq", name=op.f("pk_live_event")),
    )
    with op.batch_alter_table("live_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_live_event_created_at"), ["created_at"], unique=False)
        batch_op.create_index(
            "ix_live_event_unpublished", ["published_at", "created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("live_event", schema=None) as batch_op:
        batch_op.drop_index("ix_live_event_unpublished")
        batch_op.drop_index(batch_op.f("ix_live_event_created_at"))

    op.drop_table("live_event")
    op.drop_table("live_channel")
    with op.batch_alter_table("announcement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_announcement_iteration_id"))

    op.drop_table("announcement")

"""relais_handover: the departing employee's handover to their replacement

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-02 12:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0033"
down_revision: str | None = "0032"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "handover",
        sa.Column("departure_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("tasks", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("contacts", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("tricks", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["departure_id"], ["departure.id"]),
        sa.PrimaryKeyConstraint("departure_id"),
    )
    with op.batch_alter_table("handover", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_handover_author_id"), ["author_id"], unique=False)


def downgrade() -> None:
    op.drop_table("handover")

"""data export: when a worker took the archive, so that one left by a dead process is taken again

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 00:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("data_export", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("started_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("data_export", schema=None) as batch_op:
        batch_op.drop_column("started_at")

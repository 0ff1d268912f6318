"""a project message's idempotency key: a message kept offline and sent again makes one

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 01:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("idempotency_key", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True)
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_message_author_id"), ["author_id", "idempotency_key"]
        )


def downgrade() -> None:
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_message_author_id"), type_="unique")
        batch_op.drop_column("idempotency_key")

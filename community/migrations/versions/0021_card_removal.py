"""card_removal: a trainer takes a computed card off a learner's compass

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02 07:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # In card_pin, whose (learner_id, card_key) is unique: a card is pinned or removed.
    with op.batch_alter_table("card_pin", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("removed", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    op.execute("DELETE FROM card_pin WHERE removed")
    with op.batch_alter_table("card_pin", schema=None) as batch_op:
        batch_op.drop_column("removed")

"""relais_onboarding: the group a departure's replacement is onboarded in

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-02 13:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0034"
down_revision: str | None = "0033"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("departure", schema=None) as batch_op:
        batch_op.add_column(sa.Column("onboarding_iteration_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_departure_onboarding_iteration_id", "iteration", ["onboarding_iteration_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("departure", schema=None) as batch_op:
        batch_op.drop_constraint("fk_departure_onboarding_iteration_id", type_="foreignkey")
        batch_op.drop_column("onboarding_iteration_id")

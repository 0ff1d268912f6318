"""resource_skill: a capsule resource may name the catalogue's skill it works on

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-02 08:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("flipped_resource", schema=None) as batch_op:
        batch_op.add_column(sa.Column("skill_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_flipped_resource_skill_id"), ["skill_id"])
        batch_op.create_foreign_key(
            "fk_flipped_resource_skill_id_skill", "skill", ["skill_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("flipped_resource", schema=None) as batch_op:
        batch_op.drop_constraint("fk_flipped_resource_skill_id_skill", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_flipped_resource_skill_id"))
        batch_op.drop_column("skill_id")

"""rotation: eligibility checklists, a departure's readiness, outcomes, companies' sectors

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-02 08:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("rotation_company", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "sector",
                sqlmodel.sql.sqltypes.AutoString(length=80),
                nullable=False,
                server_default="",
            )
        )
    with op.batch_alter_table("departure", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("ready_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
    op.create_table(
        "eligibility_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("departure_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("label", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["departure_id"],
            ["departure.id"],
            name=op.f("fk_eligibility_item_departure_id_departure"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_eligibility_item")),
    )
    with op.batch_alter_table("eligibility_item", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_eligibility_item_departure_id"), ["departure_id"], unique=False
        )
    op.create_table(
        "rotation_outcome",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("departure_id", sa.Integer(), nullable=False),
        sa.Column("moment", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("replacement", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("employee", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["departure_id"],
            ["departure.id"],
            name=op.f("fk_rotation_outcome_departure_id_departure"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rotation_outcome")),
        sa.UniqueConstraint(
            "departure_id", "moment", name=op.f("uq_rotation_outcome_departure_id")
        ),
    )
    with op.batch_alter_table("rotation_outcome", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rotation_outcome_departure_id"), ["departure_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("rotation_outcome", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rotation_outcome_departure_id"))
    op.drop_table("rotation_outcome")
    with op.batch_alter_table("eligibility_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_eligibility_item_departure_id"))
    op.drop_table("eligibility_item")
    with op.batch_alter_table("departure", schema=None) as batch_op:
        batch_op.drop_column("ready_at")
    with op.batch_alter_table("rotation_company", schema=None) as batch_op:
        batch_op.drop_column("sector")

"""personal data: archives, erasures, retention runs

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 00:35:42.107618
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "retention_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("finished_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("removed", sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
        sa.Column("failure", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_run")),
    )
    with op.batch_alter_table("retention_run", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_retention_run_started_at"), ["started_at"], unique=False
        )

    op.create_table(
        "account_erasure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["user.id"], name=op.f("fk_account_erasure_actor_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_account_erasure_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_erasure")),
    )
    with op.batch_alter_table("account_erasure", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_account_erasure_user_id"), ["user_id"], unique=False)

    op.create_table(
        "data_export",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("locale", sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("archive", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("ready_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_data_export_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_export")),
    )
    with op.batch_alter_table("data_export", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_data_export_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_data_export_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("erased_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("erased_at")

    with op.batch_alter_table("data_export", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_data_export_user_id"))
        batch_op.drop_index(batch_op.f("ix_data_export_status"))

    op.drop_table("data_export")
    with op.batch_alter_table("account_erasure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_account_erasure_user_id"))

    op.drop_table("account_erasure")
    with op.batch_alter_table("retention_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_retention_run_started_at"))

    op.drop_table("retention_run")

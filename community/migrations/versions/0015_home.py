"""home: when each person last opened it, their e-mail digests, extra mail headers

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 01:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Text = sqlmodel.sql.sqltypes.AutoString
When = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("digest_every", Text(length=8), nullable=False, server_default="weekly")
        )
        batch_op.add_column(
            sa.Column("digest_skips", Text(length=80), nullable=False, server_default="")
        )
    with op.batch_alter_table("mail_outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("headers", sa.Text(), nullable=False, server_default=""))
    op.create_table(
        "home_visit",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("seen_at", When(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_home_visit_user_id_user")),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_home_visit")),
    )
    op.create_table(
        "digest_sent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("period", Text(length=16), nullable=False),
        sa.Column("mailed", sa.Boolean(), nullable=False),
        sa.Column("created_at", When(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_digest_sent_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_sent")),
        sa.UniqueConstraint("user_id", "period", name=op.f("uq_digest_sent_user_id")),
    )
    with op.batch_alter_table("digest_sent", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_digest_sent_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("digest_sent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_digest_sent_user_id"))
    op.drop_table("digest_sent")
    op.drop_table("home_visit")
    with op.batch_alter_table("mail_outbox", schema=None) as batch_op:
        batch_op.drop_column("headers")
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("digest_skips")
        batch_op.drop_column("digest_every")

"""mail: the outbox, single-use links, confirmed addresses

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 01:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Text = sqlmodel.sql.sqltypes.AutoString
When = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "mail_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("to_address", Text(length=254), nullable=False),
        sa.Column("kind", Text(length=32), nullable=False),
        sa.Column("subject", Text(length=200), nullable=False),
        sa.Column("text_body", sa.Text(), nullable=False),
        sa.Column("html_body", sa.Text(), nullable=False),
        sa.Column("message_id", Text(length=200), nullable=False),
        sa.Column("created_at", When(), nullable=False),
        sa.Column("next_attempt_at", When(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", Text(length=120), nullable=False),
        sa.Column("claim", Text(length=32), nullable=True),
        sa.Column("claimed_until", When(), nullable=True),
        sa.Column("sent_at", When(), nullable=True),
        sa.Column("logged_at", When(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_mail_outbox_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_outbox")),
    )
    with op.batch_alter_table("mail_outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mail_outbox_user_id"), ["user_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_mail_outbox_next_attempt_at"), ["next_attempt_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_mail_outbox_sent_at"), ["sent_at"], unique=False)

    op.create_table(
        "mail_token",
        sa.Column("id", Text(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("purpose", Text(length=16), nullable=False),
        sa.Column("address", Text(length=254), nullable=False),
        sa.Column("created_at", When(), nullable=False),
        sa.Column("expires_at", When(), nullable=False),
        sa.Column("used_at", When(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_mail_token_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_token")),
    )
    with op.batch_alter_table("mail_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mail_token_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email_confirmed_at", When(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("email_confirmed_at")
    with op.batch_alter_table("mail_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mail_token_user_id"))
    op.drop_table("mail_token")
    with op.batch_alter_table("mail_outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mail_outbox_sent_at"))
        batch_op.drop_index(batch_op.f("ix_mail_outbox_next_attempt_at"))
        batch_op.drop_index(batch_op.f("ix_mail_outbox_user_id"))
    op.drop_table("mail_outbox")

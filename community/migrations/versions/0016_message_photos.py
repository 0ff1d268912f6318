"""message photos: the picture attached to a project message

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 01:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Text = sqlmodel.sql.sqltypes.AutoString
When = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "message_photo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("key", Text(length=32), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content_type", Text(length=32), nullable=False),
        sa.Column("alt", Text(length=200), nullable=False),
        sa.Column("created_at", When(), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"], ["message.id"], name=op.f("fk_message_photo_message_id_message")
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["user.id"], name=op.f("fk_message_photo_author_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_photo")),
        sa.UniqueConstraint("message_id", name=op.f("uq_message_photo_message_id")),
        sa.UniqueConstraint("key", name=op.f("uq_message_photo_key")),
    )
    with op.batch_alter_table("message_photo", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_message_photo_author_id"), ["author_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("message_photo", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_message_photo_author_id"))
    op.drop_table("message_photo")

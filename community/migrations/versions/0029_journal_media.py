"""journal_media: photos of journal entries; an entry's idempotency key (sent offline)

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-02 11:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("journal_entry", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("idempotency_key", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True)
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_journal_entry_author_id"), ["author_id", "idempotency_key"]
        )
    op.create_table(
        "journal_photo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content_type", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["user.id"], name=op.f("fk_journal_photo_author_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["journal_entry.id"],
            name=op.f("fk_journal_photo_entry_id_journal_entry"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_photo")),
        sa.UniqueConstraint("key", name=op.f("uq_journal_photo_key")),
    )
    with op.batch_alter_table("journal_photo", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_journal_photo_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_journal_photo_entry_id"), ["entry_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("journal_photo", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_journal_photo_entry_id"))
        batch_op.drop_index(batch_op.f("ix_journal_photo_author_id"))
    op.drop_table("journal_photo")
    with op.batch_alter_table("journal_entry", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_journal_entry_author_id"), type_="unique")
        batch_op.drop_column("idempotency_key")

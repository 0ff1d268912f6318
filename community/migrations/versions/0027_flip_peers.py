"""flip_peers: questions and answers on a capsule, ready learners invited to help

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-02 11:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _indexes(table: str, *columns: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        for column in columns:
            batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)


def upgrade() -> None:
    op.create_table(
        "flipped_question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("body", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("good", sa.Boolean(), nullable=False),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["course_session.id"],
                                name=op.f("fk_flipped_question_session_id_course_session")),
        sa.ForeignKeyConstraint(["author_id"], ["user.id"],
                                name=op.f("fk_flipped_question_author_id_user")),
        sa.ForeignKeyConstraint(["parent_id"], ["flipped_question.id"],
                                name=op.f("fk_flipped_question_parent_id_flipped_question")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flipped_question")),
    )  # fmt: skip
    _indexes("flipped_question", "session_id", "author_id", "parent_id")
    op.create_table(
        "flipped_peer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("accepted", sa.Boolean(), nullable=True),
        sa.Column("invited_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["course_session.id"],
                                name=op.f("fk_flipped_peer_session_id_course_session")),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_flipped_peer_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flipped_peer")),
        sa.UniqueConstraint("session_id", "user_id", name=op.f("uq_flipped_peer_session_id")),
    )  # fmt: skip
    _indexes("flipped_peer", "session_id", "user_id")


def downgrade() -> None:
    op.drop_table("flipped_peer")
    op.drop_table("flipped_question")

"""flip_topics: trainers' merges of topics of blocking points, and "you said, we did" notes
for a capsule

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-02 11:58:00.000000
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0030"
down_revision: str | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _by_session(table: str, person: str) -> list[Any]:
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column(person, sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint([person], ["user.id"], name=op.f(f"fk_{table}_{person}_user")),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["course_session.id"],
            name=op.f(f"fk_{table}_session_id_course_session"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]


def upgrade() -> None:
    op.create_table(
        "flipped_topic_merge",
        *_by_session("flipped_topic_merge", "merged_by"),
        sa.Column("answer_id", sa.Integer(), nullable=False),
        sa.Column("into_id", sa.Integer(), nullable=False),
        sa.UniqueConstraint(
            "session_id", "answer_id", "into_id", name=op.f("uq_flipped_topic_merge_session_id")
        ),
    )
    op.create_table(
        "flipped_change",
        *_by_session("flipped_change", "created_by"),
        sa.Column("said", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("body", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    )
    for table, person in (("flipped_topic_merge", "merged_by"), ("flipped_change", "created_by")):
        op.create_index(op.f(f"ix_{table}_session_id"), table, ["session_id"])
        op.create_index(op.f(f"ix_{table}_{person}"), table, [person])


def downgrade() -> None:
    op.drop_table("flipped_change")
    op.drop_table("flipped_topic_merge")

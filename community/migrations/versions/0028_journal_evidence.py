"""journal: skills a trainer observed or validated from a shared entry

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-02 11:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "journal_skill_validation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("trainer_id", sa.Integer(), nullable=False),
        sa.Column("level", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("observed_on", sa.Date(), nullable=False),
        sa.Column("comment", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["journal_entry.id"],
            name=op.f("fk_journal_skill_validation_entry_id_journal_entry"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["skill_id"], ["skill.id"], name=op.f("fk_journal_skill_validation_skill_id_skill")
        ),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["user.id"], name=op.f("fk_journal_skill_validation_learner_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["trainer_id"], ["user.id"], name=op.f("fk_journal_skill_validation_trainer_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_skill_validation")),
        sa.UniqueConstraint(
            "entry_id", "skill_id", name=op.f("uq_journal_skill_validation_entry_id")
        ),
    )
    with op.batch_alter_table("journal_skill_validation", schema=None) as batch_op:
        for column in ("entry_id", "skill_id", "learner_id", "trainer_id"):
            batch_op.create_index(
                batch_op.f(f"ix_journal_skill_validation_{column}"), [column], unique=False
            )


def downgrade() -> None:
    op.drop_table("journal_skill_validation")

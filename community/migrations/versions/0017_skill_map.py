"""skill map: skill codes, target jobs, skills covered by trainings, links between skills,
the learner's chosen job

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 04:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Text = sqlmodel.sql.sqltypes.AutoString
When = sqlmodel.sql.sqltypes.UTCDateTime


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    name = target.split(".")[0]
    return sa.ForeignKeyConstraint([column], [target], name=op.f(f"fk_{table}_{column}_{name}"))


def _indexes(table: str, *columns: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        for column in columns:
            batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)


def upgrade() -> None:
    with op.batch_alter_table("skill", schema=None) as batch_op:
        batch_op.add_column(sa.Column("code", Text(length=20), nullable=False, server_default=""))
    op.create_table(
        "target_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("title", Text(length=120), nullable=False),
        sa.Column("code", Text(length=20), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", When(), nullable=False),
        _fk("target_job", "provider_id", "provider.id"),
        _fk("target_job", "created_by", "user.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_target_job")),
        sa.UniqueConstraint("provider_id", "title", name=op.f("uq_target_job_provider_id")),
    )
    _indexes("target_job", "provider_id", "created_by")
    op.create_table(
        "target_job_skill",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.Integer(), nullable=False),
        _fk("target_job_skill", "job_id", "target_job.id"),
        _fk("target_job_skill", "skill_id", "skill.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_target_job_skill")),
        sa.UniqueConstraint("job_id", "skill_id", name=op.f("uq_target_job_skill_job_id")),
    )
    _indexes("target_job_skill", "job_id", "skill_id")
    op.create_table(
        "training_skill",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("training_id", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.Integer(), nullable=False),
        _fk("training_skill", "training_id", "training.id"),
        _fk("training_skill", "skill_id", "skill.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_skill")),
        sa.UniqueConstraint("training_id", "skill_id", name=op.f("uq_training_skill_training_id")),
    )
    _indexes("training_skill", "training_id", "skill_id")
    op.create_table(
        "skill_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("from_skill_id", sa.Integer(), nullable=False),
        sa.Column("to_skill_id", sa.Integer(), nullable=False),
        sa.Column("kind", Text(length=16), nullable=False),
        sa.Column("origin", Text(length=12), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", When(), nullable=False),
        _fk("skill_link", "from_skill_id", "skill.id"),
        _fk("skill_link", "to_skill_id", "skill.id"),
        _fk("skill_link", "created_by", "user.id"),
        sa.CheckConstraint("from_skill_id <> to_skill_id", name=op.f("ck_skill_link_not_itself")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_skill_link")),
        sa.UniqueConstraint(
            "from_skill_id", "to_skill_id", "kind", name=op.f("uq_skill_link_from_skill_id")
        ),
    )
    _indexes("skill_link", "from_skill_id", "to_skill_id", "created_by")
    op.create_table(
        "pathway_choice",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("target_job_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", When(), nullable=False),
        _fk("pathway_choice", "user_id", "user.id"),
        _fk("pathway_choice", "target_job_id", "target_job.id"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_pathway_choice")),
    )
    _indexes("pathway_choice", "target_job_id")


def downgrade() -> None:
    for table in ("pathway_choice", "skill_link", "training_skill", "target_job_skill"):
        op.drop_table(table)
    op.drop_table("target_job")
    with op.batch_alter_table("skill", schema=None) as batch_op:
        batch_op.drop_column("code")

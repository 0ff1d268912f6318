"""people, providers, trainings, iterations

Revision ID: 0001
Revises:
Create Date: 2026-11-26 05:41:43.896797
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "provider",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provider")),
        sa.UniqueConstraint("name", name=op.f("uq_provider_name")),
    )
    op.create_table(
        "training",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
        sa.Column("format", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["provider.id"], name=op.f("fk_training_provider_id_provider")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training")),
    )
    with op.batch_alter_table("training", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_training_provider_id"), ["provider_id"], unique=False)

    op.create_table(
        "user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("display_name", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("password_hash", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=True),
        sa.Column("locale", sqlmodel.sql.sqltypes.AutoString(length=5), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["provider.id"], name=op.f("fk_user_provider_id_provider")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user")),
    )
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_email"), ["email"], unique=True)
        batch_op.create_index(batch_op.f("ix_user_provider_id"), ["provider_id"], unique=False)

    op.create_table(
        "iteration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("training_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("changes_note", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["training_id"], ["training.id"], name=op.f("fk_iteration_training_id_training")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_iteration")),
    )
    with op.batch_alter_table("iteration", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_iteration_training_id"), ["training_id"], unique=False)

    op.create_table(
        "web_session",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("revoked_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_web_session_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_session")),
    )
    with op.batch_alter_table("web_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_web_session_user_id"), ["user_id"], unique=False)

    op.create_table(
        "course_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("iteration_id", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("starts_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("ends_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["iteration_id"],
            ["iteration.id"],
            name=op.f("fk_course_session_iteration_id_iteration"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_session")),
    )
    with op.batch_alter_table("course_session", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_course_session_iteration_id"), ["iteration_id"], unique=False
        )

    op.create_table(
        "enrolment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("iteration_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["iteration_id"], ["iteration.id"], name=op.f("fk_enrolment_iteration_id_iteration")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_enrolment_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrolment")),
        sa.UniqueConstraint("iteration_id", "user_id", name=op.f("uq_enrolment_iteration_id")),
    )
    with op.batch_alter_table("enrolment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_enrolment_iteration_id"), ["iteration_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_enrolment_user_id"), ["user_id"], unique=False)

    op.create_table(
        "join_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
        sa.Column("iteration_id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("revoked_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"], ["user.id"], name=op.f("fk_join_code_created_by_user")
        ),
        sa.ForeignKeyConstraint(
            ["iteration_id"], ["iteration.id"], name=op.f("fk_join_code_iteration_id_iteration")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_join_code")),
    )
    with op.batch_alter_table("join_code", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_join_code_code"), ["code"], unique=True)
        batch_op.create_index(
            batch_op.f("ix_join_code_iteration_id"), ["iteration_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("join_code", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_join_code_iteration_id"))
        batch_op.drop_index(batch_op.f("ix_join_code_code"))

    op.drop_table("join_code")
    with op.batch_alter_table("enrolment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enrolment_user_id"))
        batch_op.drop_index(batch_op.f("ix_enrolment_iteration_id"))

    op.drop_table("enrolment")
    with op.batch_alter_table("course_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_course_session_iteration_id"))

    op.drop_table("course_session")
    with op.batch_alter_table("web_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_web_session_user_id"))

    op.drop_table("web_session")
    with op.batch_alter_table("iteration", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_iteration_training_id"))

    op.drop_table("iteration")
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_provider_id"))
        batch_op.drop_index(batch_op.f("ix_user_email"))

    op.drop_table("user")
    with op.batch_alter_table("training", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_provider_id"))

    op.drop_table("training")
    op.drop_table("provider")

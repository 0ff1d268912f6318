"""peer tutoring

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 07:07:43.785357
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "skill",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("approved", sa.Boolean(), nullable=False),
        sa.Column("suggested_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["provider.id"], name=op.f("fk_skill_provider_id_provider")
        ),
        sa.ForeignKeyConstraint(
            ["suggested_by"], ["user.id"], name=op.f("fk_skill_suggested_by_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_skill")),
        sa.UniqueConstraint("provider_id", "name", name=op.f("uq_skill_provider_id")),
    )
    with op.batch_alter_table("skill", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_skill_provider_id"), ["provider_id"], unique=False)

    op.create_table(
        "help_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("requester_id", sa.Integer(), nullable=False),
        sa.Column("iteration_id", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.Integer(), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("urgency", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("format", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("accepted_offer_id", sa.Integer(), nullable=True),
        sa.Column("scheduled_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("place", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("cancel_reason", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("requester_confirmed", sa.Boolean(), nullable=False),
        sa.Column("tutor_confirmed", sa.Boolean(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["iteration_id"], ["iteration.id"], name=op.f("fk_help_request_iteration_id_iteration")
        ),
        sa.ForeignKeyConstraint(
            ["requester_id"], ["user.id"], name=op.f("fk_help_request_requester_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["skill_id"], ["skill.id"], name=op.f("fk_help_request_skill_id_skill")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_help_request")),
        sa.UniqueConstraint(
            "requester_id", "idempotency_key", name=op.f("uq_help_request_requester_id")
        ),
    )
    with op.batch_alter_table("help_request", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_help_request_iteration_id"), ["iteration_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_help_request_requester_id"), ["requester_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_help_request_skill_id"), ["skill_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_help_request_status"), ["status"], unique=False)

    op.create_table(
        "learner_skill",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["skill_id"], ["skill.id"], name=op.f("fk_learner_skill_skill_id_skill")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_learner_skill_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learner_skill")),
        sa.UniqueConstraint("user_id", "skill_id", "kind", name=op.f("uq_learner_skill_user_id")),
    )
    with op.batch_alter_table("learner_skill", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_learner_skill_skill_id"), ["skill_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_learner_skill_user_id"), ["user_id"], unique=False)

    op.create_table(
        "help_offer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("tutor_id", sa.Integer(), nullable=False),
        sa.Column("message", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"], ["help_request.id"], name=op.f("fk_help_offer_request_id_help_request")
        ),
        sa.ForeignKeyConstraint(
            ["tutor_id"], ["user.id"], name=op.f("fk_help_offer_tutor_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_help_offer")),
        sa.UniqueConstraint("request_id", "tutor_id", name=op.f("uq_help_offer_request_id")),
    )
    with op.batch_alter_table("help_offer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_help_offer_request_id"), ["request_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_help_offer_tutor_id"), ["tutor_id"], unique=False)

    op.create_table(
        "thanks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("tutor_id", sa.Integer(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("message", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"], ["help_request.id"], name=op.f("fk_thanks_request_id_help_request")
        ),
        sa.ForeignKeyConstraint(["tutor_id"], ["user.id"], name=op.f("fk_thanks_tutor_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_thanks")),
        sa.UniqueConstraint("request_id", name=op.f("uq_thanks_request_id")),
    )
    with op.batch_alter_table("thanks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_thanks_tutor_id"), ["tutor_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("thanks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_thanks_tutor_id"))

    op.drop_table("thanks")
    with op.batch_alter_table("help_offer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_help_offer_tutor_id"))
        batch_op.drop_index(batch_op.f("ix_help_offer_request_id"))

    op.drop_table("help_offer")
    with op.batch_alter_table("learner_skill", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_learner_skill_user_id"))
        batch_op.drop_index(batch_op.f("ix_learner_skill_skill_id"))

    op.drop_table("learner_skill")
    with op.batch_alter_table("help_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_help_request_status"))
        batch_op.drop_index(batch_op.f("ix_help_request_skill_id"))
        batch_op.drop_index(batch_op.f("ix_help_request_requester_id"))
        batch_op.drop_index(batch_op.f("ix_help_request_iteration_id"))

    op.drop_table("help_request")
    with op.batch_alter_table("skill", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_skill_provider_id"))

    op.drop_table("skill")

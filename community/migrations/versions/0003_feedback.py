"""feedback, pulse, notifications

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 06:20:42.910293
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "feedback_dimension",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("training_id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("label", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["training_id"],
            ["training.id"],
            name=op.f("fk_feedback_dimension_training_id_training"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_dimension")),
    )
    with op.batch_alter_table("feedback_dimension", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_feedback_dimension_training_id"), ["training_id"], unique=False
        )

    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("link", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("read_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_notification_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
    )
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notification_user_id"), ["user_id"], unique=False)

    op.create_table(
        "feedback_answer",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("comment", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("comment_status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["course_session.id"],
            name=op.f("fk_feedback_answer_session_id_course_session"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_answer")),
    )
    with op.batch_alter_table("feedback_answer", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_feedback_answer_session_id"), ["session_id"], unique=False
        )

    op.create_table(
        "feedback_receipt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["course_session.id"],
            name=op.f("fk_feedback_receipt_session_id_course_session"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_feedback_receipt_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_receipt")),
        sa.UniqueConstraint("session_id", "user_id", name=op.f("uq_feedback_receipt_session_id")),
    )
    with op.batch_alter_table("feedback_receipt", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_feedback_receipt_session_id"), ["session_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_feedback_receipt_user_id"), ["user_id"], unique=False)

    op.create_table(
        "feedback_reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("sent_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["course_session.id"],
            name=op.f("fk_feedback_reminder_session_id_course_session"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_feedback_reminder_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_reminder")),
        sa.UniqueConstraint("session_id", "user_id", name=op.f("uq_feedback_reminder_session_id")),
    )
    with op.batch_alter_table("feedback_reminder", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_feedback_reminder_session_id"), ["session_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_feedback_reminder_user_id"), ["user_id"], unique=False)

    op.create_table(
        "pulse_question",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=280), nullable=False),
        sa.Column("votes", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["course_session.id"],
            name=op.f("fk_pulse_question_session_id_course_session"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pulse_question")),
    )
    with op.batch_alter_table("pulse_question", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pulse_question_session_id"), ["session_id"], unique=False
        )

    op.create_table(
        "pulse_tap",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("signal", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["course_session.id"],
            name=op.f("fk_pulse_tap_session_id_course_session"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pulse_tap")),
    )
    with op.batch_alter_table("pulse_tap", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pulse_tap_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_pulse_tap_session_id"), ["session_id"], unique=False)

    op.create_table(
        "feedback_rating",
        sa.Column("answer_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("dimension_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["answer_id"],
            ["feedback_answer.id"],
            name=op.f("fk_feedback_rating_answer_id_feedback_answer"),
        ),
        sa.ForeignKeyConstraint(
            ["dimension_id"],
            ["feedback_dimension.id"],
            name=op.f("fk_feedback_rating_dimension_id_feedback_dimension"),
        ),
        sa.PrimaryKeyConstraint("answer_id", "dimension_id", name=op.f("pk_feedback_rating")),
    )
    op.create_table(
        "pulse_vote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["pulse_question.id"],
            name=op.f("fk_pulse_vote_question_id_pulse_question"),
        ),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_pulse_vote_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pulse_vote")),
        sa.UniqueConstraint("question_id", "user_id", name=op.f("uq_pulse_vote_question_id")),
    )
    with op.batch_alter_table("pulse_vote", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pulse_vote_question_id"), ["question_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("pulse_vote", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pulse_vote_question_id"))

    op.drop_table("pulse_vote")
    op.drop_table("feedback_rating")
    with op.batch_alter_table("pulse_tap", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pulse_tap_session_id"))
        batch_op.drop_index(batch_op.f("ix_pulse_tap_created_at"))

    op.drop_table("pulse_tap")
    with op.batch_alter_table("pulse_question", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pulse_question_session_id"))

    op.drop_table("pulse_question")
    with op.batch_alter_table("feedback_reminder", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_reminder_user_id"))
        batch_op.drop_index(batch_op.f("ix_feedback_reminder_session_id"))

    op.drop_table("feedback_reminder")
    with op.batch_alter_table("feedback_receipt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_receipt_user_id"))
        batch_op.drop_index(batch_op.f("ix_feedback_receipt_session_id"))

    op.drop_table("feedback_receipt")
    with op.batch_alter_table("feedback_answer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_answer_session_id"))

    op.drop_table("feedback_answer")
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notification_user_id"))

    op.drop_table("notification")
    with op.batch_alter_table("feedback_dimension", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_dimension_training_id"))

    op.drop_table("feedback_dimension")

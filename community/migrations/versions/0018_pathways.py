"""pathways: suggestion setting, card verdicts, impressions and trainers' pins

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 04:15:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Text = sqlmodel.sql.sqltypes.AutoString
When = sqlmodel.sql.sqltypes.UTCDateTime


def _user_fk(table: str, column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], ["user.id"], name=op.f(f"fk_{table}_{column}_user"))


def _card_table(table: str, person: str, *columns: sa.Column) -> None:
    """A table of cards per learner: one row per learner and card."""
    op.create_table(
        table,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(person, sa.Integer(), nullable=False),
        sa.Column("card_key", Text(length=40), nullable=False),
        sa.Column("kind", Text(length=12), nullable=False),
        *columns,
        _user_fk(table, person),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
        sa.UniqueConstraint(person, "card_key", name=op.f(f"uq_{table}_{person}")),
    )
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{table}_{person}"), [person], unique=False)


def upgrade() -> None:
    op.create_table(
        "card_setting",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("suggestions_on", sa.Boolean(), nullable=False),
        sa.Column("updated_at", When(), nullable=False),
        _user_fk("card_setting", "user_id"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_card_setting")),
    )
    _card_table(
        "card_verdict",
        "user_id",
        sa.Column("verdict", Text(length=12), nullable=False),
        sa.Column("reason", Text(length=16), nullable=False),
        sa.Column("note", Text(length=200), nullable=False),
        sa.Column("created_at", When(), nullable=False),
    )
    _card_table("card_shown", "user_id", sa.Column("first_shown_at", When(), nullable=False))
    _card_table(
        "card_pin",
        "learner_id",
        sa.Column("trainer_id", sa.Integer(), nullable=False),
        sa.Column("note", Text(length=200), nullable=False),
        sa.Column("created_at", When(), nullable=False),
        _user_fk("card_pin", "trainer_id"),
    )
    with op.batch_alter_table("card_pin", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_card_pin_trainer_id"), ["trainer_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("card_pin", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_card_pin_trainer_id"))
    for table, person in (
        ("card_pin", "learner_id"),
        ("card_shown", "user_id"),
        ("card_verdict", "user_id"),
    ):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_{person}"))
        op.drop_table(table)
    op.drop_table("card_setting")

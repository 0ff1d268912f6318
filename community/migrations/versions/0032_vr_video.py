"""vr_video: a 360° scene may be a video at an https address, its picture then an optional
poster

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-02 12:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0032"
down_revision: str | None = "0031"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PICTURE_ONLY = "(image_key = '') <> (image_url = '')"
PICTURE_OR_VIDEO = (
    "(image_key = '' OR image_url = '') AND (image_key || image_url || video_url) <> ''"
)


def upgrade() -> None:
    with op.batch_alter_table("vr_scene", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "video_url",
                sqlmodel.sql.sqltypes.AutoString(length=500),
                nullable=False,
                server_default="",
            )
        )
        batch_op.drop_constraint(batch_op.f("ck_vr_scene_one_image"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_vr_scene_one_image"), PICTURE_OR_VIDEO)


def downgrade() -> None:
    # A video without poster keeps its row (practices and journal entries point at it): its
    # address stands in for the picture's.
    op.execute("UPDATE vr_scene SET image_url = video_url WHERE image_key = '' AND image_url = ''")
    with op.batch_alter_table("vr_scene", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_vr_scene_one_image"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_vr_scene_one_image"), PICTURE_ONLY)
        batch_op.drop_column("video_url")

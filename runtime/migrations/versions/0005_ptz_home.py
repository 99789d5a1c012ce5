"""ptz home: each camera's home preset and when PTZ last moved it away (return-to-home, R2)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 23:40:03.053166
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cameras", schema=None) as batch_op:
        batch_op.add_column(sa.Column("home_preset", sa.String(length=64), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("ptz_moved_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_cameras_ptz_moved_at"), ["ptz_moved_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("cameras", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cameras_ptz_moved_at"))
        batch_op.drop_column("ptz_moved_at")
        batch_op.drop_column("home_preset")

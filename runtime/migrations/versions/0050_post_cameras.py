"""posts name the cameras they watch (alert routing, R5)

Revision ID: 0050
Revises: 0040
Create Date: 2026-12-01 18:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0050"
down_revision = "0040"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("shift_posts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cameras", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))


def downgrade() -> None:
    with op.batch_alter_table("shift_posts", schema=None) as batch_op:
        batch_op.drop_column("cameras")

"""users.must_change_password: a password someone else set (an administrator's one-time password) must be
changed at the first sign-in; existing users are not marked

Revision ID: 0360
Revises: 0171
Create Date: 2026-12-03 21:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0360"
down_revision = "0171"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "users",
        sa.Column("must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("must_change_password")

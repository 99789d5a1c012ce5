"""an alert's title as a message key with parameters (shown in the reader's language)

Revision ID: 0311
Revises: 0004
Create Date: 2026-12-03 12:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0311"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("alerts", sa.Column("message", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column("alerts", "message")

"""each step of a report's timeline keeps the deadline the report ran against when the step was taken, so the
timeline shows every step on time or late; steps taken before this migration have none (shown without)

Revision ID: 0201
Revises: 0200
Create Date: 2026-12-03 20:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0201"
down_revision = "0200"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("shift_incident_steps", schema=None) as batch_op:
        batch_op.add_column(sa.Column("due_kind", sa.String(16), nullable=True))
        batch_op.add_column(sa.Column("due_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("shift_incident_steps", schema=None) as batch_op:
        batch_op.drop_column("due_at")
        batch_op.drop_column("due_kind")

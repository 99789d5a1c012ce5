"""workers: heartbeat, weight and internal address per capture worker; decode mode per camera; on
PostgreSQL, NOTIFY on new alert changes and on camera health, lease and decode-mode changes

Revision ID: 0190
Revises: 0005
Create Date: 2026-12-03 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0190"
down_revision = "0005"
branch_labels = None
depends_on = None

_PG_NOTIFY = """
CREATE OR REPLACE FUNCTION controlroom_notify_alert_change() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('controlroom_alerts', NEW.id::text);
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER alert_changes_notify AFTER INSERT ON alert_changes
    FOR EACH ROW EXECUTE FUNCTION controlroom_notify_alert_change();
CREATE OR REPLACE FUNCTION controlroom_notify_camera() RETURNS trigger AS $$
BEGIN
    IF NEW.health IS DISTINCT FROM OLD.health OR NEW.worker_id IS DISTINCT FROM OLD.worker_id
       OR NEW.decode_mode IS DISTINCT FROM OLD.decode_mode OR NEW.enabled IS DISTINCT FROM OLD.enabled THEN
        PERFORM pg_notify('controlroom_cameras', NEW.id::text);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER cameras_notify AFTER UPDATE ON cameras
    FOR EACH ROW EXECUTE FUNCTION controlroom_notify_camera();
"""

_PG_DROP = """
DROP TRIGGER IF EXISTS cameras_notify ON cameras;
DROP FUNCTION IF EXISTS controlroom_notify_camera();
DROP TRIGGER IF EXISTS alert_changes_notify ON alert_changes;
DROP FUNCTION IF EXISTS controlroom_notify_alert_change();
"""


def upgrade() -> None:
    op.create_table(
        "workers",
        sa.Column("worker_id", sa.String(length=100), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False, server_default=""),
        sa.Column("weight", sa.Float(), nullable=False, server_default="1"),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("worker_id", name=op.f("pk_workers")),
    )
    op.create_index(op.f("ix_workers_heartbeat_at"), "workers", ["heartbeat_at"], unique=False)
    with op.batch_alter_table("cameras", schema=None) as batch_op:
        batch_op.add_column(sa.Column("decode_mode", sa.String(length=8), nullable=False, server_default="full"))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_NOTIFY)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_DROP)
    with op.batch_alter_table("cameras", schema=None) as batch_op:
        batch_op.drop_column("decode_mode")
    op.drop_index(op.f("ix_workers_heartbeat_at"), table_name="workers")
    op.drop_table("workers")

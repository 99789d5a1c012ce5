"""reports from the public followed through: stages, steps, units, transfers; existing reports migrated

Revision ID: 0200
Revises: 0050
Create Date: 2026-12-03 09:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0200"
down_revision = "0050"
branch_labels = None
depends_on = None

STAGES = (
    "received accepted refused checking investigating transferred replied concluded answered review closed"
).split()
_TS = sa.DateTime(timezone=True)


def _enum(name: str, values: list[str], length: int) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=length)


def _incident_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("stage", _enum("stage", STAGES, 16), nullable=True),
        sa.Column("ref_code", sa.String(16), nullable=True),
        sa.Column(
            "report_type",
            _enum("reporttype", ["accusation", "appeal", "suggestion", "other"], 16),
            nullable=True,
        ),
        sa.Column("anonymous", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("collective", sa.String(16), nullable=False, server_default=""),
        sa.Column("headcount", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("related_to_id", sa.Integer(), nullable=True),
        sa.Column("source_key", sa.String(64), nullable=False, server_default=""),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column(
            "due_kind",
            _enum("duekind", ["acceptance", "result", "unit_reply", "return_visit"], 16),
            nullable=True,
        ),
        sa.Column("due_at", _TS, nullable=True),
        sa.Column("promised_result_at", _TS, nullable=True),
        sa.Column("decision_text", sa.Text(), nullable=False, server_default=""),
        sa.Column(
            "finding",
            _enum("finding", ["substantiated", "partly", "unsubstantiated", "false_accusation"], 24),
            nullable=True,
        ),
        sa.Column("concluded_at", _TS, nullable=True),
        sa.Column("clarification", sa.Text(), nullable=False, server_default=""),
        sa.Column("answered_at", _TS, nullable=True),
        sa.Column("answered_via", sa.String(32), nullable=False, server_default=""),
        sa.Column("visited_at", _TS, nullable=True),
        sa.Column("satisfied", sa.Boolean(), nullable=True),
        sa.Column("review_result", sa.Text(), nullable=False, server_default=""),
    ]


def _create_tables() -> None:
    op.create_table(
        "shift_units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("contact", sa.String(200), nullable=False),
        sa.Column("external", sa.Boolean(), nullable=False),
        sa.Column("reply_days", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", _TS, server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shift_units")),
        sa.UniqueConstraint("name", name=op.f("uq_shift_units_name")),
    )
    op.create_table(
        "shift_incident_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("from_stage", sa.String(16), nullable=False),
        sa.Column("to_stage", sa.String(16), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_label", sa.String(200), nullable=False),
        sa.Column("at", _TS, nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["shift_incidents.id"], name=op.f("fk_shift_incident_steps_incident_id_shift_incidents")
        ),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_shift_incident_steps_actor_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shift_incident_steps")),
        sa.UniqueConstraint("incident_id", "seq", name=op.f("uq_shift_incident_steps_incident_id")),
    )
    op.create_index(
        op.f("ix_shift_incident_steps_incident_id"), "shift_incident_steps", ["incident_id"], unique=False
    )
    op.create_table(
        "shift_incident_transfers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("sent_at", _TS, nullable=False),
        sa.Column("sent_by_id", sa.Integer(), nullable=False),
        sa.Column("due_at", _TS, nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("reminders", sa.Integer(), nullable=False),
        sa.Column("reminded_at", _TS, nullable=True),
        sa.Column("replied_at", _TS, nullable=True),
        sa.Column("reply_text", sa.Text(), nullable=False),
        sa.Column("reply_via", sa.String(16), nullable=False),
        sa.Column("link_nonce", sa.String(64), nullable=True),
        sa.Column("link_expires_at", _TS, nullable=True),
        sa.Column("link_used_at", _TS, nullable=True),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["shift_incidents.id"],
            name=op.f("fk_shift_incident_transfers_incident_id_shift_incidents"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["shift_units.id"], name=op.f("fk_shift_incident_transfers_unit_id_shift_units")
        ),
        sa.ForeignKeyConstraint(
            ["sent_by_id"], ["users.id"], name=op.f("fk_shift_incident_transfers_sent_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shift_incident_transfers")),
    )
    op.create_index(
        op.f("ix_shift_incident_transfers_incident_id"), "shift_incident_transfers", ["incident_id"], unique=False
    )


def _migrate_rows() -> None:
    """Existing reports get a stage from their state, a reference code, a type and their open deadline."""
    op.execute(
        "UPDATE shift_incidents SET "
        "stage = CASE state WHEN 'open' THEN 'received' WHEN 'acknowledged' THEN 'accepted' ELSE 'concluded' END, "
        "report_type = 'other', "
        "ref_code = 'R' || CAST(id AS VARCHAR(12)), "
        "decision_text = outcome, concluded_at = closed_at, "
        "due_kind = CASE state WHEN 'open' THEN 'acceptance' WHEN 'acknowledged' THEN 'result' ELSE NULL END, "
        "due_at = CASE state WHEN 'open' THEN ack_due_at WHEN 'acknowledged' THEN result_due_at ELSE NULL END "
        "WHERE source = 'report'"
    )


def upgrade() -> None:
    _create_tables()
    with op.batch_alter_table("shift_incidents", schema=None) as batch_op:
        for column in _incident_columns():
            batch_op.add_column(column)
        batch_op.create_index(batch_op.f("ix_shift_incidents_stage"), ["stage"], unique=False)
        batch_op.create_index(batch_op.f("ix_shift_incidents_due_at"), ["due_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_shift_incidents_source_key"), ["source_key"], unique=False)
        batch_op.create_unique_constraint(batch_op.f("uq_shift_incidents_ref_code"), ["ref_code"])
        batch_op.create_foreign_key(
            batch_op.f("fk_shift_incidents_related_to_id_shift_incidents"),
            "shift_incidents",
            ["related_to_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_shift_incidents_owner_id_users"), "users", ["owner_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_shift_incidents_unit_id_shift_units"), "shift_units", ["unit_id"], ["id"]
        )
    _migrate_rows()


def downgrade() -> None:
    with op.batch_alter_table("shift_incidents", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_shift_incidents_unit_id_shift_units"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_shift_incidents_owner_id_users"), type_="foreignkey")
        batch_op.drop_constraint(
            batch_op.f("fk_shift_incidents_related_to_id_shift_incidents"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("uq_shift_incidents_ref_code"), type_="unique")
        batch_op.drop_index(batch_op.f("ix_shift_incidents_source_key"))
        batch_op.drop_index(batch_op.f("ix_shift_incidents_due_at"))
        batch_op.drop_index(batch_op.f("ix_shift_incidents_stage"))
        for column in reversed(_incident_columns()):
            batch_op.drop_column(column.name)
    op.drop_table("shift_incident_transfers")
    op.drop_table("shift_incident_steps")
    op.drop_table("shift_units")


"""system-written texts as a message key with parameters (shown in the reader's language)

Revision ID: 0310
Revises: 0220
Create Date: 2026-12-03 12:45:00

New nullable JSON columns; the English texts stay where they are. The duty log and the violations are
hash-chained and append-only (triggers refuse UPDATE): their rows written before this revision keep no
message and are shown as stored. Presence flags are not chained: the late check-ins and the problems the
duty rules filed are given their message here, from the English the code wrote.
"""

from __future__ import annotations

import json
import re

import sqlalchemy as sa
from alembic import op

revision = "0310"
down_revision = "0220"
branch_labels = None
depends_on = None

# columns added with plain ADD COLUMN: a batch copy of the table would drop the append-only triggers
_COLUMNS = (("duty_log", "message"), ("duty_violations", "said"), ("shift_flags", "message"))

_FLAG_TEXTS = (
    (re.compile(r"^(?P<user>\S+) checked in (?P<minutes>\d+) min late$"), "msg.flag.late_checkin"),
    (re.compile(r"^post (?P<post>\S+) is unstaffed: (?P<user>\S+) is rostered but not checked in$"), "msg.rule.unstaffed"),
)


def upgrade() -> None:
    for table, column in _COLUMNS:
        op.add_column(table, sa.Column(column, sa.JSON(), nullable=True))
    bind = op.get_bind()
    flags = sa.table("shift_flags", sa.column("id", sa.Integer), sa.column("detail", sa.String), sa.column("message", sa.JSON))
    for row in bind.execute(sa.select(flags.c.id, flags.c.detail)).all():
        for pattern, key in _FLAG_TEXTS:
            found = pattern.match(row.detail or "")
            if found:
                params = {k: int(v) if v.isdigit() else v for k, v in found.groupdict().items()}
                message = {"key": key, "params": params}
                bind.execute(flags.update().where(flags.c.id == row.id).values(message=json.loads(json.dumps(message))))
                break


def downgrade() -> None:
    for table, column in _COLUMNS:
        op.drop_column(table, column)

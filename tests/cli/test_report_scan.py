"""`controlroom log scan` (what the worker does on its timer) flags a report whose step is past its duty-rule
deadline: once, with an alert to the leader of the running shift and a report_deadlines violation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select

from access.roles import Role
from alerts.models import Alert
from config.settings import DatabaseSettings
from core.clock import utcnow
from db.session import make_engine, make_session_factory, session_scope
from shift_logs.rules.models import Violation
from tests.cli.test_admin_cli import db, run
from tests.factories.access import make_user
from tests.factories.shift_logs import make_report, make_shift

__all__ = ["db"]


def test_log_scan_flags_a_report_not_accepted_within_its_limit_once(db: Path) -> None:
    engine = make_engine(DatabaseSettings(url=f"sqlite:///{db}"))
    factory = make_session_factory(engine)
    now = utcnow()
    with session_scope(factory) as s:
        opener = make_user(s, username="olga")
        leader = make_user(s, username="lena", roles=(Role.SHIFT_LEADER,))
        make_user(s, username="sam", roles=(Role.SHIFT_LEADER,))  # a leader not on duty now
        make_shift(s, starts_at=now - dt.timedelta(hours=1), leader=leader)
        late = make_report(s, opened_by=opener, now=now - dt.timedelta(days=16)).id
        make_report(s, opened_by=opener, now=now - dt.timedelta(days=14))  # still within the 15 days
    first = run("log", "scan", db=db)
    assert first.returncode == 0, first.stderr
    assert [line.split(" ", 2)[2] for line in first.stdout.splitlines() if "overdue" in line] == [
        f"incident {late} overdue (open)"
    ]
    again = run("log", "scan", db=db)
    assert again.returncode == 0 and "overdue" not in again.stdout
    with session_scope(factory) as s:
        alert = s.scalars(select(Alert).where(Alert.kind == "report.overdue")).one()
        assert alert.zone == f"report:{late}" and alert.escalated_to == ["lena"]
        violation = s.scalars(select(Violation).where(Violation.rule_id == "report_deadlines")).one()
        assert violation.key == f"report:{late}:acceptance"
    engine.dispose()

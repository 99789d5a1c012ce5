"""`controlroom faults list` and `maintenance run`, as a user runs them (a real process, a real database)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from config.settings import DatabaseSettings
from db.session import make_engine, make_session_factory, session_scope
from maintenance import faults
from maintenance.models import Severity
from tests.cli.test_admin_cli import db, run  # noqa: F401 - the migrated-database fixture
from tests.factories.maintenance import make_equipment

LONG_AGO = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


def _seed(path: Path) -> None:
    engine = make_engine(DatabaseSettings(url=f"sqlite:///{path}"))
    with session_scope(make_session_factory(engine)) as s:
        monitor = make_equipment(s, name="wall monitor 9", interval_days=1, now=LONG_AGO)
        faults.report(
            s, equipment_id=monitor.id, title="no signal", severity=Severity.CRITICAL, user=None, now=LONG_AGO
        )
    engine.dispose()


def test_faults_list_and_maintenance_run_which_flags_late_faults_and_creates_checks_once(
    db: Path,  # noqa: F811 - the imported fixture
) -> None:
    _seed(db)
    text = run("faults", "list", db=db)
    assert text.returncode == 0, text.stderr
    assert "critical" in text.stdout and "wall monitor 9: no signal" in text.stdout
    assert "1 of 1 fault(s)" in text.stdout
    line = json.loads(run("faults", "list", "--json", db=db).stdout.splitlines()[0])
    assert (line["state"], line["equipment"]) == ("reported", "wall monitor 9")
    result = run("maintenance", "run", db=db)
    assert result.returncode == 0, result.stderr
    assert "flagged faults 2, new checks 1, overdue checks 1" in result.stdout  # not assigned, not fixed
    again = run("maintenance", "run", db=db)
    assert "flagged faults 0, new checks 0, overdue checks 0" in again.stdout


def test_bad_option_exits_2_with_the_reason() -> None:
    result = run("faults", "list", "--limit", "0")
    assert result.returncode == 2 and "--limit" in result.stderr

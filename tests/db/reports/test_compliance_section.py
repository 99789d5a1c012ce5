"""The report counts duty-rule violations per rule and per person, beside the previous period."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from reports.service import build_report
from shift_logs.rules import service as compliance
from shift_logs.rules.facts import Violation
from shift_logs.rules.model import Severity
from tests.conftest import make_settings

NOV = dt.datetime(2026, 11, 10, 9, 0, tzinfo=dt.UTC)
OCT = dt.datetime(2026, 10, 10, 9, 0, tzinfo=dt.UTC)


def _v(rule: str, who: str, severity: Severity, key: str) -> Violation:
    return Violation(
        rule_id=rule, clause="D2", severity=severity, subject=who, key=key, message=f"{rule} {who}"
    )


def test_violations_per_rule_and_person_with_the_change(session: Session) -> None:
    compliance.record(session, [_v("inactivity", "ann", Severity.WARN, "o1")], origin="live", now=OCT)
    rows = compliance.record(
        session,
        [
            _v("inactivity", "ann", Severity.WARN, "n1"),
            _v("screen_break", "ann", Severity.WARN, "n2"),
            _v("min_rest", "bob", Severity.BLOCK, "n3"),
        ],
        origin="live",
        now=NOV,
    )
    compliance.resolve(session, violation_id=rows[0].id, by="li", how="spoken to", now=NOV)
    report = build_report(
        session, period="month", at="2026-11", scope=None, settings=make_settings("sqlite://"), now=NOV
    )
    section = next(s for s in report.sections if s.name == "compliance")
    figures = {f.key: (f.current, f.previous) for f in section.figures}
    assert figures == {"violations": (3, 1), "blocked": (1, 0), "warned": (2, 1), "resolved": (1, 0)}
    tables = {t.key: {r.label: r.current for r in t.rows if r.current} for t in section.tables}
    assert tables["by_rule"] == {"inactivity": 1, "screen_break": 1, "min_rest": 1}
    assert tables["by_person"] == {"ann": 2, "bob": 1}

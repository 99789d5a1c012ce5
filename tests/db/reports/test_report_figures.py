"""Every figure of the monthly report over a known data set, with the previous period and the change.

The data set (tests/factories/reports.py) is November 2026 against October 2026 in Asia/Shanghai; the
expected numbers below are worked out by hand from it. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from config.settings import Settings
from reports.schemas import ReportData
from reports.service import build_report
from tests.conftest import make_settings
from tests.factories.reports import NOW, TZ, Seeded, seed

NEW, NA = "new", "n/a"

# key: (current, previous, absolute change, percent change, note)
FIGURES: dict[str, dict[str, tuple[Any, ...]]] = {
    "alerts": {
        "alerts": (6, 2, 4, 200.0, ""),
        "high_priority": (2, 0, 2, None, NEW),
        "acknowledged": (5, 2, 3, 150.0, ""),
        "false_alarms": (1, 0, 1, None, NEW),
        "resolved": (2, 1, 1, 100.0, ""),
        "dispatched": (1, 0, 1, None, NEW),
        "escalated": (2, 0, 2, None, NEW),
        "unacknowledged": (1, 0, 1, None, NEW),
        "ack_within_target": (3, 1, 2, 200.0, ""),
        "ack_within_target_share": (0.5, 0.5, 0.0, 0.0, ""),
        "ack_p50_s": (50.0, 30.0, 20.0, 66.7, ""),
        "ack_p95_s": (200.0, 100.0, 100.0, 100.0, ""),
    },
    "incidents": {
        "incidents": (4, 1, 3, 300.0, ""),
        "reports": (3, 1, 2, 200.0, ""),
        "from_alerts": (1, 0, 1, None, NEW),
        "acknowledged": (3, 0, 3, None, NEW),
        "closed": (1, 0, 1, None, NEW),
        "reports_answered_in_time": (1, 0, 1, None, NEW),
        "reports_due": (2, 1, 1, 100.0, ""),
        "reports_answered_in_time_share": (0.5, 0.0, 0.5, None, NEW),
        "overdue_at_end": (1, 1, 0, 0.0, ""),
    },
    "handovers": {
        "handovers": (3, 1, 2, 200.0, ""),
        "late": (1, 1, 0, 0.0, ""),
        "with_reservations": (1, 0, 1, None, NEW),
        "unsigned": (1, 0, 1, None, NEW),
        "not_countersigned": (2, 0, 2, None, NEW),
    },
    "duty_log": {
        "entries": (3, 1, 2, 200.0, ""),
        "corrections": (1, 0, 1, None, NEW),
    },
    "presence": {
        "rostered_minutes": (1200.0, 240.0, 960.0, 400.0, ""),
        "unstaffed_minutes": (210.0, 0.0, 210.0, None, NEW),
        "coverage_share": (0.825, 1.0, -0.175, -17.5, ""),
        "late_checkins": (1, 0, 1, None, NEW),
    },
    "faults": {
        "opened": (3, 2, 1, 50.0, ""),
        "fixed": (2, 0, 2, None, NEW),
        "repair_mean_s": (565200.0, None, None, None, NA),
        "repair_p50_s": (7200.0, None, None, None, NA),
        "open_at_end": (2, 1, 1, 100.0, ""),
    },
    "footage": {
        "requests": (3, 1, 2, 200.0, ""),
        "approved": (2, 0, 2, None, NEW),
        "refused": (1, 0, 1, None, NEW),
        "pending_at_end": (1, 1, 0, 0.0, ""),
        "exports": (2, 0, 2, None, NEW),
        "exports_done": (1, 0, 1, None, NEW),
        "holds_placed": (1, 1, 0, 0.0, ""),
        "holds_released": (1, 0, 1, None, NEW),
    },
}


def _settings() -> Settings:
    settings = make_settings("sqlite://")
    return settings.model_copy(update={"site": settings.site.model_copy(update={"timezone": TZ})})


def _report(session: Session, scope: str = "all", period: str = "month", at: str = "2026-11") -> ReportData:
    return build_report(session, period=period, at=at, scope=scope, settings=_settings(), now=NOW)


def _tables(report: ReportData, section: str) -> dict[str, list[tuple[str, Any, Any]]]:
    return {t.key: [(r.label, r.current, r.previous) for r in t.rows] for t in report.section(section).tables}


@pytest.fixture
def seeded(session: Session) -> Seeded:
    return seed(session)


@pytest.mark.parametrize("section", list(FIGURES))
def test_every_figure_and_its_change_from_the_previous_month(session: Session, seeded: Seeded, section: str):
    report = _report(session)
    got = {
        f.key: (f.current, f.previous, f.change.absolute, f.change.percent, f.change.note)
        for f in report.section(section).figures
    }
    assert got == FIGURES[section]


def test_the_previous_period_of_a_month_is_the_month_before_in_the_site_zone(
    session: Session, seeded: Seeded
):
    report = _report(session)
    assert (report.period_label, report.previous_label) == ("2026-11", "2026-10")
    assert report.start.isoformat() == "2026-10-31T16:00:00+00:00"
    assert report.previous_end == report.start


def test_alert_breakdowns_by_camera_kind_and_outcome(session: Session, seeded: Seeded):
    tables = _tables(_report(session), "alerts")
    a, b = seeded.cam_a.name, seeded.cam_b.name
    assert tables["by_camera"] == [(a, 3, 2), (b, 3, 0)]
    assert tables["by_kind"] == [("motion", 4, 2), ("person", 1, 0), ("tamper", 1, 0)]
    assert tables["by_outcome"] == [
        ("acknowledged", 5, 2),
        ("escalated", 2, 0),
        ("dispatched", 1, 0),
        ("false_alarms", 1, 0),
        ("unacknowledged", 1, 0),
    ]


def test_alerts_per_local_hour_and_acknowledgement_histogram(session: Session, seeded: Seeded):
    series = {s.key: s for s in _report(session).section("alerts").series}
    hours = series["by_hour"].values
    assert {h: n for h, n in enumerate(hours["current"]) if n} == {0: 1, 1: 2, 14: 2, 23: 1}
    assert {h: n for h, n in enumerate(hours["previous"]) if n} == {10: 1, 23: 1}
    assert series["ack_histogram"].labels == ["<10s", "10–30s", "30–60s", "60–120s", "120–300s", "≥300s"]
    assert series["ack_histogram"].values == {"current": [0, 1, 2, 1, 1, 0], "previous": [0, 0, 1, 1, 0, 0]}


def test_incident_breakdowns_by_channel_category_and_outcome_at_period_end(session: Session, seeded: Seeded):
    tables = _tables(_report(session), "incidents")
    assert tables["by_channel"] == [
        ("alert", 1, 0),
        ("letter", 1, 0),
        ("online", 1, 0),
        ("phone", 1, 0),
        ("walk_in", 0, 1),
    ]
    assert tables["by_category"] == [("theft", 2, 0), ("noise", 1, 1), ("intrusion", 1, 0)]
    assert tables["by_outcome"] == [("acknowledged", 2, 0), ("open", 1, 1), ("closed", 1, 0)]


def test_other_breakdowns(session: Session, seeded: Seeded):
    report = _report(session)
    assert _tables(report, "handovers")["by_post"] == [(seeded.desk1.name, 2, 1), (seeded.desk2.name, 1, 0)]
    assert _tables(report, "duty_log")["by_kind"] == [
        ("call", 1, 0),
        ("correction", 1, 0),
        ("observation", 1, 0),
        ("patrol", 0, 1),
    ]
    assert _tables(report, "presence")["flags"] == [("late_checkin", 1, 0), ("unstaffed", 1, 0)]
    faults = _tables(report, "faults")
    assert faults["by_severity"] == [("low", 1, 1), ("high", 1, 0), ("medium", 1, 0), ("critical", 0, 1)]
    assert faults["by_source"] == [("manual", 2, 2), ("auto", 1, 0)]
    footage = _tables(report, "footage")
    assert footage["requests_by_organisation"] == [("police", 2, 0), ("insurer", 1, 0), ("court", 0, 1)]
    assert footage["holds_by_category"] == [("theft", 1, 0), ("fight", 0, 1)]


def test_faults_per_local_day(session: Session, seeded: Seeded):
    (series,) = _report(session).section("faults").series
    assert len(series.labels) == 30 and series.labels[0] == "2026-11-01"
    opened = {series.labels[i]: n for i, n in enumerate(series.values["opened"]) if n}
    fixed = {series.labels[i]: n for i, n in enumerate(series.values["fixed"]) if n}
    assert opened == {"2026-11-05": 1, "2026-11-20": 1, "2026-11-29": 1}
    assert fixed == {"2026-11-02": 1, "2026-11-05": 1}


def test_a_camera_group_scope_narrows_camera_sections_and_marks_the_others(session: Session, seeded: Seeded):
    report = _report(session, scope="group:north")
    figures = {s.name: {f.key: (f.current, f.previous) for f in s.figures} for s in report.sections}
    assert figures["alerts"]["alerts"] == (3, 2)
    assert figures["incidents"]["incidents"] == (1, 0)  # the one opened from alert 3 on cam-a
    assert (figures["faults"]["opened"], figures["faults"]["fixed"]) == ((2, 1), (1, 0))
    assert {s.name: s.scoped for s in report.sections} == {
        "alerts": True,
        "incidents": True,
        "disposal": False,
        "handovers": False,
        "duty_log": False,
        "presence": False,
        "faults": True,
        "footage": False,
        "compliance": False,
    }


def test_a_post_scope_narrows_incidents_handovers_and_coverage(session: Session, seeded: Seeded):
    report = _report(session, scope=f"post:{seeded.desk1.name}")
    figures = {s.name: {f.key: (f.current, f.previous) for f in s.figures} for s in report.sections}
    assert figures["incidents"]["incidents"] == (2, 1)
    assert figures["handovers"]["handovers"] == (2, 1)
    assert figures["duty_log"]["entries"] == (2, 1)
    assert figures["presence"]["rostered_minutes"] == (720.0, 240.0)
    assert figures["presence"]["unstaffed_minutes"] == (150.0, 0.0)
    assert figures["alerts"]["alerts"] == (6, 2)  # not linked to posts: shown for all cameras
    assert report.section("alerts").scoped is False


def test_a_day_report_compares_with_the_day_before(session: Session, seeded: Seeded):
    report = _report(session, period="day", at="2026-11-02")
    alerts = {f.key: (f.current, f.previous) for f in report.section("alerts").figures}
    assert report.previous_label == "2026-11-01"
    assert alerts["alerts"] == (2, 1)
    assert alerts["ack_p50_s"] == (20.0, 60.0)


def test_an_empty_period_reports_zeros_and_no_division_errors(session: Session, seeded: Seeded):
    report = _report(session, period="month", at="2030-01")
    alerts = {f.key: f for f in report.section("alerts").figures}
    assert alerts["alerts"].current == 0 and alerts["alerts"].change.note == "n/a"
    assert alerts["ack_p50_s"].current is None and alerts["ack_within_target_share"].current is None


def test_hours_of_day_are_local_in_a_zone_with_a_quarter_hour_offset(session: Session, seeded: Seeded):
    settings = make_settings("sqlite://", site={"timezone": "Asia/Kathmandu"})  # UTC+05:45
    report = build_report(session, period="month", at="2026-11", scope="all", settings=settings, now=NOW)
    (hours, _) = report.section("alerts").series
    assert {h: n for h, n in enumerate(hours.values["current"]) if n} == {11: 2, 21: 2, 22: 1, 23: 1}

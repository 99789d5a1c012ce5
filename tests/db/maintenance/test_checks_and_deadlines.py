"""Scheduled checks on a controlled clock, and faults flagged to the shift leader when late."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from alerts.models import Alert, Priority
from config.alerting import AlertSettings
from config.maintenance import MaintenanceSettings
from core.clock import utcnow
from maintenance import checks, deadlines, faults
from maintenance.errors import CheckAlreadyDone, ChecklistMismatch
from maintenance.lifecycle import Action
from maintenance.models import CheckState, Severity
from maintenance.schemas import CheckAnswer
from tests.factories.alerts import make_camera
from tests.factories.maintenance import T0, make_equipment, make_fault, make_tech, walk

SETTINGS = MaintenanceSettings(check_lead_h=24, check_overdue_after_h=12)
ALERTS = AlertSettings()
DAY = dt.timedelta(days=1)
H = dt.timedelta(hours=1)


def _due(session, equipment):
    rows, _ = checks.list_(session, limit=50, offset=0, equipment_id=equipment.id)
    return rows


def _answers(check, ok=True):
    return [CheckAnswer(item=str(row["item"]), ok=ok) for row in check.checklist]


def test_check_appears_within_the_lead_time_before_it_is_due_and_only_once(session):
    monitor = make_equipment(session, interval_days=30, now=T0, checklist=["dust", "colours"])
    assert checks.generate_due_checks(session, T0 + 28 * DAY, SETTINGS) == []
    created = checks.generate_due_checks(session, T0 + 29 * DAY, SETTINGS)
    assert [(c.equipment_id, c.due_at) for c in created] == [(monitor.id, T0 + 30 * DAY)]
    assert created[0].checklist == [
        {"item": "dust", "ok": None, "note": ""},
        {"item": "colours", "ok": None, "note": ""},
    ]
    for later in (T0 + 29 * DAY, T0 + 31 * DAY, T0 + 90 * DAY):
        assert checks.generate_due_checks(session, later, SETTINGS) == []
    assert len(_due(session, monitor)) == 1


def test_completing_a_check_schedules_the_next_one_an_interval_later(session):
    tech = make_tech(session)
    radio = make_equipment(session, interval_days=7, now=T0)
    (first,) = checks.generate_due_checks(session, T0 + 7 * DAY, SETTINGS)
    checks.complete(
        session, check_id=first.id, user=tech, answers=_answers(first), note="fine", now=T0 + 7 * DAY
    )
    assert (first.state, first.completed_by_id) == (CheckState.DONE, tech.id)
    (second,) = checks.generate_due_checks(session, T0 + 13 * DAY, SETTINGS)
    assert second.due_at == T0 + 14 * DAY and second.equipment_id == radio.id


def test_equipment_without_interval_or_retired_gets_no_checks(session):
    make_equipment(session, now=T0)
    make_equipment(session, interval_days=1, now=T0, notes="gone").retired = True
    session.flush()
    assert checks.generate_due_checks(session, T0 + 100 * DAY, SETTINGS) == []


def test_default_checklist_is_used_when_the_equipment_has_none(session):
    make_equipment(session, interval_days=1, now=T0)
    (check,) = checks.generate_due_checks(session, T0 + DAY, SETTINGS)
    assert [row["item"] for row in check.checklist] == SETTINGS.default_checklist


def test_completion_must_answer_the_whole_checklist_and_only_once(session):
    tech = make_tech(session)
    make_equipment(session, interval_days=1, now=T0, checklist=["a", "b"])
    (check,) = checks.generate_due_checks(session, T0 + DAY, SETTINGS)
    for answers in ([CheckAnswer(item="a", ok=True)], [*_answers(check), CheckAnswer(item="c", ok=True)]):
        with pytest.raises(ChecklistMismatch):
            checks.complete(session, check_id=check.id, user=tech, answers=answers, now=utcnow())
    assert check.state is CheckState.DUE
    checks.complete(session, check_id=check.id, user=tech, answers=_answers(check, ok=False), now=T0 + DAY)
    with pytest.raises(CheckAlreadyDone):
        checks.complete(session, check_id=check.id, user=tech, answers=_answers(check), now=utcnow())


def test_overdue_check_is_flagged_once_after_the_grace_time(session):
    camera = make_camera(session)
    make_equipment(session, kind="camera", camera_id=camera.id, interval_days=1, now=T0)
    (check,) = checks.generate_due_checks(session, T0 + DAY, SETTINGS)
    assert (
        checks.flag_overdue_checks(session, settings=SETTINGS, alert_settings=ALERTS, now=T0 + DAY + 12 * H)
        == []
    )
    late = T0 + DAY + 13 * H
    assert checks.flag_overdue_checks(session, settings=SETTINGS, alert_settings=ALERTS, now=late) == [check]
    assert checks.is_overdue(check, now=late, settings=SETTINGS)
    assert checks.flag_overdue_checks(session, settings=SETTINGS, alert_settings=ALERTS, now=late + DAY) == []
    alert = session.scalar(select(Alert).where(Alert.zone == f"check:{check.id}"))
    assert alert is not None and alert.kind == "check_overdue" and alert.camera_name == camera.name


def test_unassigned_and_unfixed_faults_are_flagged_to_the_shift_leader_once(session):
    settings = MaintenanceSettings(assign_within_min={"low": 600, "medium": 60, "high": 30, "critical": 15})
    fault = make_fault(session, severity=Severity.CRITICAL, now=T0)
    calm = make_fault(session, severity=Severity.LOW, now=T0)
    flag = lambda at: deadlines.flag_overdue(session, settings=settings, alert_settings=ALERTS, now=at)  # noqa: E731
    assert flag(T0 + 14 * dt.timedelta(minutes=1)) == []
    assert flag(T0 + 15 * dt.timedelta(minutes=1)) == [(fault, "assign")]
    assert flag(T0 + 16 * dt.timedelta(minutes=1)) == []
    walk(session, fault, Action.ASSIGN, user=make_tech(session))
    assert flag(T0 + 4 * H) == [(fault, "fix")]
    assert fault.assign_flagged_at is not None and fault.fix_flagged_at == T0 + 4 * H
    alerts = session.scalars(select(Alert).where(Alert.zone == f"fault:{fault.id}").order_by(Alert.id)).all()
    assert [(a.kind, a.priority) for a in alerts] == [
        ("fault_assign_overdue", Priority.HIGH),
        ("fault_fix_overdue", Priority.HIGH),
    ]
    assert calm.assign_flagged_at is None
    assert [e.action for e in faults.history(session, fault.id)][-1] == "flagged_fix"


def test_fixed_faults_are_not_flagged(session):
    tech = make_tech(session)
    fault = walk(
        session, make_fault(session, severity=Severity.CRITICAL), Action.ASSIGN, Action.FIX, user=tech
    )
    assert deadlines.flag_overdue(session, settings=SETTINGS, alert_settings=ALERTS, now=T0 + 30 * DAY) == []
    assert fault.fix_flagged_at is None


def test_repair_stats_measure_report_to_fix(session):
    tech = make_tech(session)
    for minutes in (10, 20, 60):
        fault = walk(session, make_fault(session, now=T0), Action.ASSIGN, user=tech)
        walk(session, fault, Action.FIX, user=tech, now=T0 + minutes * dt.timedelta(minutes=1))
    stats = deadlines.repair_stats(session, since=T0, until=T0 + DAY)
    assert (stats.count, stats.mean_s, stats.median_s, stats.max_s) == (3, 1800.0, 1200.0, 3600.0)

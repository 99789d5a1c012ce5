"""The fault log on the database: lifecycle, history, refusals that change nothing, photos, lists."""

from __future__ import annotations

import datetime as dt

import cv2
import numpy as np
import pytest
from sqlalchemy import func, select

from access.roles import Role
from config.maintenance import MaintenanceSettings
from core.clock import utcnow
from maintenance import deadlines, faults
from maintenance.errors import (
    FaultNotFound,
    FaultTransitionRefused,
    InvalidAssignee,
    InvalidDuplicate,
    PhotoRefused,
    SelfVerifyForbidden,
)
from maintenance.lifecycle import Action, FaultState
from maintenance.models import FaultEvent, FaultPhoto, Severity
from tests.factories.access import make_user
from tests.factories.maintenance import T0, make_equipment, make_fault, make_tech, walk

STRICT = MaintenanceSettings(allow_self_verify=False)
MIN = dt.timedelta(minutes=1)


def _jpeg() -> bytes:
    ok, data = cv2.imencode(".jpg", np.full((24, 32, 3), 128, dtype=np.uint8))
    assert ok
    return bytes(data)


def test_full_lifecycle_records_every_step_with_who_and_when(session):
    operator = make_user(session, roles=(Role.OPERATOR,))
    tech, checker = make_tech(session), make_tech(session)
    fault = make_fault(session, reporter=operator, now=T0)
    steps = [
        (Action.ASSIGN, tech, T0 + MIN),
        (Action.START, tech, T0 + 2 * MIN),
        (Action.FIX, tech, T0 + 90 * MIN),
        (Action.VERIFY, checker, T0 + 100 * MIN),
    ]
    for action, user, at in steps:
        faults.transition(
            session, fault_id=fault.id, action=action, user=user, settings=STRICT, now=at, assignee_id=tech.id
        )
    assert fault.state is FaultState.VERIFIED
    assert fault.repair_seconds == 90 * 60
    assert (fault.fixed_by_id, fault.closed_by_id) == (tech.id, checker.id)
    events = faults.history(session, fault.id)
    assert [(e.action, e.actor, e.to_state) for e in events] == [
        ("report", operator.username, "reported"),
        ("assign", tech.username, "assigned"),
        ("start", tech.username, "in_progress"),
        ("fix", tech.username, "fixed"),
        ("verify", checker.username, "verified"),
    ]
    assert events[3].detail == {"repair_seconds": 5400.0}
    assert [e.at for e in events] == [T0, *(at for _, _, at in steps)]


def test_verified_fault_cannot_go_back_to_work_and_nothing_changes(session):
    tech, checker = make_tech(session), make_tech(session)
    fault = walk(session, make_fault(session), Action.ASSIGN, Action.START, Action.FIX, user=tech)
    walk(session, fault, Action.VERIFY, user=checker)
    before = session.scalar(
        select(func.count()).select_from(FaultEvent).where(FaultEvent.fault_id == fault.id)
    )
    for action in (Action.START, Action.REOPEN, Action.ASSIGN, Action.FIX):
        with pytest.raises(FaultTransitionRefused, match="is verified"):
            walk(session, fault, action, user=tech)
    assert fault.state is FaultState.VERIFIED
    after = session.scalar(
        select(func.count()).select_from(FaultEvent).where(FaultEvent.fault_id == fault.id)
    )
    assert after == before


def test_verifying_your_own_fix_is_forbidden_when_the_config_requires_another_person(session):
    tech = make_tech(session)
    fault = walk(session, make_fault(session), Action.ASSIGN, Action.FIX, user=tech)
    with pytest.raises(SelfVerifyForbidden, match="someone else must verify"):
        faults.transition(
            session, fault_id=fault.id, action=Action.VERIFY, user=tech, settings=STRICT, now=T0
        )
    assert fault.state is FaultState.FIXED and fault.closed_at is None


def test_verifying_your_own_fix_is_allowed_when_configured(session):
    tech = make_tech(session)
    fault = walk(session, make_fault(session), Action.ASSIGN, Action.FIX, user=tech)
    settings = MaintenanceSettings(allow_self_verify=True)
    faults.transition(session, fault_id=fault.id, action=Action.VERIFY, user=tech, settings=settings, now=T0)
    assert fault.state is FaultState.VERIFIED


def test_reopen_after_failed_verification_resets_the_repair_time(session):
    tech, checker = make_tech(session), make_tech(session)
    fault = walk(session, make_fault(session), Action.ASSIGN, Action.FIX, user=tech)
    assert fault.repair_seconds == 0
    walk(session, fault, Action.REOPEN, user=checker)
    assert fault.state is FaultState.IN_PROGRESS
    assert fault.fixed_at is None and fault.repair_seconds is None


def test_faults_are_only_assigned_to_active_maintenance_users(session):
    operator = make_user(session, roles=(Role.OPERATOR,))
    retired = make_user(session, roles=(Role.MAINTENANCE,), disabled=True)
    fault = make_fault(session)
    for assignee_id in (operator.id, retired.id, 999_999):
        with pytest.raises(InvalidAssignee) as err:
            faults.transition(
                session,
                fault_id=fault.id,
                action=Action.ASSIGN,
                user=operator,
                settings=STRICT,
                assignee_id=assignee_id,
                now=utcnow(),
            )
        assert err.value.field == "assignee_id"
    assert fault.state is FaultState.REPORTED and fault.assignee_id is None


def test_duplicate_points_at_another_fault_and_closes_this_one(session):
    leader = make_user(session, roles=(Role.SHIFT_LEADER,))
    original, copy = make_fault(session), make_fault(session)
    with pytest.raises(InvalidDuplicate):
        faults.transition(
            session,
            fault_id=copy.id,
            action=Action.DUPLICATE,
            user=leader,
            settings=STRICT,
            duplicate_of_id=copy.id,
            now=utcnow(),
        )
    faults.transition(
        session,
        fault_id=copy.id,
        action=Action.DUPLICATE,
        user=leader,
        settings=STRICT,
        duplicate_of_id=original.id,
        now=utcnow(),
    )
    assert (copy.state, copy.duplicate_of_id, copy.closed_by_id) == (
        FaultState.DUPLICATE,
        original.id,
        leader.id,
    )


def test_unknown_fault_and_unknown_equipment_are_not_found(session):
    with pytest.raises(FaultNotFound):
        faults.transition(
            session, fault_id=424242, action=Action.START, user=None, settings=STRICT, now=utcnow()
        )
    with pytest.raises(Exception, match="no equipment with id 424242"):
        faults.report(session, equipment_id=424242, title="x", severity=Severity.LOW, user=None, now=utcnow())


def test_photo_is_stored_with_its_checked_type_and_size(session):
    tech = make_tech(session)
    fault = make_fault(session)
    row = faults.add_photo(
        session, fault_id=fault.id, user=tech, data=_jpeg(), filename="lens.jpg", settings=STRICT, now=T0
    )
    assert (row.content_type, row.width, row.height) == ("image/jpeg", 32, 24)
    assert faults.photo(session, fault_id=fault.id, photo_id=row.id).data == _jpeg()
    assert faults.history(session, fault.id)[-1].detail == {"photo_id": row.id}


def test_refused_photo_leaves_no_row_and_no_history(session):
    tech = make_tech(session)
    fault = make_fault(session)
    small = MaintenanceSettings(max_photo_bytes=10_000)
    for data in (b"MZ\x90\x00 an executable", _jpeg() + bytes(20_000)):
        with pytest.raises(PhotoRefused):
            faults.add_photo(
                session, fault_id=fault.id, user=tech, data=data, filename="x", settings=small, now=utcnow()
            )
    assert (
        session.scalar(select(func.count()).select_from(FaultPhoto).where(FaultPhoto.fault_id == fault.id))
        == 0
    )
    assert [e.action for e in faults.history(session, fault.id)] == ["report"]


def test_list_puts_open_and_severe_faults_first_and_narrows_to_mine(session):
    tech = make_tech(session)
    low = make_fault(session, severity=Severity.LOW, now=T0)
    critical = make_fault(session, severity=Severity.CRITICAL, now=T0 + MIN)
    done = walk(session, make_fault(session, severity=Severity.CRITICAL), Action.REJECT, user=tech)
    mine = walk(session, make_fault(session, severity=Severity.MEDIUM), Action.ASSIGN, user=tech)
    rows, total = faults.list_(session, limit=500, offset=0)
    ids = [f.id for f in rows]
    assert ids.index(critical.id) < ids.index(mine.id) < ids.index(low.id) < ids.index(done.id)
    assert total >= 4
    rows, total = faults.list_(session, limit=50, offset=0, assignee_id=tech.id)
    assert [f.id for f in rows] == [mine.id] and total == 1


def test_open_faults_for_the_handover_leave_out_closed_ones(session):
    tech = make_tech(session)
    equipment = make_equipment(session, name="wall monitor 3")
    open_one = make_fault(session, equipment=equipment, severity=Severity.HIGH)
    fixed = walk(session, make_fault(session, equipment=equipment), Action.ASSIGN, Action.FIX, user=tech)
    rejected = walk(session, make_fault(session, equipment=equipment), Action.REJECT, user=tech)
    refs = {item.ref: item for item in deadlines.open_faults(session)}
    assert f"fault:{open_one.id}" in refs and f"fault:{fixed.id}" in refs
    assert f"fault:{rejected.id}" not in refs
    assert refs[f"fault:{open_one.id}"].title == "[high] wall monitor 3: screen flickers (reported)"

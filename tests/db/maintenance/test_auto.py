"""Faults the system opens itself from camera health, tamper events and storage; closed when clear."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from access.audit.models import AuditEntry
from config.maintenance import MaintenanceSettings
from maintenance import auto, faults
from maintenance.lifecycle import Action, FaultState
from maintenance.models import EquipmentKind, Fault, FaultSource, Severity
from tests.factories.alerts import make_camera
from tests.factories.maintenance import T0, make_equipment, make_tech, walk

SETTINGS = MaintenanceSettings(auto_close_after_s=60)
S = dt.timedelta(seconds=1)


def _faults(session, equipment_id=None):
    stmt = select(Fault).where(Fault.source == FaultSource.AUTO)
    if equipment_id is not None:
        stmt = stmt.where(Fault.equipment_id == equipment_id)
    return list(session.scalars(stmt.order_by(Fault.id)))


def test_camera_going_offline_opens_one_fault_linked_to_its_camera_record(session):
    camera = make_camera(session)
    fault = auto.on_camera_health(session, camera.name, "offline", "connection refused", T0, SETTINGS)
    assert fault is not None
    assert (fault.condition, fault.severity, fault.state) == ("offline", Severity.HIGH, FaultState.REPORTED)
    assert fault.equipment.kind is EquipmentKind.CAMERA and fault.equipment.camera_id == camera.id
    assert fault.description == "connection refused"
    audit = session.scalars(select(AuditEntry).where(AuditEntry.target == f"fault:{fault.id}")).all()
    assert [a.action for a in audit] == ["fault.auto_open"] and audit[0].actor == "system"


def test_repeated_condition_while_open_never_duplicates_the_fault(session):
    camera = make_camera(session)
    first = auto.on_camera_health(session, camera.name, "offline", "refused", T0, SETTINGS)
    for n in range(1, 4):
        auto.on_camera_health(session, camera.name, "online", "", T0 + n * 10 * S, SETTINGS)
        again = auto.on_camera_health(session, camera.name, "offline", "refused", T0 + n * 11 * S, SETTINGS)
        assert again is first
    assert len(_faults(session, first.equipment_id)) == 1
    actions = [e.action for e in faults.history(session, first.id)]
    assert actions.count("condition_cleared") == 3 and actions.count("condition_returned") == 3


def test_fault_closes_with_a_note_only_after_the_condition_stayed_clear_long_enough(session):
    camera = make_camera(session)
    fault = auto.on_camera_health(session, camera.name, "offline", "refused", T0, SETTINGS)
    auto.on_camera_health(session, camera.name, "online", "", T0 + 100 * S, SETTINGS)
    assert auto.close_cleared(session, T0 + 159 * S, SETTINGS) == []
    assert auto.close_cleared(session, T0 + 160 * S, SETTINGS) == [fault]
    assert fault.state is FaultState.FIXED and fault.fixed_by_id is None
    assert fault.repair_seconds == 100  # measured to when the camera came back, not to the hold's end
    last = faults.history(session, fault.id)[-1]
    assert (last.action, last.actor) == ("auto_fix", "system")
    assert "offline cleared at" in last.note and "stayed clear 60 s" in last.note


def test_a_new_fault_opens_after_the_old_one_is_verified(session):
    camera = make_camera(session)
    tech = make_tech(session)
    fault = auto.on_camera_health(session, camera.name, "offline", "refused", T0, SETTINGS)
    auto.on_camera_health(session, camera.name, "online", "", T0 + S, SETTINGS)
    auto.close_cleared(session, T0 + 100 * S, SETTINGS)
    walk(session, fault, Action.VERIFY, user=tech)
    again = auto.on_camera_health(session, camera.name, "offline", "refused", T0 + 200 * S, SETTINGS)
    assert again is not None and again.id != fault.id and again.state is FaultState.REPORTED


def test_condition_returning_before_verification_reopens_the_closed_fault(session):
    camera = make_camera(session)
    fault = auto.on_camera_health(session, camera.name, "frozen", "identical frames", T0, SETTINGS)
    auto.on_camera_health(session, camera.name, "online", "", T0 + S, SETTINGS)
    auto.close_cleared(session, T0 + 100 * S, SETTINGS)
    assert fault.state is FaultState.FIXED
    again = auto.on_camera_health(session, camera.name, "frozen", "identical frames", T0 + 200 * S, SETTINGS)
    assert again is fault and fault.state is FaultState.REPORTED and fault.fixed_at is None
    assert fault.condition_active


def test_a_health_change_clears_the_previous_condition_and_opens_the_new_one(session):
    camera = make_camera(session)
    offline = auto.on_camera_health(session, camera.name, "offline", "refused", T0, SETTINGS)
    degraded = auto.on_camera_health(session, camera.name, "degraded", "fps 3.1 of 10", T0 + S, SETTINGS)
    assert degraded is not None and degraded.condition == "degraded" and degraded.severity is Severity.MEDIUM
    assert not offline.condition_active and offline.condition_cleared_at == T0 + S
    assert degraded.condition_active


def test_tamper_events_open_and_clear_their_own_faults(session):
    camera = make_camera(session)
    covered = auto.on_tamper(session, camera.name, "covered", True, T0, SETTINGS)
    moved = auto.on_tamper(session, camera.name, "moved", True, T0, SETTINGS)
    assert {covered.condition, moved.condition} == {"covered", "moved"}
    auto.on_tamper(session, camera.name, "covered", False, T0 + S, SETTINGS)
    assert auto.close_cleared(session, T0 + 61 * S, SETTINGS) == [covered]
    assert moved.state is FaultState.REPORTED


def test_motion_events_and_unknown_cameras_are_ignored(session):
    camera = make_camera(session)
    assert auto.on_tamper(session, camera.name, "motion", True, T0, SETTINGS) is None
    assert auto.on_camera_health(session, "no-such-camera", "offline", "x", T0, SETTINGS) is None
    assert auto.on_storage(session, "no-such-volume", "failing", "x", T0, SETTINGS) is None
    assert session.scalar(select(func.count()).select_from(Fault)) == 0


def test_a_person_working_on_an_auto_fault_does_not_stop_it_closing(session):
    camera = make_camera(session)
    tech = make_tech(session)
    fault = auto.on_camera_health(session, camera.name, "offline", "refused", T0, SETTINGS)
    walk(session, fault, Action.ASSIGN, Action.START, user=tech)
    auto.on_camera_health(session, camera.name, "online", "", T0 + S, SETTINGS)
    auto.close_cleared(session, T0 + 61 * S, SETTINGS)
    assert fault.state is FaultState.FIXED and fault.assignee_id == tech.id


def test_storage_volumes_open_nearly_full_and_failing_faults(session, tmp_path):
    healthy = make_equipment(session, name="nvr-a", kind=EquipmentKind.STORAGE, path=str(tmp_path))
    gone = make_equipment(session, name="nvr-b", kind=EquipmentKind.STORAGE, path=str(tmp_path / "unmounted"))
    opened = auto.check_volumes(session, T0, SETTINGS)
    assert [(f.equipment_id, f.condition, f.severity) for f in opened] == [
        (gone.id, "storage_failing", Severity.CRITICAL)
    ]
    full = MaintenanceSettings(auto_close_after_s=60, storage_nearly_full_ratio=0.0001)
    opened = auto.check_volumes(session, T0 + S, full)
    assert {(f.equipment_id, f.condition) for f in opened} == {
        (healthy.id, "storage_nearly_full"),
        (gone.id, "storage_failing"),
    }
    assert len(_faults(session, gone.id)) == 1
    (tmp_path / "unmounted").mkdir()
    auto.check_volumes(session, T0 + 2 * S, SETTINGS)
    closed = auto.close_cleared(session, T0 + 100 * S, SETTINGS)
    assert {f.condition for f in closed} == {"storage_nearly_full", "storage_failing"}

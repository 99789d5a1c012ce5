"""Faults the system notices itself (R9): camera health, tamper events, storage volumes.

Each watched condition (offline, frozen, degraded, covered, defocused, moved, storage_nearly_full,
storage_failing) has at most one open fault per piece of equipment (a unique key, so also across
workers). When the condition clears, the time is noted; `close_cleared` marks the fault fixed once it
has stayed clear for `auto_close_after_s` (a person still verifies it). A condition that returns before
that keeps the fault open; one that returns after the fault was closed but before it was verified
reopens it.

The runtime calls `on_camera_health` on every health change, `on_tamper` on the start and end of every
tamper event, and `close_cleared` (with `check_volumes` for storage) periodically.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from access.audit import service as audit
from config.maintenance import MaintenanceSettings
from core.actor import SYSTEM
from devices.camera import service as cameras
from maintenance import equipment as equipment_service
from maintenance import faults
from maintenance.lifecycle import Action, FaultState
from maintenance.models import Equipment, EquipmentKind, Fault, FaultSource, Severity

__all__ = [
    "HEALTH_CONDITIONS",
    "STORAGE_CONDITIONS",
    "TAMPER_CONDITIONS",
    "check_volumes",
    "close_cleared",
    "on_camera_health",
    "on_condition",
    "on_storage",
    "on_tamper",
]

log = logging.getLogger(__name__)

HEALTH_CONDITIONS = {"offline": "offline", "frozen": "frozen", "degraded": "degraded"}
TAMPER_CONDITIONS = frozenset({"covered", "defocused", "moved"})
STORAGE_CONDITIONS = {"nearly_full": "storage_nearly_full", "failing": "storage_failing"}
_TITLES = {
    "offline": "Camera offline",
    "frozen": "Frozen picture",
    "degraded": "Low frame rate or decode errors",
    "covered": "Lens covered",
    "defocused": "Lens defocused",
    "moved": "Camera moved",
    "storage_nearly_full": "Storage nearly full",
    "storage_failing": "Storage failing",
}
_CLOSABLE = [FaultState.REPORTED, FaultState.ASSIGNED, FaultState.IN_PROGRESS]


def _open_fault(session: Session, equipment: Equipment, condition: str) -> Fault | None:
    return session.scalar(select(Fault).where(Fault.open_condition_key == f"{equipment.id}:{condition}"))


def _open(
    session: Session,
    equipment: Equipment,
    condition: str,
    reason: str,
    now: dt.datetime,
    settings: MaintenanceSettings,
) -> Fault:
    """A new automatic fault, or the one another worker opened at the same moment."""
    try:
        with session.begin_nested():
            fault = faults.report(
                session,
                equipment_id=equipment.id,
                title=_TITLES.get(condition, condition),
                severity=Severity(settings.severity_for(condition)),
                user=None,
                description=reason[:4000],
                now=now,
                condition=condition,
            )
    except IntegrityError:
        existing = _open_fault(session, equipment, condition)
        if existing is None:
            raise
        return existing
    audit.record(
        session,
        actor=SYSTEM,
        action="fault.auto_open",
        target=f"fault:{fault.id}",
        detail={"equipment": equipment.name, "condition": condition, "reason": reason[:300]},
        now=now,
    )
    return fault


def _activate(
    session: Session,
    equipment: Equipment,
    condition: str,
    reason: str,
    now: dt.datetime,
    settings: MaintenanceSettings,
) -> Fault:
    fault = _open_fault(session, equipment, condition)
    if fault is None:
        return _open(session, equipment, condition, reason, now, settings)
    if not fault.condition_active:
        fault.condition_active, fault.condition_cleared_at = True, None
        session.flush()
        faults.record_event(
            session, fault, action="condition_returned", user=None, now=now, note=reason[:4000]
        )
    if fault.state is FaultState.FIXED:
        faults.transition(
            session,
            fault_id=fault.id,
            action=Action.REOPEN,
            user=None,
            settings=settings,
            note=f"the condition returned before verification: {reason}"[:4000],
            now=now,
        )
    return fault


def _clear(session: Session, equipment: Equipment, condition: str, now: dt.datetime) -> Fault | None:
    fault = _open_fault(session, equipment, condition)
    if fault is None or not fault.condition_active:
        return fault
    fault.condition_active, fault.condition_cleared_at = False, now
    session.flush()
    faults.record_event(session, fault, action="condition_cleared", user=None, now=now)
    return fault


def on_condition(
    session: Session,
    *,
    equipment: Equipment,
    condition: str,
    active: bool,
    reason: str,
    now: dt.datetime,
    settings: MaintenanceSettings,
) -> Fault | None:
    """Open (or keep open) the fault of an active condition, or note that it has cleared."""
    if active:
        return _activate(session, equipment, condition, reason, now, settings)
    return _clear(session, equipment, condition, now)


def _camera_equipment(session: Session, camera_name: str, now: dt.datetime) -> Equipment | None:
    camera = cameras.get_by_name(session, camera_name)
    if camera is None:
        log.warning("health or tamper event for unknown camera %r ignored", camera_name)
        return None
    return equipment_service.for_camera(session, camera, now=now)


def on_camera_health(
    session: Session,
    camera_name: str,
    status: str,
    reason: str,
    now: dt.datetime,
    settings: MaintenanceSettings,
) -> Fault | None:
    """A camera's health changed: open the fault of its new condition, clear the others (online clears all)."""
    equipment = _camera_equipment(session, camera_name, now)
    if equipment is None:
        return None
    current = HEALTH_CONDITIONS.get(status)
    opened = None
    for condition in HEALTH_CONDITIONS.values():
        if condition != current:
            _clear(session, equipment, condition, now)
    if current is not None:
        opened = _activate(session, equipment, current, reason or status, now, settings)
    return opened


def on_tamper(
    session: Session,
    camera_name: str,
    kind: str,
    active: bool,
    now: dt.datetime,
    settings: MaintenanceSettings,
) -> Fault | None:
    """A tamper event (covered, defocused, moved) started (`active`) or ended; other kinds are ignored."""
    if kind not in TAMPER_CONDITIONS:
        return None
    equipment = _camera_equipment(session, camera_name, now)
    if equipment is None:
        return None
    reason = f"{kind} detected" if active else ""
    return on_condition(
        session, equipment=equipment, condition=kind, active=active, reason=reason, now=now, settings=settings
    )


def on_storage(
    session: Session, volume: str, status: str, reason: str, now: dt.datetime, settings: MaintenanceSettings
) -> Fault | None:
    """A storage volume (equipment name) is 'ok', 'nearly_full' or 'failing'."""
    equipment = equipment_service.get_by_name(session, volume)
    if equipment is None:
        log.warning("storage status for unknown equipment %r ignored", volume)
        return None
    current = STORAGE_CONDITIONS.get(status)
    for condition in STORAGE_CONDITIONS.values():
        if condition != current:
            _clear(session, equipment, condition, now)
    if current is None:
        return None
    return _activate(session, equipment, current, reason or status, now, settings)


def volume_status(path: str, nearly_full_ratio: float) -> tuple[str, str]:
    """('ok' | 'nearly_full' | 'failing', reason) of the volume mounted at `path`."""
    target = Path(path)
    try:
        if not target.is_dir():
            return "failing", f"{path} is not reachable"
        usage = shutil.disk_usage(target)
    except OSError as exc:
        return "failing", f"{path}: {exc.strerror or exc}"
    used = usage.used / usage.total if usage.total else 1.0
    if used >= nearly_full_ratio:
        return "nearly_full", f"{path} is {used:.0%} full ({usage.free // 2**20} MiB free)"
    return "ok", f"{path} is {used:.0%} full"


def check_volumes(session: Session, now: dt.datetime, settings: MaintenanceSettings) -> list[Fault]:
    """Look at every registered storage volume with a path; open or clear its storage faults."""
    stmt = select(Equipment).where(
        Equipment.kind.in_([EquipmentKind.STORAGE, EquipmentKind.RECORDER]),
        Equipment.path != "",
        Equipment.retired.is_(False),
    )
    opened = []
    for equipment in session.scalars(stmt).all():
        status, reason = volume_status(equipment.path, settings.storage_nearly_full_ratio)
        fault = on_storage(session, equipment.name, status, reason, now, settings)
        if fault is not None:
            opened.append(fault)
    return opened


def close_cleared(session: Session, now: dt.datetime, settings: MaintenanceSettings) -> list[Fault]:
    """Mark fixed (with a note) every automatic fault whose condition has been clear long enough."""
    limit = now - dt.timedelta(seconds=settings.auto_close_after_s)
    stmt = (
        select(Fault)
        .where(
            Fault.source == FaultSource.AUTO,
            Fault.state.in_(_CLOSABLE),
            Fault.condition_active.is_(False),
            Fault.condition_cleared_at <= limit,
        )
        .order_by(Fault.id)
        .with_for_update(skip_locked=True)
    )
    closed = []
    for fault in session.scalars(stmt).all():
        assert fault.condition_cleared_at is not None
        held = (now - fault.condition_cleared_at).total_seconds()
        cleared = fault.condition_cleared_at.strftime("%Y-%m-%d %H:%M:%S UTC")
        note = f"{fault.condition} cleared at {cleared} and stayed clear {held:.0f} s"
        faults.transition(
            session,
            fault_id=fault.id,
            action=Action.AUTO_FIX,
            user=None,
            settings=settings,
            note=note,
            now=now,
        )
        audit.record(
            session,
            actor=SYSTEM,
            action="fault.auto_close",
            target=f"fault:{fault.id}",
            detail={"note": note},
            now=now,
        )
        closed.append(fault)
    return closed

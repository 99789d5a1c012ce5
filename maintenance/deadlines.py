"""Fault deadlines and summaries: flag faults not assigned or not fixed in time to the shift leader (an
alert), the open faults a handover lists, and repair-time figures."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts import service as alerts
from alerts.models import Priority
from config.alerting import AlertSettings
from config.maintenance import MaintenanceSettings
from maintenance.faults import record_event
from maintenance.lifecycle import OPEN_STATES, FaultState, due_flags
from maintenance.models import Fault, Severity

__all__ = ["OpenFault", "RepairStats", "flag_overdue", "open_faults", "repair_stats"]

_WORKING = [FaultState.REPORTED, FaultState.ASSIGNED, FaultState.IN_PROGRESS]


@dataclass(frozen=True, slots=True)
class OpenFault:
    """An open fault as a handover lists it."""

    fault_id: int
    ref: str
    title: str
    equipment: str
    severity: str
    state: str
    since: dt.datetime
    fault_title: str = ""  # the fault's own title
    condition: str | None = None  # the watched condition of an automatic fault


@dataclass(frozen=True, slots=True)
class RepairStats:
    """Repair times (report to fix) of the faults fixed in a period, in seconds."""

    count: int
    mean_s: float | None
    median_s: float | None
    max_s: float | None


def _raise_flag(
    session: Session, fault: Fault, which: str, *, now: dt.datetime, alert_settings: AlertSettings
) -> None:
    equipment = fault.equipment
    camera = equipment.camera
    verb = "not assigned" if which == "assign" else "not fixed"
    urgent = fault.severity in (Severity.HIGH, Severity.CRITICAL)
    alerts.raise_alert(
        session,
        kind=f"fault_{which}_overdue",
        camera_id=camera.id if camera is not None else None,
        camera_name=camera.name if camera is not None else "",
        zone=f"fault:{fault.id}",
        priority=Priority.HIGH if urgent else Priority.NORMAL,
        score=1.0,
        title=f"fault {fault.id} {verb} in time · {equipment.name}: {fault.title}"[:300],
        settings=alert_settings,
        now=now,
    )


def flag_overdue(
    session: Session,
    *,
    settings: MaintenanceSettings,
    alert_settings: AlertSettings,
    now: dt.datetime,
) -> list[tuple[Fault, str]]:
    """Alert the shift leader once for each fault past its assign or fix target; return (fault, which)."""
    stmt = (
        select(Fault)
        .where(Fault.state.in_(_WORKING))
        .where(Fault.assign_flagged_at.is_(None) | Fault.fix_flagged_at.is_(None))
        .order_by(Fault.id)
        .with_for_update(skip_locked=True)
    )
    flagged = []
    for fault in session.scalars(stmt).all():
        severity = fault.severity.value
        missed = due_flags(
            fault.state,
            reported_at=fault.reported_at,
            assign_within=settings.assign_target(severity),
            fix_within=settings.fix_target(severity),
            assign_flagged=fault.assign_flagged_at is not None,
            fix_flagged=fault.fix_flagged_at is not None,
            now=now,
        )
        for which in missed:
            if which == "assign":
                fault.assign_flagged_at = now
            else:
                fault.fix_flagged_at = now
            _raise_flag(session, fault, which, now=now, alert_settings=alert_settings)
            record_event(
                session, fault, action=f"flagged_{which}", user=None, now=now, from_state=fault.state
            )
            flagged.append((fault, which))
    return flagged


def open_faults(session: Session) -> list[OpenFault]:
    """Every fault not verified, rejected or a duplicate yet, oldest first (for the handover)."""
    stmt = select(Fault).where(Fault.state.in_(list(OPEN_STATES))).order_by(Fault.reported_at, Fault.id)
    return [
        OpenFault(
            fault_id=fault.id,
            ref=f"fault:{fault.id}",
            title=f"[{fault.severity.value}] {fault.equipment.name}: {fault.title} ({fault.state.value})",
            equipment=fault.equipment.name,
            severity=fault.severity.value,
            state=fault.state.value,
            since=fault.reported_at,
            fault_title=fault.title,
            condition=fault.condition,
        )
        for fault in session.scalars(stmt)
    ]


def repair_stats(session: Session, *, since: dt.datetime, until: dt.datetime) -> RepairStats:
    """Repair times of the faults fixed in [since, until)."""
    stmt = select(Fault.repair_seconds).where(
        Fault.fixed_at >= since, Fault.fixed_at < until, Fault.repair_seconds.is_not(None)
    )
    values = [float(v) for v in session.scalars(stmt) if v is not None]
    if not values:
        return RepairStats(0, None, None, None)
    return RepairStats(len(values), statistics.fmean(values), statistics.median(values), max(values))

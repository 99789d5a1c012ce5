"""The periodic maintenance job: one call does every time-driven step, all state in the database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from config.alerting import AlertSettings
from config.maintenance import MaintenanceSettings
from maintenance import auto, checks, deadlines

__all__ = ["TickResult", "tick"]


@dataclass(frozen=True, slots=True)
class TickResult:
    """How many faults were closed or flagged and checks created or flagged in one run."""

    closed: int
    storage_faults: int
    flagged_faults: int
    new_checks: int
    flagged_checks: int


def tick(
    session: Session,
    *,
    now: dt.datetime,
    settings: MaintenanceSettings,
    alert_settings: AlertSettings,
    volumes: bool = True,
) -> TickResult:
    """Close cleared automatic faults, look at storage volumes, flag overdue faults, create due checks
    and flag overdue checks. Idempotent; safe on several workers at once."""
    closed = auto.close_cleared(session, now, settings)
    storage = auto.check_volumes(session, now, settings) if volumes else []
    flagged = deadlines.flag_overdue(session, settings=settings, alert_settings=alert_settings, now=now)
    new_checks = checks.generate_due_checks(session, now, settings)
    late = checks.flag_overdue_checks(session, settings=settings, alert_settings=alert_settings, now=now)
    return TickResult(len(closed), len(storage), len(flagged), len(new_checks), len(late))

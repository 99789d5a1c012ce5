"""Scheduled maintenance checks: generated from each piece of equipment's interval, done with a checklist.

All scheduling state is in the database (the equipment's interval and its last check), so
`generate_due_checks` is idempotent: run it from any number of workers, as often as you like, after any
restart; a unique (equipment, due time) key stops two workers from creating the same check.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from access.users.models import User
from alerts import service as alerts
from alerts.models import Priority
from config.alerting import AlertSettings
from config.maintenance import MaintenanceSettings
from db import lookup
from maintenance.errors import CheckAlreadyDone, ChecklistMismatch, CheckNotFound
from maintenance.models import CheckState, Equipment, MaintenanceCheck
from maintenance.schemas import CheckAnswer

__all__ = [
    "complete",
    "flag_overdue_checks",
    "generate_due_checks",
    "is_overdue",
    "list_",
    "next_due_at",
    "require",
]


def next_due_at(
    *,
    interval_days: int,
    installed_on: dt.date | None,
    registered_at: dt.datetime,
    last_due: dt.datetime | None,
    last_done: dt.datetime | None,
) -> dt.datetime:
    """When the next check falls due: one interval after the last one (after its due time if done early,
    after its completion if done late, so late checks do not pile up); the first one an interval after
    installation, but not before the equipment was registered."""
    interval = dt.timedelta(days=interval_days)
    if last_due is not None:
        return max(last_due, last_done or last_due) + interval
    if installed_on is None:
        return registered_at + interval
    installed = dt.datetime.combine(installed_on, dt.time(), tzinfo=dt.UTC)
    return max(installed + interval, registered_at)


def is_overdue(check: MaintenanceCheck, *, now: dt.datetime, settings: MaintenanceSettings) -> bool:
    """True for a check still due more than the grace time after its due time."""
    grace = dt.timedelta(hours=settings.check_overdue_after_h)
    return check.state is CheckState.DUE and now > check.due_at + grace


def _last_check(session: Session, equipment_id: int) -> MaintenanceCheck | None:
    stmt = (
        select(MaintenanceCheck)
        .where(MaintenanceCheck.equipment_id == equipment_id)
        .order_by(MaintenanceCheck.due_at.desc())
        .limit(1)
    )
    return session.scalar(stmt)


def _checklist(equipment: Equipment, settings: MaintenanceSettings) -> list[dict[str, object]]:
    items = equipment.checklist or settings.default_checklist
    return [{"item": item, "ok": None, "note": ""} for item in items]


def _insert(session: Session, check: MaintenanceCheck) -> bool:
    try:
        with session.begin_nested():
            session.add(check)
            session.flush()
    except IntegrityError:
        return False  # another worker created the same check
    return True


def generate_due_checks(
    session: Session, now: dt.datetime, settings: MaintenanceSettings | None = None
) -> list[MaintenanceCheck]:
    """Create the check of every piece of equipment whose next check falls due within the lead time and
    that has no check pending; return the new checks."""
    settings = settings or MaintenanceSettings()
    horizon = now + dt.timedelta(hours=settings.check_lead_h)
    pending = select(MaintenanceCheck.equipment_id).where(MaintenanceCheck.state == CheckState.DUE)
    stmt = select(Equipment).where(
        Equipment.interval_days.is_not(None), Equipment.retired.is_(False), Equipment.id.not_in(pending)
    )
    created = []
    for equipment in session.scalars(stmt.order_by(Equipment.id)).all():
        assert equipment.interval_days is not None
        last = _last_check(session, equipment.id)
        due = next_due_at(
            interval_days=equipment.interval_days,
            installed_on=equipment.installed_on,
            registered_at=equipment.created_at,
            last_due=last.due_at if last else None,
            last_done=last.completed_at if last else None,
        )
        if due > horizon:
            continue
        check = MaintenanceCheck(
            equipment_id=equipment.id, due_at=due, checklist=_checklist(equipment, settings), created_at=now
        )
        if _insert(session, check):
            created.append(check)
    return created


def require(session: Session, check_id: int) -> MaintenanceCheck:
    """The check with `check_id`, or CheckNotFound."""
    return lookup.require(session, MaintenanceCheck, check_id, error=CheckNotFound, what="maintenance check")


def complete(
    session: Session,
    *,
    check_id: int,
    user: User,
    answers: Sequence[CheckAnswer],
    note: str = "",
    now: dt.datetime,
) -> MaintenanceCheck:
    """Record a check as done: every checklist item answered ok or not, with notes."""
    check = require(session, check_id)
    if check.state is CheckState.DONE:
        who = check.completed_by.username if check.completed_by else "someone"
        raise CheckAlreadyDone(f"check {check.id} was done by {who} already")
    items = [str(row["item"]) for row in check.checklist]
    given = [a.item for a in answers]
    if sorted(given) != sorted(items):
        raise ChecklistMismatch(
            "answer every checklist item exactly once", field="answers", detail={"checklist": items}
        )
    by_item = {a.item: a for a in answers}
    check.checklist = [{"item": i, "ok": by_item[i].ok, "note": by_item[i].note} for i in items]
    check.state, check.note = CheckState.DONE, note
    check.completed_at, check.completed_by = now, user
    session.flush()
    return check


def list_(
    session: Session,
    *,
    limit: int,
    offset: int,
    state: CheckState | None = None,
    equipment_id: int | None = None,
) -> tuple[list[MaintenanceCheck], int]:
    """Checks, earliest due first, and the total."""
    stmt = select(MaintenanceCheck)
    if state is not None:
        stmt = stmt.where(MaintenanceCheck.state == state)
    if equipment_id is not None:
        stmt = stmt.where(MaintenanceCheck.equipment_id == equipment_id)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.order_by(MaintenanceCheck.due_at, MaintenanceCheck.id).limit(limit).offset(offset)
    )
    return list(rows), total


def flag_overdue_checks(
    session: Session,
    *,
    settings: MaintenanceSettings,
    alert_settings: AlertSettings,
    now: dt.datetime,
) -> list[MaintenanceCheck]:
    """Flag (once, with an alert) every check past its due time plus the grace time."""
    latest_due = now - dt.timedelta(hours=settings.check_overdue_after_h)
    stmt = (
        select(MaintenanceCheck)
        .where(
            MaintenanceCheck.state == CheckState.DUE,
            MaintenanceCheck.overdue_flagged_at.is_(None),
            MaintenanceCheck.due_at < latest_due,
        )
        .order_by(MaintenanceCheck.id)
        .with_for_update(skip_locked=True)
    )
    flagged = []
    for check in session.scalars(stmt).all():
        check.overdue_flagged_at = now
        equipment = check.equipment
        alerts.raise_alert(
            session,
            kind="check_overdue",
            camera_id=equipment.camera_id,
            camera_name=equipment.camera.name if equipment.camera else "",
            zone=f"check:{check.id}",
            priority=Priority.NORMAL,
            score=1.0,
            title=f"maintenance check of {equipment.name} overdue (due {check.due_at:%Y-%m-%d %H:%M} UTC)",
            settings=alert_settings,
            now=now,
        )
        flagged.append(check)
    return flagged

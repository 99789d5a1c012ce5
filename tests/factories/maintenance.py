"""Builders for equipment, faults and maintenance checks."""

from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy.orm import Session

from access.roles import Role
from access.users.models import User
from config.maintenance import MaintenanceSettings
from maintenance import equipment as equipment_service
from maintenance import faults
from maintenance.lifecycle import Action
from maintenance.models import Equipment, EquipmentKind, Fault, Severity
from maintenance.schemas import EquipmentCreate
from tests.factories.access import make_user

T0 = dt.datetime(2026, 11, 25, 8, 0, tzinfo=dt.UTC)
_n = itertools.count(1)


def make_equipment(
    session: Session,
    *,
    name: str | None = None,
    kind: EquipmentKind = EquipmentKind.MONITOR,
    now: dt.datetime = T0,
    **fields: object,
) -> Equipment:
    """A registered piece of equipment."""
    data = EquipmentCreate(name=name or f"equipment-{next(_n)}", kind=kind, **fields)
    return equipment_service.create(session, data=data, now=now)


def make_tech(session: Session, username: str | None = None) -> User:
    """A maintenance user."""
    return make_user(session, username=username or f"tech{next(_n)}", roles=(Role.MAINTENANCE,))


def make_fault(
    session: Session,
    *,
    equipment: Equipment | None = None,
    severity: Severity = Severity.MEDIUM,
    reporter: User | None = None,
    now: dt.datetime = T0,
) -> Fault:
    """A reported (manual) fault."""
    equipment = equipment or make_equipment(session)
    return faults.report(
        session, equipment_id=equipment.id, title="screen flickers", severity=severity, user=reporter, now=now
    )


def walk(
    session: Session,
    fault: Fault,
    *actions: Action,
    user: User,
    settings: MaintenanceSettings | None = None,
    now: dt.datetime = T0,
) -> Fault:
    """Take lifecycle steps in order (assign goes to `user`)."""
    settings = settings or MaintenanceSettings(allow_self_verify=True)
    for action in actions:
        faults.transition(
            session,
            fault_id=fault.id,
            action=action,
            user=user,
            settings=settings,
            now=now,
            assignee_id=user.id if action is Action.ASSIGN else None,
        )
    return fault

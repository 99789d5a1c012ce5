"""The fault log: report, lifecycle steps (each recorded with who and when), notes, photos, lists.

Overdue flags and the handover's open faults are in `maintenance.deadlines`; faults the system opens
itself are in `maintenance.auto`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from access.roles import Role
from access.users import service as users
from access.users.models import User
from config.maintenance import MaintenanceSettings
from core.actor import SYSTEM, Actor
from db import lookup
from db.transition import claim
from maintenance import equipment as equipment_service
from maintenance.errors import (
    FaultNotFound,
    FaultTransitionRefused,
    InvalidAssignee,
    InvalidDuplicate,
    PhotoNotFound,
    SelfVerifyForbidden,
)
from maintenance.lifecycle import OPEN_STATES, Action, FaultState, step
from maintenance.models import Fault, FaultEvent, FaultPhoto, FaultSource, Severity
from maintenance.photos import check_photo

__all__ = [
    "add_note",
    "add_photo",
    "history",
    "list_",
    "maintainers",
    "photo",
    "photos",
    "record_event",
    "report",
    "require",
    "transition",
]

_OPEN_FIRST = case((Fault.state.in_(list(OPEN_STATES)), 0), else_=1)
_WORST_FIRST = case({s.value: -s.rank for s in Severity}, value=Fault.severity, else_=0)


def record_event(
    session: Session,
    fault: Fault,
    *,
    action: str,
    user: User | None,
    now: dt.datetime,
    from_state: FaultState | None = None,
    note: str = "",
    **detail: Any,
) -> FaultEvent:
    """Append one step to the fault's history (the system when `user` is None)."""
    who = Actor.of(user) if user is not None else SYSTEM
    event = FaultEvent(
        fault_id=fault.id,
        at=now,
        actor_id=who.id,
        actor=who.name,
        action=action,
        from_state=from_state.value if from_state is not None else None,
        to_state=fault.state.value,
        note=note,
        detail=detail,
    )
    session.add(event)
    session.flush()
    return event


def maintainers(session: Session) -> list[User]:
    """Active maintenance users (who a fault can be assigned to), by name."""
    return users.with_role(session, Role.MAINTENANCE)


def require(session: Session, fault_id: int) -> Fault:
    """The fault with `fault_id`, or FaultNotFound."""
    return lookup.require(session, Fault, fault_id, error=FaultNotFound, what="fault")


def report(
    session: Session,
    *,
    equipment_id: int,
    title: str,
    severity: Severity,
    user: User | None,
    description: str = "",
    now: dt.datetime,
    condition: str | None = None,
) -> Fault:
    """Register a fault on a piece of equipment (by a person, or by the system with a `condition`)."""
    equipment = equipment_service.require(session, equipment_id)
    fault = Fault(
        equipment_id=equipment.id,
        title=title,
        description=description,
        severity=severity,
        source=FaultSource.AUTO if condition else FaultSource.MANUAL,
        condition=condition,
        open_condition_key=f"{equipment.id}:{condition}" if condition else None,
        condition_active=condition is not None,
        reported_at=now,
        reported_by=user,
        created_at=now,
    )
    session.add(fault)
    session.flush()
    record_event(session, fault, action="report", user=user, now=now, note=description)
    return fault


def _assignee(session: Session, assignee_id: int | None) -> User:
    user = session.get(User, assignee_id) if assignee_id is not None else None
    if user is None or user.disabled or Role.MAINTENANCE not in user.roles:
        raise InvalidAssignee(f"user {assignee_id} is not an active maintenance user", field="assignee_id")
    return user


def _duplicate_target(session: Session, fault: Fault, other_id: int | None) -> Fault:
    other = session.get(Fault, other_id) if other_id is not None else None
    if other is None or other.id == fault.id or other.duplicate_of_id == fault.id:
        raise InvalidDuplicate(
            f"fault {other_id} cannot be the original of fault {fault.id}", field="duplicate_of_id"
        )
    return other


def _close(fault: Fault, target: FaultState) -> None:
    if not target.is_open:
        fault.open_condition_key = None


def _apply(
    session: Session,
    fault: Fault,
    action: Action,
    user: User | None,
    now: dt.datetime,
    detail: dict[str, Any],
    *,
    assignee_id: int | None,
    duplicate_of_id: int | None,
) -> None:
    """Set the fields that go with `action` (the state itself is set by the caller)."""
    if action is Action.ASSIGN:
        assignee = _assignee(session, assignee_id)
        fault.assignee, fault.assigned_at = assignee, now
        detail["assignee"] = assignee.username
    elif action is Action.START:
        fault.started_at = now
    elif action in (Action.FIX, Action.AUTO_FIX):
        # An automatic fault was repaired when its condition cleared, not when the hold time ran out.
        fixed_at = (fault.condition_cleared_at or now) if action is Action.AUTO_FIX else now
        fault.fixed_at, fault.fixed_by = fixed_at, user
        fault.repair_seconds = round((fixed_at - fault.reported_at).total_seconds(), 3)
        detail["repair_seconds"] = fault.repair_seconds
    elif action is Action.REOPEN:
        fault.fixed_at = fault.fixed_by = fault.repair_seconds = None
    elif action is Action.DUPLICATE:
        fault.duplicate_of_id = _duplicate_target(session, fault, duplicate_of_id).id
        detail["duplicate_of"] = fault.duplicate_of_id
    if action in (Action.VERIFY, Action.REJECT, Action.DUPLICATE):
        fault.closed_at, fault.closed_by = now, user


def transition(
    session: Session,
    *,
    fault_id: int,
    action: Action,
    user: User | None,
    settings: MaintenanceSettings,
    note: str = "",
    now: dt.datetime,
    assignee_id: int | None = None,
    duplicate_of_id: int | None = None,
) -> Fault:
    """Take one lifecycle step; 409 when the lifecycle refuses it, 403 for verifying one's own fix."""
    fault = claim(
        session,
        Fault,
        fault_id,
        state=lambda f: f.state,
        allowed=lambda f: step(f.state, action, has_assignee=f.assignee_id is not None).allowed,
        missing=lambda: FaultNotFound(f"no fault with id {fault_id}"),
        refuse=lambda f, state: FaultTransitionRefused(
            f"fault {f.id} is {state}: it cannot {action.value} now",
            detail={"state": state, "action": action.value},
        ),
    )
    current = fault.state
    target = step(current, action, has_assignee=fault.assignee_id is not None).target
    assert target is not None  # claimed above
    if (
        action is Action.VERIFY
        and not settings.allow_self_verify
        and user is not None
        and fault.fixed_by_id == user.id
    ):
        raise SelfVerifyForbidden(f"{user.username} fixed fault {fault.id}; someone else must verify it")
    detail: dict[str, Any] = {}
    _apply(
        session, fault, action, user, now, detail, assignee_id=assignee_id, duplicate_of_id=duplicate_of_id
    )
    fault.state = target
    _close(fault, target)
    session.flush()
    record_event(
        session, fault, action=action.value, user=user, now=now, from_state=current, note=note, **detail
    )
    return fault


def add_note(session: Session, *, fault_id: int, user: User, note: str, now: dt.datetime) -> FaultEvent:
    """Add a note to a fault's history."""
    fault = require(session, fault_id)
    return record_event(session, fault, action="note", user=user, now=now, note=note)


def add_photo(
    session: Session,
    *,
    fault_id: int,
    user: User,
    data: bytes,
    filename: str,
    settings: MaintenanceSettings,
    now: dt.datetime,
) -> FaultPhoto:
    """Attach a photo after checking it is a real JPEG or PNG within the size limits."""
    fault = require(session, fault_id)
    checked = check_photo(data, max_bytes=settings.max_photo_bytes, max_pixels=settings.max_photo_pixels)
    photo_row = FaultPhoto(
        fault_id=fault.id,
        content_type=checked.content_type,
        width=checked.width,
        height=checked.height,
        size=checked.size,
        filename=filename[:200],
        uploaded_by_id=user.id,
        data=data,
        created_at=now,
    )
    session.add(photo_row)
    session.flush()
    record_event(session, fault, action="photo", user=user, now=now, photo_id=photo_row.id)
    return photo_row


def photo(session: Session, *, fault_id: int, photo_id: int) -> FaultPhoto:
    """One photo of a fault, or PhotoNotFound."""
    row = session.get(FaultPhoto, photo_id)
    if row is None or row.fault_id != fault_id:
        raise PhotoNotFound(f"fault {fault_id} has no photo {photo_id}")
    return row


def photos(session: Session, fault_id: int) -> list[FaultPhoto]:
    """The photos of a fault, oldest first."""
    stmt = select(FaultPhoto).where(FaultPhoto.fault_id == fault_id).order_by(FaultPhoto.id)
    return list(session.scalars(stmt))


def history(session: Session, fault_id: int) -> list[FaultEvent]:
    """Every step of a fault, oldest first."""
    require(session, fault_id)
    stmt = select(FaultEvent).where(FaultEvent.fault_id == fault_id).order_by(FaultEvent.at, FaultEvent.id)
    return list(session.scalars(stmt))


def list_(
    session: Session,
    *,
    limit: int,
    offset: int,
    states: Sequence[FaultState] = (),
    open_only: bool = False,
    assignee_id: int | None = None,
    equipment_id: int | None = None,
    include_unassigned: bool = False,
) -> tuple[list[Fault], int]:
    """Faults: open first, then most severe, then oldest; `assignee_id` (+ unassigned ones) for 'my faults'."""
    stmt = select(Fault)
    if states:
        stmt = stmt.where(Fault.state.in_(list(states)))
    if open_only:
        stmt = stmt.where(Fault.state.in_(list(OPEN_STATES)))
    if assignee_id is not None:
        mine = Fault.assignee_id == assignee_id
        stmt = stmt.where(or_(mine, Fault.assignee_id.is_(None)) if include_unassigned else mine)
    if equipment_id is not None:
        stmt = stmt.where(Fault.equipment_id == equipment_id)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    order = (_OPEN_FIRST, _WORST_FIRST, Fault.reported_at, Fault.id)
    rows = session.scalars(stmt.order_by(*order).limit(limit).offset(offset))
    return list(rows), total

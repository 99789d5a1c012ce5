"""The equipment register: create, change, list with health; cameras are linked to their camera records."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.errors import Invalid
from db import lookup
from devices.camera.models import Camera
from maintenance.errors import (
    CameraAlreadyRegistered,
    EquipmentNameTaken,
    EquipmentNotFound,
)
from maintenance.lifecycle import OPEN_STATES
from maintenance.models import CheckState, Equipment, EquipmentKind, Fault, MaintenanceCheck, Severity
from maintenance.schemas import EquipmentCreate, EquipmentUpdate

__all__ = [
    "EquipmentHealth",
    "create",
    "for_camera",
    "get_by_name",
    "list_",
    "list_with_health",
    "register_cameras",
    "require",
    "update",
]


@dataclass(frozen=True, slots=True)
class EquipmentHealth:
    """A piece of equipment with its health: camera stream health or 'ok'/'fault', open faults, next check."""

    equipment: Equipment
    status: str
    open_faults: int
    worst: Severity | None
    next_check_at: dt.datetime | None


def require(session: Session, equipment_id: int) -> Equipment:
    """The equipment with `equipment_id`, or EquipmentNotFound."""
    return lookup.require(session, Equipment, equipment_id, error=EquipmentNotFound, what="equipment")


def get_by_name(session: Session, name: str) -> Equipment | None:
    """The equipment called `name`, or None."""
    return session.scalar(select(Equipment).where(Equipment.name == name))


def _check_name(session: Session, name: str, *, own_id: int | None = None) -> None:
    other = get_by_name(session, name)
    if other is not None and other.id != own_id:
        raise EquipmentNameTaken(f"equipment name {name!r} is taken")


def _check_camera(session: Session, camera_id: int) -> None:
    if session.get(Camera, camera_id) is None:
        raise Invalid(f"no camera with id {camera_id}", field="camera_id")
    taken = session.scalar(select(Equipment.name).where(Equipment.camera_id == camera_id))
    if taken is not None:
        raise CameraAlreadyRegistered(f"camera {camera_id} is registered as {taken!r} already")


def create(session: Session, *, data: EquipmentCreate, now: dt.datetime) -> Equipment:
    """Register a piece of equipment."""
    _check_name(session, data.name)
    if data.camera_id is not None:
        if data.kind is not EquipmentKind.CAMERA:
            raise Invalid("only equipment of kind camera links to a camera record", field="camera_id")
        _check_camera(session, data.camera_id)
    equipment = Equipment(**data.model_dump(), created_at=now)
    session.add(equipment)
    session.flush()
    return equipment


def update(session: Session, *, equipment_id: int, data: EquipmentUpdate) -> Equipment:
    """Change the given fields of a piece of equipment."""
    equipment = require(session, equipment_id)
    values = data.model_dump(exclude_unset=True)
    if values.get("name") is not None:
        _check_name(session, values["name"], own_id=equipment.id)
    for field, value in values.items():
        if value is None and field not in ("installed_on", "interval_days"):
            continue
        setattr(equipment, field, value)
    session.flush()
    return equipment


def for_camera(session: Session, camera: Camera, *, now: dt.datetime) -> Equipment:
    """The equipment entry of `camera`, created (and linked) on first use."""
    equipment = session.scalar(select(Equipment).where(Equipment.camera_id == camera.id))
    if equipment is not None:
        return equipment
    name = camera.name if get_by_name(session, camera.name) is None else f"camera {camera.name}"
    equipment = Equipment(
        name=name,
        kind=EquipmentKind.CAMERA,
        camera_id=camera.id,
        location=camera.location,
        created_at=now,
    )
    session.add(equipment)
    session.flush()
    return equipment


def register_cameras(session: Session, *, now: dt.datetime) -> list[Equipment]:
    """Create equipment entries for every camera that has none yet; return the new ones."""
    linked = select(Equipment.camera_id).where(Equipment.camera_id.is_not(None))
    cameras = session.scalars(select(Camera).where(Camera.id.not_in(linked)).order_by(Camera.name))
    return [for_camera(session, camera, now=now) for camera in cameras]


def list_(
    session: Session,
    *,
    limit: int,
    offset: int,
    kind: EquipmentKind | None = None,
    include_retired: bool = False,
) -> tuple[list[Equipment], int]:
    """One page of equipment by name, and the total."""
    stmt = select(Equipment)
    if kind is not None:
        stmt = stmt.where(Equipment.kind == kind)
    if not include_retired:
        stmt = stmt.where(Equipment.retired.is_(False))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(stmt.order_by(Equipment.name).limit(limit).offset(offset)).all()
    return list(rows), total


def _status(equipment: Equipment, open_faults: int) -> str:
    if equipment.camera is not None:
        return equipment.camera.health
    return "fault" if open_faults else "ok"


def list_with_health(
    session: Session, *, limit: int, offset: int, kind: EquipmentKind | None = None
) -> tuple[list[EquipmentHealth], int]:
    """One page of equipment, each with its health, open faults and next due check."""
    rows, total = list_(session, limit=limit, offset=offset, kind=kind)
    ids = [e.id for e in rows]
    faults: dict[int, list[Severity]] = {}
    open_stmt = select(Fault.equipment_id, Fault.severity).where(
        Fault.equipment_id.in_(ids), Fault.state.in_(list(OPEN_STATES))
    )
    for equipment_id, severity in session.execute(open_stmt):
        faults.setdefault(equipment_id, []).append(severity)
    due_stmt = (
        select(MaintenanceCheck.equipment_id, func.min(MaintenanceCheck.due_at))
        .where(MaintenanceCheck.equipment_id.in_(ids), MaintenanceCheck.state == CheckState.DUE)
        .group_by(MaintenanceCheck.equipment_id)
    )
    due = {row[0]: row[1] for row in session.execute(due_stmt)}
    out = []
    for equipment in rows:
        severities = faults.get(equipment.id, [])
        worst = max(severities, key=lambda s: s.rank) if severities else None
        next_check = due.get(equipment.id)
        if next_check is not None and next_check.tzinfo is None:
            next_check = next_check.replace(tzinfo=dt.UTC)  # SQLite aggregates lose the column type
        out.append(
            EquipmentHealth(
                equipment, _status(equipment, len(severities)), len(severities), worst, next_check
            )
        )
    return out, total

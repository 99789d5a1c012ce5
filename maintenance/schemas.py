"""Shapes of equipment, faults and maintenance checks (request bodies refuse unknown fields)."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from core.schemas import ReadSchema, WriteSchema
from maintenance.lifecycle import FaultState
from maintenance.models import CheckState, EquipmentKind, FaultSource, Severity

__all__ = [
    "CheckAnswer",
    "CheckComplete",
    "CheckRead",
    "EquipmentCreate",
    "EquipmentRead",
    "EquipmentRef",
    "EquipmentStatusRead",
    "EquipmentUpdate",
    "FaultAssign",
    "FaultCreate",
    "FaultDuplicate",
    "FaultEventRead",
    "FaultNote",
    "FaultPhotoRead",
    "FaultRead",
    "FaultStep",
    "UserRef",
]


class UserRef(ReadSchema):
    """A person, as shown next to what they did."""

    id: int
    username: str
    display_name: str


class EquipmentCreate(WriteSchema):
    """A new piece of equipment; a camera may be linked to its camera record."""

    name: str = Field(min_length=1, max_length=100)
    kind: EquipmentKind
    camera_id: int | None = Field(default=None, ge=1, description="The camera record (kind camera only).")
    location: str = Field(default="", max_length=200)
    model: str = Field(default="", max_length=200)
    serial: str = Field(default="", max_length=100)
    installed_on: dt.date | None = None
    interval_days: int | None = Field(default=None, ge=1, le=3650, description="Check every so many days.")
    checklist: list[str] = Field(default_factory=list, max_length=50)
    path: str = Field(default="", max_length=500, description="Mount point of a storage volume.")
    notes: str = Field(default="", max_length=4000)


class EquipmentUpdate(WriteSchema):
    """Changes to a piece of equipment (only the given fields)."""

    name: str | None = Field(default=None, min_length=1, max_length=100)
    location: str | None = Field(default=None, max_length=200)
    model: str | None = Field(default=None, max_length=200)
    serial: str | None = Field(default=None, max_length=100)
    installed_on: dt.date | None = None
    interval_days: int | None = Field(default=None, ge=1, le=3650)
    checklist: list[str] | None = Field(default=None, max_length=50)
    path: str | None = Field(default=None, max_length=500)
    notes: str | None = Field(default=None, max_length=4000)
    retired: bool | None = None


class EquipmentRead(ReadSchema):
    """A piece of equipment."""

    id: int
    name: str
    kind: EquipmentKind
    camera_id: int | None
    location: str
    model: str
    serial: str
    installed_on: dt.date | None
    interval_days: int | None
    checklist: list[str]
    path: str
    notes: str
    retired: bool
    created_at: dt.datetime


class EquipmentStatusRead(EquipmentRead):
    """A piece of equipment with its health (camera stream health, or ok/fault), open faults, next check."""

    status: str
    open_faults: int
    worst: Severity | None
    next_check_at: dt.datetime | None


class EquipmentRef(ReadSchema):
    """A piece of equipment, as shown on a fault."""

    id: int
    name: str
    kind: EquipmentKind
    location: str


class FaultCreate(WriteSchema):
    """Reporting a fault."""

    equipment_id: int = Field(ge=1)
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=4000)
    severity: Severity = Severity.MEDIUM


class FaultStep(WriteSchema):
    """A lifecycle step with an optional note."""

    note: str = Field(default="", max_length=4000)


class FaultAssign(FaultStep):
    """Assigning a fault to a maintenance user."""

    assignee_id: int = Field(ge=1)


class FaultDuplicate(FaultStep):
    """Marking a fault as a duplicate of another."""

    duplicate_of_id: int = Field(ge=1)


class FaultNote(WriteSchema):
    """A note on a fault."""

    note: str = Field(min_length=1, max_length=4000)


class FaultRead(ReadSchema):
    """A fault."""

    id: int
    equipment_id: int
    equipment: EquipmentRef
    title: str
    description: str
    severity: Severity
    state: FaultState
    source: FaultSource
    condition: str | None
    condition_active: bool
    reported_at: dt.datetime
    reported_by: UserRef | None
    assignee: UserRef | None
    assigned_at: dt.datetime | None
    started_at: dt.datetime | None
    fixed_at: dt.datetime | None
    fixed_by: UserRef | None
    repair_seconds: float | None
    closed_at: dt.datetime | None
    closed_by: UserRef | None
    duplicate_of_id: int | None
    assign_flagged_at: dt.datetime | None
    fix_flagged_at: dt.datetime | None


class FaultEventRead(ReadSchema):
    """One step in a fault's history."""

    id: int
    at: dt.datetime
    actor: str
    action: str
    from_state: str | None
    to_state: str | None
    note: str
    detail: dict[str, object]


class FaultPhotoRead(ReadSchema):
    """A photo's description (the image itself is a separate download)."""

    id: int
    fault_id: int
    content_type: str
    width: int
    height: int
    size: int
    filename: str
    created_at: dt.datetime


class CheckAnswer(WriteSchema):
    """One checklist item's answer."""

    item: str = Field(min_length=1, max_length=200)
    ok: bool
    note: str = Field(default="", max_length=1000)


class CheckComplete(WriteSchema):
    """Completing a scheduled check: every checklist item answered."""

    answers: list[CheckAnswer] = Field(max_length=50)
    note: str = Field(default="", max_length=4000)


class CheckRead(ReadSchema):
    """A scheduled maintenance check."""

    id: int
    equipment_id: int
    equipment: EquipmentRef
    due_at: dt.datetime
    state: CheckState
    checklist: list[dict[str, object]]
    note: str
    completed_at: dt.datetime | None
    completed_by: UserRef | None
    overdue_flagged_at: dt.datetime | None

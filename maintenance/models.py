"""Equipment register, fault log (with its history and photos) and scheduled maintenance checks (R9)."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from access.users.models import User
from db.base import Base, CreatedAtMixin, str_enum
from devices.camera.models import Camera
from maintenance.lifecycle import FaultState

__all__ = [
    "CheckState",
    "Equipment",
    "EquipmentKind",
    "Fault",
    "FaultEvent",
    "FaultPhoto",
    "FaultSource",
    "MaintenanceCheck",
    "Severity",
]


class EquipmentKind(enum.StrEnum):
    """What a piece of equipment is."""

    CAMERA = "camera"
    RECORDER = "recorder"
    STORAGE = "storage"
    MONITOR = "monitor"
    WORKSTATION = "workstation"
    RADIO = "radio"
    OTHER = "other"


class Severity(enum.StrEnum):
    """How bad a fault is; sets the assign and fix targets."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """0 (low) .. 3 (critical)."""
        return list(Severity).index(self)


class FaultSource(enum.StrEnum):
    """Reported by a person, or opened by the system from a watched condition."""

    MANUAL = "manual"
    AUTO = "auto"


class CheckState(enum.StrEnum):
    """A scheduled check is due until done."""

    DUE = "due"
    DONE = "done"


class Equipment(CreatedAtMixin, Base):
    """One registered piece of equipment; a camera is linked to its camera record."""

    __tablename__ = "maintenance_equipment"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[EquipmentKind] = mapped_column(str_enum(EquipmentKind, 16), index=True)
    camera_id: Mapped[int | None] = mapped_column(
        ForeignKey("cameras.id", ondelete="SET NULL"), unique=True, default=None
    )
    location: Mapped[str] = mapped_column(String(200), default="")
    model: Mapped[str] = mapped_column(String(200), default="")
    serial: Mapped[str] = mapped_column(String(100), default="")
    installed_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    interval_days: Mapped[int | None] = mapped_column(default=None)
    checklist: Mapped[list[str]] = mapped_column(JSON, default=list)
    path: Mapped[str] = mapped_column(String(500), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    retired: Mapped[bool] = mapped_column(default=False)

    camera: Mapped[Camera | None] = relationship(lazy="selectin")


class Fault(CreatedAtMixin, Base):
    """One equipment fault and where it stands in its lifecycle."""

    __tablename__ = "maintenance_faults"

    id: Mapped[int] = mapped_column(primary_key=True)
    equipment_id: Mapped[int] = mapped_column(ForeignKey("maintenance_equipment.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    severity: Mapped[Severity] = mapped_column(str_enum(Severity, 16))
    state: Mapped[FaultState] = mapped_column(
        str_enum(FaultState, 16), default=FaultState.REPORTED, index=True
    )
    source: Mapped[FaultSource] = mapped_column(str_enum(FaultSource, 16), default=FaultSource.MANUAL)
    condition: Mapped[str | None] = mapped_column(String(32), default=None)
    # "<equipment id>:<condition>" while an automatic fault is open, NULL otherwise: one open fault per condition.
    open_condition_key: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    condition_active: Mapped[bool] = mapped_column(default=False)
    condition_cleared_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    reported_at: Mapped[dt.datetime]
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None, index=True)
    assigned_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    started_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    fixed_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    fixed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    repair_seconds: Mapped[float | None] = mapped_column(default=None)
    closed_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("maintenance_faults.id"), default=None)
    assign_flagged_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    fix_flagged_at: Mapped[dt.datetime | None] = mapped_column(default=None)

    equipment: Mapped[Equipment] = relationship(lazy="selectin")
    reported_by: Mapped[User | None] = relationship(foreign_keys=[reported_by_id], lazy="selectin")
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id], lazy="selectin")
    fixed_by: Mapped[User | None] = relationship(foreign_keys=[fixed_by_id], lazy="selectin")
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id], lazy="selectin")


class FaultEvent(Base):
    """One step in a fault's life: who, when, what, from which state to which, with a note."""

    __tablename__ = "maintenance_fault_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    fault_id: Mapped[int] = mapped_column(ForeignKey("maintenance_faults.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str | None] = mapped_column(String(16), default=None)
    to_state: Mapped[str | None] = mapped_column(String(16), default=None)
    note: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class FaultPhoto(CreatedAtMixin, Base):
    """A photo attached to a fault (checked to be a real JPEG or PNG)."""

    __tablename__ = "maintenance_fault_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    fault_id: Mapped[int] = mapped_column(ForeignKey("maintenance_faults.id", ondelete="CASCADE"), index=True)
    content_type: Mapped[str] = mapped_column(String(32))
    width: Mapped[int]
    height: Mapped[int]
    size: Mapped[int]
    filename: Mapped[str] = mapped_column(String(200), default="")
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)


class MaintenanceCheck(CreatedAtMixin, Base):
    """A scheduled maintenance check of one piece of equipment, due at a time; done with a checklist."""

    __tablename__ = "maintenance_checks"
    __table_args__ = (UniqueConstraint("equipment_id", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    equipment_id: Mapped[int] = mapped_column(ForeignKey("maintenance_equipment.id"), index=True)
    due_at: Mapped[dt.datetime]
    state: Mapped[CheckState] = mapped_column(str_enum(CheckState, 16), default=CheckState.DUE, index=True)
    checklist: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(Text, default="")
    completed_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    overdue_flagged_at: Mapped[dt.datetime | None] = mapped_column(default=None)

    equipment: Mapped[Equipment] = relationship(lazy="selectin")
    completed_by: Mapped[User | None] = relationship(lazy="selectin")

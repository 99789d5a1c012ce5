"""The durable alert queue: alerts, their snapshots, and every change to them (also the SSE stream)."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.actor import SYSTEM
from db.base import Base, CreatedAtMixin, str_enum

__all__ = ["Alert", "AlertChange", "AlertSnapshot", "AlertState", "Priority"]


class AlertState(enum.StrEnum):
    """Where an alert stands: new -> acknowledged -> resolved, or false_alarm."""

    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"
    FALSE_ALARM = "false_alarm"

    @property
    def is_open(self) -> bool:
        """True while someone still has to deal with it."""
        return self in (AlertState.NEW, AlertState.ACKNOWLEDGED)


class Priority(enum.StrEnum):
    """How urgent: high (tamper, key camera, person seen) or normal."""

    HIGH = "high"
    NORMAL = "normal"


class Alert(CreatedAtMixin, Base):
    """One alert an operator must deal with."""

    __tablename__ = "alerts"
    __table_args__ = (Index("ix_alerts_dedupe", "camera_name", "kind", "zone", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    camera_id: Mapped[int | None] = mapped_column(ForeignKey("cameras.id", ondelete="SET NULL"), index=True)
    camera_name: Mapped[str] = mapped_column(String(64), default="")
    zone: Mapped[str | None] = mapped_column(String(64), default=None)
    kind: Mapped[str] = mapped_column(String(32))
    priority: Mapped[Priority] = mapped_column(str_enum(Priority, 16), default=Priority.NORMAL)
    state: Mapped[AlertState] = mapped_column(str_enum(AlertState, 16), default=AlertState.NEW, index=True)
    title: Mapped[str] = mapped_column(String(300), default="")
    # the title as a message key with parameters (core.messages), shown in the reader's language
    message: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    score: Mapped[float] = mapped_column(default=0.0)
    event_count: Mapped[int] = mapped_column(default=1)
    first_seen: Mapped[dt.datetime]
    last_seen: Mapped[dt.datetime]
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    acknowledged_by: Mapped[str | None] = mapped_column(String(64), default=None)
    ack_seconds: Mapped[float | None] = mapped_column(default=None)
    closed_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    closed_by: Mapped[str | None] = mapped_column(String(64), default=None)
    resolution: Mapped[str | None] = mapped_column(Text, default=None)
    escalated_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    escalated_to: Mapped[list[str]] = mapped_column(JSON, default=list)
    dispatched_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    dispatched_to: Mapped[list[str]] = mapped_column(JSON, default=list)
    routed_to: Mapped[str | None] = mapped_column(String(64), default=None)
    has_snapshot: Mapped[bool] = mapped_column(default=False)

    snapshot: Mapped[AlertSnapshot | None] = relationship(
        back_populates="alert", cascade="all, delete-orphan", lazy="raise"
    )

    @property
    def escalated(self) -> bool:
        """True once escalated to the shift leader."""
        return self.escalated_at is not None

    @property
    def dispatched(self) -> bool:
        """True once dispatched to responders."""
        return self.dispatched_at is not None


class AlertSnapshot(Base):
    """The JPEG of the moment that raised the alert (privacy masks already blanked)."""

    __tablename__ = "alert_snapshots"

    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"), primary_key=True)
    jpeg: Mapped[bytes] = mapped_column(LargeBinary)

    alert: Mapped[Alert] = relationship(back_populates="snapshot")


class AlertChange(Base):
    """Every change to an alert, who made it and when. Its id is the SSE event id consoles resume from."""

    __tablename__ = "alert_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(64), default=SYSTEM.name)
    at: Mapped[dt.datetime]
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

"""Request and response shapes of the alert queue."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field

from alerts.models import AlertState, Priority
from core.schemas import ReadSchema, WriteSchema

__all__ = ["AlertClose", "AlertDispatch", "AlertRead"]


class AlertRead(ReadSchema):
    """An alert as the console shows it."""

    id: int
    camera_id: int | None
    camera_name: str
    zone: str | None
    kind: str
    priority: Priority
    state: AlertState
    title: str
    message: dict[str, Any] | None = None  # the title as a message key and parameters (core.messages)
    score: float
    event_count: int
    first_seen: dt.datetime
    last_seen: dt.datetime
    acknowledged_at: dt.datetime | None
    acknowledged_by: str | None
    ack_seconds: float | None
    closed_at: dt.datetime | None
    closed_by: str | None
    resolution: str | None
    escalated: bool
    escalated_at: dt.datetime | None
    escalated_to: list[str]
    dispatched: bool
    dispatched_at: dt.datetime | None
    dispatched_to: list[str]
    has_snapshot: bool
    routed_to: str | None


class AlertClose(WriteSchema):
    """Resolve an alert or mark it a false alarm."""

    false_alarm: bool = False
    note: str = Field(default="", max_length=2000)


class AlertDispatch(WriteSchema):
    """Dispatch an alert to responders."""

    responders: list[str] = Field(min_length=1, max_length=10, description="Responder names from the config.")
    note: str = Field(default="", max_length=2000)

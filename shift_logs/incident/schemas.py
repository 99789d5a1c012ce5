"""Shapes of incidents. The reporter's identity is `null` with `reporter_withheld` for other roles."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from shift_logs.incident.models import Channel, IncidentSource, IncidentState
from shift_logs.schemas import ReadSchema, UserRef, WriteSchema

__all__ = ["IncidentClose", "IncidentFromAlert", "IncidentFromReport", "IncidentRead"]


class IncidentFromReport(WriteSchema):
    """A report received by phone, in person, by letter or online."""

    channel: Channel
    reporter_name: str = Field(min_length=1, max_length=200)
    reporter_contact: str = Field(default="", max_length=200)
    category: str = Field(min_length=1, max_length=64)
    content: str = Field(min_length=1, max_length=8000)
    place: str = Field(default="", max_length=200)
    post_id: int | None = Field(default=None, ge=1)


class IncidentFromAlert(WriteSchema):
    """An incident opened from a detected alert."""

    alert_id: int = Field(ge=1)
    category: str = Field(min_length=1, max_length=64)
    content: str = Field(min_length=1, max_length=8000)
    place: str = Field(default="", max_length=200)
    post_id: int | None = Field(default=None, ge=1)


class IncidentClose(WriteSchema):
    """Closing with a written outcome."""

    outcome: str = Field(min_length=1, max_length=8000)


class IncidentRead(ReadSchema):
    """An incident as the caller may see it."""

    id: int
    source: IncidentSource
    alert_id: int | None
    channel: Channel | None
    reporter_name: str | None
    reporter_contact: str | None
    reporter_withheld: bool = False
    category: str
    content: str
    place: str
    post_id: int | None
    opened_by: UserRef
    state: IncidentState
    ack_due_at: dt.datetime | None
    result_due_at: dt.datetime | None
    acknowledged_at: dt.datetime | None
    closed_at: dt.datetime | None
    outcome: str
    overdue: bool = False
    created_at: dt.datetime

    @classmethod
    def build(cls, incident: object, *, reporter_visible: bool, overdue: bool) -> IncidentRead:
        """The incident with the reporter shown, or withheld (for report-born incidents)."""
        read = cls.model_validate(incident)
        update: dict[str, object] = {"overdue": overdue}
        if not reporter_visible:
            update |= {"reporter_name": None, "reporter_contact": None}
            update["reporter_withheld"] = read.source is IncidentSource.REPORT
        return read.model_copy(update=update)

"""Incident intake (D5): from a detected alert or from a report, with a confidential reporter."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from access.users.models import User
from db.base import Base, CreatedAtMixin, str_enum
from shift_logs.incident.workflow import DueKind, Finding, ReportType, Stage

__all__ = ["Channel", "Incident", "IncidentSource", "IncidentState", "IncidentStep", "Transfer"]


class IncidentSource(enum.StrEnum):
    """How the incident came in."""

    ALERT = "alert"
    REPORT = "report"


class Channel(enum.StrEnum):
    """The channel of a report (the periodic summary counts by these)."""

    PHONE = "phone"
    WALK_IN = "walk_in"
    LETTER = "letter"
    ONLINE = "online"


class IncidentState(enum.StrEnum):
    """Open -> acknowledged (accepted in writing) -> closed (with a written outcome)."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    CLOSED = "closed"


class Incident(CreatedAtMixin, Base):
    """One incident. The reporter's name and contact are confidential (shift leaders, supervisors)."""

    __tablename__ = "shift_incidents"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[IncidentSource] = mapped_column(str_enum(IncidentSource, 16))
    # the alerts table is built by another domain: a plain id, deliberately without a foreign key
    alert_id: Mapped[int | None] = mapped_column(default=None, index=True)
    channel: Mapped[Channel | None] = mapped_column(str_enum(Channel, 16), default=None)
    reporter_name: Mapped[str] = mapped_column(String(200), default="")
    reporter_contact: Mapped[str] = mapped_column(String(200), default="")
    category: Mapped[str] = mapped_column(String(64))
    content: Mapped[str] = mapped_column(Text)
    place: Mapped[str] = mapped_column(String(200), default="")
    post_id: Mapped[int | None] = mapped_column(ForeignKey("shift_posts.id"), default=None)
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    state: Mapped[IncidentState] = mapped_column(
        str_enum(IncidentState, 16), default=IncidentState.OPEN, index=True
    )
    ack_due_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    result_due_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    closed_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    outcome: Mapped[str] = mapped_column(Text, default="")
    overdue_flagged_at: Mapped[dt.datetime | None] = mapped_column(default=None)

    # the follow-through of reports from the public (None for incidents from alerts)
    stage: Mapped[Stage | None] = mapped_column(str_enum(Stage, 16), default=None, index=True)
    ref_code: Mapped[str | None] = mapped_column(String(16), default=None, unique=True)
    report_type: Mapped[ReportType | None] = mapped_column(str_enum(ReportType, 16), default=None)
    anonymous: Mapped[bool] = mapped_column(default=False)
    collective: Mapped[str] = mapped_column(String(16), default="")
    headcount: Mapped[int] = mapped_column(default=1)
    related_to_id: Mapped[int | None] = mapped_column(ForeignKey("shift_incidents.id"), default=None)
    source_key: Mapped[str] = mapped_column(String(64), default="", index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("shift_units.id"), default=None)
    due_kind: Mapped[DueKind | None] = mapped_column(str_enum(DueKind, 16), default=None)
    due_at: Mapped[dt.datetime | None] = mapped_column(default=None, index=True)
    promised_result_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    decision_text: Mapped[str] = mapped_column(Text, default="")
    finding: Mapped[Finding | None] = mapped_column(str_enum(Finding, 24), default=None)
    concluded_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    clarification: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    answered_via: Mapped[str] = mapped_column(String(32), default="")
    visited_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    satisfied: Mapped[bool | None] = mapped_column(default=None)
    review_result: Mapped[str] = mapped_column(Text, default="")

    opened_by: Mapped[User] = relationship(foreign_keys=[opened_by_id], lazy="selectin")


class IncidentStep(Base):
    """One step of a report's follow-through: who, when, what (the timeline; insert-only)."""

    __tablename__ = "shift_incident_steps"
    __table_args__ = (UniqueConstraint("incident_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("shift_incidents.id"), index=True)
    seq: Mapped[int]
    action: Mapped[str] = mapped_column(String(16))
    from_stage: Mapped[str] = mapped_column(String(16))
    to_stage: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    actor_label: Mapped[str] = mapped_column(String(200), default="")
    at: Mapped[dt.datetime]
    note: Mapped[str] = mapped_column(Text, default="")
    # the deadline the report ran against when a step moved it on (None: no deadline, or before migration 0201)
    due_kind: Mapped[str | None] = mapped_column(String(16), default=None)
    due_at: Mapped[dt.datetime | None] = mapped_column(default=None)

    @property
    def late(self) -> bool | None:
        """True when the step was taken after its deadline, False when on time, None without a deadline."""
        return None if self.due_at is None else self.at > self.due_at


class Transfer(Base):
    """A report handed to a unit with its own deadline; the unit replies in the console or by a link."""

    __tablename__ = "shift_incident_transfers"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("shift_incidents.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("shift_units.id"))
    sent_at: Mapped[dt.datetime]
    sent_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    due_at: Mapped[dt.datetime]
    note: Mapped[str] = mapped_column(Text, default="")
    reminders: Mapped[int] = mapped_column(default=0)
    reminded_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    replied_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    reply_text: Mapped[str] = mapped_column(Text, default="")
    reply_via: Mapped[str] = mapped_column(String(16), default="")
    link_nonce: Mapped[str | None] = mapped_column(String(64), default=None)
    link_expires_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    link_used_at: Mapped[dt.datetime | None] = mapped_column(default=None)

"""Incident intake (D5): from a detected alert or from a report, with a confidential reporter."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from access.users.models import User
from db.base import Base, CreatedAtMixin, str_enum

__all__ = ["Channel", "Incident", "IncidentSource", "IncidentState"]


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

    opened_by: Mapped[User] = relationship(foreign_keys=[opened_by_id], lazy="selectin")

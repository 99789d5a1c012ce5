"""Reports generated on a schedule and kept (visible to supervisors and shift leaders)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base

__all__ = ["StoredReport"]


class StoredReport(Base):
    """One stored report: its period, scope and the computed figures (`ReportData` as JSON)."""

    __tablename__ = "stored_reports"
    __table_args__ = (UniqueConstraint("period_kind", "period_label", "scope"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_kind: Mapped[str] = mapped_column(String(16))
    period_label: Mapped[str] = mapped_column(String(100))
    scope: Mapped[str] = mapped_column(String(120), default="all")
    period_start: Mapped[dt.datetime] = mapped_column(index=True)
    period_end: Mapped[dt.datetime]
    generated_at: Mapped[dt.datetime]
    data: Mapped[dict[str, Any]] = mapped_column(JSON)

"""One row per capture worker process: its heartbeat, capacity weight and internal address."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from core.clock import utcnow
from db.base import Base

__all__ = ["CaptureWorker"]


class CaptureWorker(Base):
    """A worker that reads cameras. It is alive while its heartbeat is younger than the lease time."""

    __tablename__ = "workers"

    worker_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    address: Mapped[str] = mapped_column(String(300), default="")  # internal URL API processes proxy to
    weight: Mapped[float] = mapped_column(default=1.0)  # capacity relative to the other workers
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    heartbeat_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)

"""The camera registry: where each camera's streams are, how it is watched, who reads it, its health."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from core.clock import utcnow
from db.base import Base, CreatedAtMixin

__all__ = ["Camera"]


class Camera(CreatedAtMixin, Base):
    """One camera. Stream URLs and the ONVIF password are stored encrypted (`*_sealed`)."""

    __tablename__ = "cameras"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    location: Mapped[str] = mapped_column(String(200), default="")
    group: Mapped[str] = mapped_column(String(100), default="")
    url_sealed: Mapped[str] = mapped_column(String(2000))
    url_masked: Mapped[str] = mapped_column(String(1000))
    sub_url_sealed: Mapped[str] = mapped_column(String(2000), default="")
    onvif_host: Mapped[str] = mapped_column(String(255), default="")
    onvif_port: Mapped[int] = mapped_column(default=80)
    onvif_user: Mapped[str] = mapped_column(String(128), default="")
    onvif_password_sealed: Mapped[str] = mapped_column(String(1000), default="")
    key: Mapped[bool] = mapped_column(default=False)
    enabled: Mapped[bool] = mapped_column(default=True)
    detect: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    recording: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    # Shared runtime state, kept in the database so any worker or API process sees it.
    health: Mapped[str] = mapped_column(String(16), default="unknown")
    health_reason: Mapped[str] = mapped_column(String(500), default="")
    health_since: Mapped[dt.datetime | None] = mapped_column(default=None)
    last_motion_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    worker_id: Mapped[str | None] = mapped_column(String(100), default=None)
    lease_until: Mapped[dt.datetime | None] = mapped_column(default=None)
    decode_mode: Mapped[str] = mapped_column(String(8), default="full")  # full | quiet | shed

    # PTZ (R2): the preset the camera returns to, and when an operator last moved it away from home.
    home_preset: Mapped[str] = mapped_column(String(64), default="")
    ptz_moved_at: Mapped[dt.datetime | None] = mapped_column(default=None, index=True)

    @property
    def has_onvif(self) -> bool:
        """True when ONVIF access is configured."""
        return bool(self.onvif_host)

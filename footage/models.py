"""Recorded footage: the segment index, evidence holds (R8), access requests and grants (R7), playbacks, exports."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, CreatedAtMixin, str_enum

__all__ = [
    "AccessRequest",
    "EvidenceHold",
    "Export",
    "ExportState",
    "HoldCategory",
    "Playback",
    "RequestState",
    "Segment",
]


class Segment(Base):
    """One recorded file of one camera: a keyframe-aligned stretch written by stream copy."""

    __tablename__ = "footage_segments"
    __table_args__ = (Index("ix_footage_segments_camera_start", "camera_id", "start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    camera_id: Mapped[int] = mapped_column(ForeignKey("cameras.id", ondelete="RESTRICT"))
    start: Mapped[dt.datetime]
    end: Mapped[dt.datetime] = mapped_column(index=True)
    size: Mapped[int]
    path: Mapped[str] = mapped_column(String(500), unique=True)
    sha256: Mapped[str] = mapped_column(String(64))
    frames: Mapped[int] = mapped_column(default=0)
    codec: Mapped[str] = mapped_column(String(32), default="")
    width: Mapped[int] = mapped_column(default=0)
    height: Mapped[int] = mapped_column(default=0)
    repaired: Mapped[bool] = mapped_column(default=False)


class HoldCategory(enum.StrEnum):
    """Why footage is kept as evidence (R8)."""

    FIGHT = "fight"
    THEFT = "theft"
    FIRE = "fire"
    MASS_INCIDENT = "mass_incident"
    OTHER = "other"


class EvidenceHold(CreatedAtMixin, Base):
    """A camera's time range kept as evidence: never removed by retention or a full disk (R8)."""

    __tablename__ = "footage_holds"
    __table_args__ = (Index("ix_footage_holds_camera_range", "camera_id", "start", "end"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    camera_id: Mapped[int] = mapped_column(ForeignKey("cameras.id", ondelete="RESTRICT"))
    start: Mapped[dt.datetime]
    end: Mapped[dt.datetime]
    incident_ref: Mapped[str] = mapped_column(String(64))
    category: Mapped[HoldCategory] = mapped_column(str_enum(HoldCategory, 16))
    note: Mapped[str] = mapped_column(Text, default="")
    placed_by_id: Mapped[int | None] = mapped_column(default=None)
    placed_by: Mapped[str] = mapped_column(String(64))
    released_at: Mapped[dt.datetime | None] = mapped_column(default=None, index=True)
    released_by_id: Mapped[int | None] = mapped_column(default=None)
    released_by: Mapped[str | None] = mapped_column(String(64), default=None)
    release_reason: Mapped[str | None] = mapped_column(Text, default=None)

    @property
    def active(self) -> bool:
        """True until released."""
        return self.released_at is None


class RequestState(enum.StrEnum):
    """A footage-access request: pending -> approved (a grant) or refused."""

    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"


class AccessRequest(CreatedAtMixin, Base):
    """An application to look at recordings (R7); once approved it is the grant for exactly its range."""

    __tablename__ = "footage_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    requester: Mapped[str] = mapped_column(String(64))
    organisation: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    camera_ids: Mapped[list[int]] = mapped_column(JSON)
    start: Mapped[dt.datetime]
    end: Mapped[dt.datetime]
    state: Mapped[RequestState] = mapped_column(
        str_enum(RequestState, 16), default=RequestState.PENDING, index=True
    )
    decided_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    decided_by_id: Mapped[int | None] = mapped_column(default=None)
    decided_by: Mapped[str | None] = mapped_column(String(64), default=None)
    decision_note: Mapped[str] = mapped_column(Text, default="")
    expires_at: Mapped[dt.datetime | None] = mapped_column(default=None)

    def covers(self, camera_id: int, start: dt.datetime, end: dt.datetime) -> bool:
        """True when the camera and the whole range are inside this request."""
        return camera_id in self.camera_ids and self.start <= start and end <= self.end


class Playback(CreatedAtMixin, Base):
    """An opened playback: a prepared fragmented MP4 that one user may stream until `expires_at`."""

    __tablename__ = "footage_playbacks"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    camera_id: Mapped[int] = mapped_column(ForeignKey("cameras.id", ondelete="CASCADE"))
    start: Mapped[dt.datetime]
    end: Mapped[dt.datetime]
    grant_id: Mapped[int | None] = mapped_column(default=None)
    path: Mapped[str] = mapped_column(String(500))
    masked: Mapped[bool] = mapped_column(default=False)
    expires_at: Mapped[dt.datetime]


class ExportState(enum.StrEnum):
    """An export job: running -> done or failed."""

    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Export(CreatedAtMixin, Base):
    """A sealed export: a ZIP of MP4s or segments with a signed manifest."""

    __tablename__ = "footage_exports"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    exporter: Mapped[str] = mapped_column(String(64))
    camera_ids: Mapped[list[int]] = mapped_column(JSON)
    start: Mapped[dt.datetime]
    end: Mapped[dt.datetime]
    grant_id: Mapped[int | None] = mapped_column(default=None)
    format: Mapped[str] = mapped_column(String(16), default="mp4")
    state: Mapped[ExportState] = mapped_column(str_enum(ExportState, 16), default=ExportState.RUNNING)
    progress: Mapped[float] = mapped_column(default=0.0)
    path: Mapped[str] = mapped_column(String(500), default="")
    size: Mapped[int] = mapped_column(default=0)
    sha256: Mapped[str] = mapped_column(String(64), default="")
    error: Mapped[str] = mapped_column(Text, default="")
    manifest: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    finished_at: Mapped[dt.datetime | None] = mapped_column(default=None)

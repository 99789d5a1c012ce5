"""Shapes of holds, access requests, searches, playbacks and exports over the API."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import Field

from core.schemas import ReadSchema, WriteSchema
from core.types import RowId, UtcDateTime
from footage.models import ExportState, HoldCategory, RequestState

__all__ = [
    "Decision",
    "ExportCreate",
    "ExportRead",
    "HoldCreate",
    "HoldRead",
    "HoldRelease",
    "PlaybackCreate",
    "PlaybackRead",
    "RequestCreate",
    "RequestRead",
    "SpanRead",
    "SpansRead",
]


class HoldCreate(WriteSchema):
    """Keep a camera's time range as evidence (R8)."""

    camera: str = Field(min_length=1, max_length=64, description="Camera name.")
    start: UtcDateTime
    end: UtcDateTime
    incident_ref: str = Field(min_length=1, max_length=64, description="The incident this evidence is for.")
    category: HoldCategory
    note: str = Field(default="", max_length=2000)
    long_hold_reason: str = Field(
        default="",
        max_length=2000,
        description="Why a hold longer than footage.hold_max_days is needed (supervisors only).",
    )


class HoldRelease(WriteSchema):
    """Why a hold is released."""

    reason: str = Field(min_length=3, max_length=2000)


class HoldRead(ReadSchema):
    """An evidence hold."""

    id: int
    camera_id: int
    start: dt.datetime
    end: dt.datetime
    incident_ref: str
    category: HoldCategory
    note: str
    placed_by: str
    created_at: dt.datetime
    released_at: dt.datetime | None
    released_by: str | None
    release_reason: str | None


class RequestCreate(WriteSchema):
    """Ask to look at recordings (R7)."""

    organisation: str = Field(min_length=2, max_length=200, description="Who the requester acts for.")
    reason: str = Field(min_length=5, max_length=4000)
    cameras: list[str] = Field(min_length=1, max_length=64, description="Camera names.")
    start: UtcDateTime
    end: UtcDateTime


class Decision(WriteSchema):
    """A note with an approval or refusal."""

    note: str = Field(default="", max_length=2000)


class RequestRead(ReadSchema):
    """A footage-access request; an approved one is a grant until `expires_at`."""

    id: int
    requester: str
    organisation: str
    reason: str
    camera_ids: list[int]
    start: dt.datetime
    end: dt.datetime
    state: RequestState
    created_at: dt.datetime
    decided_at: dt.datetime | None
    decided_by: str | None
    decision_note: str
    expires_at: dt.datetime | None


class SpanRead(ReadSchema):
    """A stretch of continuous recording."""

    start: dt.datetime
    end: dt.datetime
    segments: int
    size: int


class SpansRead(ReadSchema):
    """What was recorded of a camera in a range."""

    camera: str
    start: dt.datetime
    end: dt.datetime
    basis: str
    spans: list[SpanRead]


class PlaybackCreate(WriteSchema):
    """Open a playback of one camera's range, under a grant (or a standing role)."""

    camera: str = Field(min_length=1, max_length=64)
    start: UtcDateTime
    end: UtcDateTime
    grant: int | None = Field(default=None, description="The approved request to use.")


class PlaybackRead(ReadSchema):
    """An opened playback: stream `url` (HTTP range requests) until `expires_at`."""

    id: str
    camera_id: int
    start: dt.datetime
    end: dt.datetime
    grant_id: int | None
    masked: bool
    expires_at: dt.datetime
    url: str = ""


class ExportCreate(WriteSchema):
    """Export cameras' range as a sealed ZIP."""

    cameras: list[str] = Field(min_length=1, max_length=16)
    start: UtcDateTime
    end: UtcDateTime
    grant: RowId | None = None
    format: Literal["mp4", "segments"] = "mp4"


class ExportRead(ReadSchema):
    """An export job and, when done, its file."""

    id: int
    exporter: str
    camera_ids: list[int]
    start: dt.datetime
    end: dt.datetime
    grant_id: int | None
    format: str
    state: ExportState
    progress: float
    size: int
    sha256: str
    error: str
    created_at: dt.datetime
    finished_at: dt.datetime | None
    manifest: dict[str, Any] = Field(default_factory=dict)

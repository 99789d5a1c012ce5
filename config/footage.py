"""Settings of recorded footage (`footage:`): storage, segments, retention, access grants, export signing."""

from __future__ import annotations

from pathlib import Path
from typing import Self

from pydantic import Field, model_validator

from core.schemas import StrictSchema

__all__ = ["FootageSettings"]


class FootageSettings(StrictSchema):
    """Recording by stream copy, retention with a high-water mark, access under grants (R7, R8, R10)."""

    storage_dir: Path | None = Field(
        default=None, description="Folder for segment files; empty means <data_dir>/footage."
    )
    segment_s: float = Field(
        default=10.0, ge=1, le=600, description="Segment length in seconds (cut at the next keyframe)."
    )
    reconnect_s: float = Field(
        default=2.0, gt=0, le=300, description="Wait this long before reconnecting a lost camera."
    )
    open_timeout_s: float = Field(default=10.0, gt=0, le=120, description="Give up opening a stream after.")
    record_from_reader: bool = Field(
        default=True,
        description="Record a camera from the packets its reader demuxes (one connection per camera); "
        "false: each recorder opens a connection of its own, a second demux per camera, but recording then "
        "keeps its pace when the reader falls behind (a CPU-starved worker before load shedding).",
    )
    min_free_mb: float = Field(
        default=64, ge=0, le=1_000_000, description="Recording pauses while less than this is free."
    )
    quota_gb: float = Field(
        default=0, ge=0, le=1_000_000, description="Cap on footage size; 0 means the filesystem's size."
    )
    high_water_percent: float = Field(
        default=90, gt=0, le=100, description="Above this use of the storage, the oldest unheld footage goes."
    )
    low_water_percent: float = Field(
        default=85, gt=0, le=100, description="A high-water purge removes footage until use is below this."
    )
    camera_max_gb: float = Field(
        default=0, ge=0, le=1_000_000, description="Per-camera size cap; 0 means none."
    )
    retention_interval_s: float = Field(
        default=300, ge=5, le=86400, description="How often the retention job runs."
    )
    grant_validity_hours: float = Field(
        default=72, gt=0, le=24 * 90, description="How long an approved footage-access grant is valid."
    )
    grant_max_range_hours: float = Field(
        default=24 * 7, gt=0, le=24 * 366, description="The longest time range one request may ask for."
    )
    hold_max_days: float = Field(
        default=31,
        gt=0,
        le=3660,
        description="The longest range one evidence hold may keep; longer only by a supervisor with a reason.",
    )
    playback_max_minutes: float = Field(
        default=60, gt=0, le=24 * 60, description="The longest range one playback or export may cover."
    )
    ticket_minutes: float = Field(
        default=30, gt=0, le=24 * 60, description="A playback link works this long after it is opened."
    )
    standing_access_roles: list[str] = Field(
        default_factory=lambda: ["supervisor"],
        description="Roles that may search, play and export footage without a grant: R7 allows only "
        "supervisor (or nobody: []); every such use is audited as standing access.",
    )
    signing_key: Path | None = Field(
        default=None, description="Ed25519 private key (PEM) that signs exports; empty: <data_dir>/keys."
    )

    @model_validator(mode="after")
    def _low_water_below_high_water(self) -> Self:
        if self.low_water_percent >= self.high_water_percent:
            raise ValueError("low_water_percent must be below high_water_percent")
        return self

    @model_validator(mode="after")
    def _standing_roles_are_roles(self) -> Self:
        known = {"operator", "shift_leader", "supervisor", "maintenance", "admin"}
        unknown = sorted(set(self.standing_access_roles) - known)
        if unknown:
            raise ValueError(f"standing_access_roles: unknown role(s) {', '.join(unknown)}")
        beyond = sorted(set(self.standing_access_roles) - {"supervisor"})
        if beyond:
            raise ValueError(
                f"standing_access_roles: R7 allows standing footage access only to supervisor, "
                f"not {', '.join(beyond)}"
            )
        return self

    def storage_root(self, data_dir: Path) -> Path:
        """The folder that holds the segment files."""
        return self.storage_dir if self.storage_dir is not None else data_dir / "footage"

    def key_path(self, data_dir: Path) -> Path:
        """Where the site's Ed25519 signing key lives."""
        return self.signing_key if self.signing_key is not None else data_dir / "keys" / "site-ed25519.pem"

"""Settings of equipment maintenance (R9): fault targets, automatic faults, photo uploads, scheduled checks."""

from __future__ import annotations

import datetime as dt
from typing import Literal, Self

from pydantic import Field, model_validator

from core.schemas import StrictSchema

__all__ = ["SEVERITIES", "MaintenanceSettings", "SeverityName"]

SeverityName = Literal["low", "medium", "high", "critical"]
SEVERITIES: tuple[SeverityName, ...] = ("low", "medium", "high", "critical")
AUTO_CONDITIONS = (
    "offline",
    "frozen",
    "degraded",
    "covered",
    "defocused",
    "moved",
    "storage_nearly_full",
    "storage_failing",
)

_ASSIGN_MIN: dict[SeverityName, float] = {"critical": 15, "high": 60, "medium": 240, "low": 1440}
_FIX_H: dict[SeverityName, float] = {"critical": 4, "high": 24, "medium": 72, "low": 168}
_AUTO_SEVERITY: dict[str, SeverityName] = {
    "offline": "high",
    "frozen": "high",
    "degraded": "medium",
    "covered": "high",
    "defocused": "medium",
    "moved": "medium",
    "storage_nearly_full": "medium",
    "storage_failing": "critical",
}


class MaintenanceSettings(StrictSchema):
    """Equipment faults and maintenance checks."""

    assign_within_min: dict[SeverityName, float] = Field(
        default_factory=lambda: dict(_ASSIGN_MIN),
        description="A fault of this severity must be assigned within so many minutes, else the shift "
        "leader is alerted.",
    )
    fix_within_h: dict[SeverityName, float] = Field(
        default_factory=lambda: dict(_FIX_H),
        description="A fault of this severity must be fixed within so many hours, else the shift leader "
        "is alerted.",
    )
    auto_severity: dict[str, SeverityName] = Field(
        default_factory=lambda: dict(_AUTO_SEVERITY),
        description="Severity of the faults the system opens itself, per condition.",
    )
    auto_close_after_s: float = Field(
        default=300,
        ge=0,
        le=7 * 86400,
        description="An automatic fault is closed (fixed, awaiting verification) once its condition has "
        "been clear this long.",
    )
    job_interval_s: float = Field(
        default=10,
        gt=0,
        le=3600,
        description="How often the worker runs the maintenance job (close cleared faults, storage, overdue "
        "flags, due checks).",
    )
    allow_self_verify: bool = Field(
        default=False, description="May the person who fixed a fault also verify it? (false: two people)"
    )
    max_photo_bytes: int = Field(
        default=5_000_000, ge=10_000, le=100_000_000, description="Largest accepted photo upload."
    )
    max_photo_pixels: int = Field(
        default=40_000_000, ge=10_000, le=500_000_000, description="Largest accepted photo (width x height)."
    )
    storage_nearly_full_ratio: float = Field(
        default=0.9, gt=0, lt=1, description="A storage volume this full opens a 'nearly full' fault."
    )
    check_lead_h: float = Field(
        default=24, ge=0, le=24 * 60, description="A scheduled check appears this long before it is due."
    )
    check_overdue_after_h: float = Field(
        default=24, ge=0, le=24 * 60, description="A check not done this long after it was due is flagged."
    )
    default_checklist: list[str] = Field(
        default_factory=lambda: [
            "Clean lens or screen",
            "Check mounting, cables and power",
            "Check picture, time and recording",
        ],
        max_length=50,
        description="Checklist of a scheduled check when the equipment has none of its own.",
    )

    @model_validator(mode="after")
    def _every_severity_has_targets(self) -> Self:
        for name in ("assign_within_min", "fix_within_h"):
            targets = getattr(self, name)
            missing = [s for s in SEVERITIES if s not in targets]
            if missing:
                raise ValueError(f"{name}: missing severities {', '.join(missing)}")
            if any(v <= 0 for v in targets.values()):
                raise ValueError(f"{name}: targets must be > 0")
        return self

    @model_validator(mode="after")
    def _auto_conditions_known(self) -> Self:
        unknown = sorted(set(self.auto_severity) - set(AUTO_CONDITIONS))
        if unknown:
            raise ValueError(f"auto_severity: unknown conditions {', '.join(unknown)}")
        return self

    def assign_target(self, severity: str) -> dt.timedelta:
        """How soon a fault of `severity` must be assigned."""
        return dt.timedelta(minutes=self.assign_within_min[severity])  # type: ignore[index]

    def fix_target(self, severity: str) -> dt.timedelta:
        """How soon a fault of `severity` must be fixed."""
        return dt.timedelta(hours=self.fix_within_h[severity])  # type: ignore[index]

    def severity_for(self, condition: str) -> SeverityName:
        """The severity of an automatic fault for `condition` (medium when not configured)."""
        return self.auto_severity.get(condition, "medium")

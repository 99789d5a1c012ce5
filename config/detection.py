"""Detection settings of one camera (`cameras[i].detect`): zones, masks, motion and tamper parameters.

Data only: the detection core (`monitor/`) turns these into arrays at its analysis resolution.
Polygons are in source pixels (the camera's or the file's own resolution); areas are fractions of the frame.
"""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import Field, model_validator

from core.schemas import StrictSchema

__all__ = ["DetectConfig", "MaskConfig", "MotionParams", "Point", "TamperParams", "ZoneConfig"]

Coordinate = Annotated[float, Field(ge=0, le=100_000, description="Pixel coordinate in the source frame.")]
Point = tuple[Coordinate, Coordinate]


class ZoneConfig(StrictSchema):
    """A watched area: motion inside it raises events named after it."""

    name: str = Field(
        min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$", description="Zone name used in events."
    )
    polygon: list[Point] = Field(
        min_length=3, max_length=64, description="Polygon corners as [x, y] in source pixels."
    )
    sensitivity: int = Field(
        default=50, ge=1, le=100, description="1 = only strong contrast counts, 100 = faint changes count."
    )
    min_area: float = Field(
        default=0.0,
        ge=0,
        le=0.5,
        description="Optional: smallest moving object as a fraction of the frame area.",
    )
    min_size_px: int | None = Field(
        default=None,
        ge=1,
        le=4000,
        description="Smallest moving object: the longer side of its box in source pixels (default: the "
        "camera's motion.min_size_px).",
    )


class MaskConfig(StrictSchema):
    """An area ignored by detection (exclusion mask) or also blanked in views (privacy mask)."""

    name: str = Field(default="", max_length=64, description="Optional label for the mask.")
    polygon: list[Point] = Field(
        min_length=3, max_length=64, description="Polygon corners as [x, y] in source pixels."
    )


class MotionParams(StrictSchema):
    """Background model, thresholds and event timing for motion detection."""

    sensitivity: int = Field(
        default=50, ge=1, le=100, description="Sensitivity of the whole frame when no zones are defined."
    )
    min_area: float = Field(
        default=0.0, ge=0, le=0.5, description="Optional: smallest object (fraction of frame) when no zones."
    )
    min_size_px: int = Field(
        default=24,
        ge=1,
        le=4000,
        description="Smallest moving object: the longer side of its box in source pixels (a person about "
        "this tall or more counts, at any analysis resolution).",
    )
    background_rate: float = Field(
        default=0.05, gt=0, le=0.5, description="Per-frame learning rate of the background model."
    )
    global_change_ratio: float = Field(
        default=0.4, ge=0.05, le=1.0, description="Changed share of the frame treated as a global change."
    )
    gain_grid: int = Field(
        default=16, ge=2, le=64, description="Cells across the width used to compensate illumination."
    )
    stationary_frames: int = Field(
        default=15,
        ge=1,
        le=250,
        description="Frames a pixel may stay changed before it joins the background.",
    )
    min_consecutive_frames: int = Field(
        default=2, ge=1, le=100, description="Frames with motion in a row before an event starts."
    )
    quiet_time_s: float = Field(
        default=2.0, ge=0, le=600, description="Seconds without motion before an event ends."
    )


class TamperParams(StrictSchema):
    """Thresholds and hold times for covered, defocused, moved and frozen pictures."""

    enabled: bool = Field(default=True, description="Check the picture for tampering and faults.")
    check_hz: float = Field(
        default=2.5, gt=0, le=60, description="How often per second covered, defocused and moved are checked."
    )
    idle_check_hz: float = Field(
        default=1.0,
        gt=0,
        le=60,
        description="How often per second a healthy, quiet picture is checked; a sudden change of the whole "
        "picture is checked at once, and `check_hz` applies while a check is near a threshold.",
    )
    learn_s: float = Field(default=2.0, ge=0, le=600, description="Seconds to learn the reference view.")
    covered_max_std: float = Field(
        default=12.0, ge=0, le=128, description="Luma standard deviation below which a picture is uniform."
    )
    covered_edge_ratio: float = Field(
        default=0.25,
        ge=0,
        le=1,
        description="Mid-scale detail vs the reference (median over the textured cells) below which detail "
        "is lost.",
    )
    covered_s: float = Field(default=2.0, ge=0, le=600, description="Seconds covered before an event.")
    defocus_ratio: float = Field(
        default=0.65,
        gt=0,
        lt=1,
        description="Sharpness (fine detail over local contrast, median over the textured cells) vs the "
        "reference below which it is defocused.",
    )
    defocus_min_texture: float = Field(
        default=1.0,
        ge=0,
        le=100,
        description="Mid-scale detail (levels) a grid cell needs to count as textured; defocus and re-aim "
        "are judged only when a fifth of the cells are.",
    )
    defocused_s: float = Field(default=3.0, ge=0, le=600, description="Seconds defocused before an event.")
    moved_similarity: float = Field(
        default=0.4,
        gt=0,
        lt=1,
        description="Match of the view with the reference, vs the scene's normal match, below which the "
        "camera looks elsewhere (moved); a shift of the view is recognised on its own.",
    )
    moved_s: float = Field(default=2.0, ge=0, le=600, description="Seconds moved before an event.")
    frozen_s: float = Field(default=3.0, ge=0, le=600, description="Seconds of identical frames = frozen.")
    clear_s: float = Field(default=1.0, ge=0, le=600, description="Seconds back to normal before it ends.")
    reference_rate: float = Field(
        default=0.01, gt=0, le=1, description="Learning rate of the reference view per `check_hz` interval."
    )


class DetectConfig(StrictSchema):
    """Everything the detection core needs for one camera."""

    fps: float = Field(default=5.0, gt=0, le=60, description="Analysis frame rate (frames per second).")
    analysis_width: int = Field(
        default=320, ge=64, le=1920, description="Width in pixels the frame is scaled to for analysis."
    )
    zones: list[ZoneConfig] = Field(
        default_factory=list, max_length=16, description="Watched zones; none = the whole frame."
    )
    exclusion_masks: list[MaskConfig] = Field(
        default_factory=list, max_length=32, description="Areas ignored by detection."
    )
    privacy_masks: list[MaskConfig] = Field(
        default_factory=list, max_length=32, description="Areas ignored by detection and blanked in views."
    )
    motion: MotionParams = Field(default_factory=MotionParams, description="Motion detection settings.")
    tamper: TamperParams = Field(default_factory=TamperParams, description="Tamper detection settings.")
    quiet_decode: bool = Field(
        default=True,
        description="After worker.quiet_after_s without motion, decode keyframes only until motion or a "
        "tamper sign (false exempts the camera, e.g. a key camera that must keep full analysis).",
    )

    @model_validator(mode="after")
    def _zone_names_are_unique(self) -> Self:
        names = [zone.name for zone in self.zones]
        if len(names) != len(set(names)):
            raise ValueError("zones: names must be unique")
        return self

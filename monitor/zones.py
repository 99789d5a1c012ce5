"""Zones and masks rasterised at the analysis resolution, plus the privacy blanking used by views."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from config.detection import DetectConfig, MaskConfig

__all__ = [
    "ZoneMap",
    "analysis_shape",
    "blank_privacy",
    "build_zone_maps",
    "decimation",
    "privacy_mask",
    "rasterise",
    "threshold_for",
    "valid_mask",
]

_SUBPIXEL_BITS = 4
# Smallest blob (analysis pixels) ever reported: a lone pixel or two is noise at any resolution.
_MIN_BLOB_PX = 4.0
# A threshold no absolute difference of 8-bit luma can exceed: used where detection is masked off.
MASKED_THRESHOLD = 1.0e6


@dataclass(frozen=True, slots=True)
class ZoneMap:
    """One zone at analysis resolution: its pixels (255 inside, masks removed) and its limits in pixels."""

    name: str | None
    mask: NDArray[np.uint8]
    area_px: int
    min_area_px: float
    threshold: float
    # Smallest object's longer box side, in analysis pixels (from the source-pixel setting).
    min_size: float = 1.0
    sensitivity: int = 50


def analysis_shape(frame_shape: tuple[int, int], width: int) -> tuple[int, int]:
    """Return (height, width) of the analysis image for a source of `frame_shape` (height, width)."""
    src_h, src_w = frame_shape
    if src_w <= width:
        return src_h, src_w
    return max(1, round(src_h * width / src_w)), width


def decimation(frame_shape: tuple[int, int], shape: tuple[int, int]) -> tuple[int, tuple[int, int]]:
    """The stride that decimates a source of `frame_shape` to about twice the analysis `shape`, and the
    (height, width) of the decimated picture (the finer frame small objects are confirmed on)."""
    stride = max(1, frame_shape[1] // (2 * shape[1]))
    return stride, (len(range(0, frame_shape[0], stride)), len(range(0, frame_shape[1], stride)))


def rasterise(
    polygon: Sequence[tuple[float, float]], frame_shape: tuple[int, int], shape: tuple[int, int]
) -> NDArray[np.uint8]:
    """Fill a polygon given in source pixels into a uint8 mask (255 inside) of `shape` (height, width)."""
    sy = shape[0] / frame_shape[0]
    sx = shape[1] / frame_shape[1]
    scale = float(1 << _SUBPIXEL_BITS)
    points = np.array([[x * sx * scale, y * sy * scale] for x, y in polygon], dtype=np.float64)
    mask = np.zeros(shape, dtype=np.uint8)
    cv2.fillPoly(mask, [np.round(points).astype(np.int32)], 255, cv2.LINE_8, _SUBPIXEL_BITS)
    return mask


def threshold_for(sensitivity: int) -> float:
    """Luma difference (0-255) that counts as change at a sensitivity of 1-100."""
    return 6.0 + (100 - sensitivity) * 0.3


def _union(
    masks: Sequence[MaskConfig], frame_shape: tuple[int, int], shape: tuple[int, int]
) -> NDArray[np.uint8]:
    out = np.zeros(shape, dtype=np.uint8)
    for mask in masks:
        cv2.bitwise_or(out, rasterise(mask.polygon, frame_shape, shape), dst=out)
    return out


def valid_mask(
    config: DetectConfig, frame_shape: tuple[int, int], shape: tuple[int, int]
) -> NDArray[np.uint8]:
    """Pixels detection may look at: 255 everywhere except exclusion and privacy masks."""
    ignored = _union([*config.exclusion_masks, *config.privacy_masks], frame_shape, shape)
    return np.asarray(cv2.bitwise_not(ignored), dtype=np.uint8)


def build_zone_maps(
    config: DetectConfig, frame_shape: tuple[int, int], shape: tuple[int, int]
) -> list[ZoneMap]:
    """Rasterise the configured zones (or one whole-frame zone named None) with masks removed."""
    valid = valid_mask(config, frame_shape, shape)
    total = float(shape[0] * shape[1])
    params = config.motion
    per_px = shape[1] / frame_shape[1]  # analysis pixels per source pixel
    min_area_px = max(_MIN_BLOB_PX, params.min_area * total)
    if not config.zones:
        area = cv2.countNonZero(valid)
        return [
            ZoneMap(
                None,
                valid,
                area,
                min_area_px,
                threshold_for(params.sensitivity),
                params.min_size_px * per_px,
                params.sensitivity,
            )
        ]
    maps = []
    for zone in config.zones:
        mask = np.asarray(cv2.bitwise_and(rasterise(zone.polygon, frame_shape, shape), valid), dtype=np.uint8)
        size = zone.min_size_px if zone.min_size_px is not None else params.min_size_px
        maps.append(
            ZoneMap(
                zone.name,
                mask,
                cv2.countNonZero(mask),
                max(_MIN_BLOB_PX, zone.min_area * total),
                threshold_for(zone.sensitivity),
                size * per_px,
                zone.sensitivity,
            )
        )
    return maps


def privacy_mask(config: DetectConfig, frame_shape: tuple[int, int]) -> NDArray[np.uint8]:
    """Privacy masks at full source resolution (255 = blank this pixel in any view)."""
    return _union(config.privacy_masks, frame_shape, frame_shape)


def blank_privacy(image: NDArray[np.uint8], mask: NDArray[np.uint8], value: int = 0) -> NDArray[np.uint8]:
    """Return a copy of `image` with the privacy-masked pixels set to `value`."""
    out = image.copy()
    out[mask > 0] = value
    return out

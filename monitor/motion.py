"""Motion at analysis resolution: background model with illumination compensation, zones and masks.

Per frame: blur, estimate a coarse gain field (current vs background, per grid cell, median-filtered so one
object cannot bend it), compare the frame with the gain-corrected background, threshold per zone, open,
label connected components and keep those above each zone's minimum size. Light switches, dusk and
cloud shadows change the gain field, not the residual, so they raise nothing; a person walking in during a
light switch still leaves a residual. A change the gain field cannot explain over most of the frame is
treated as a global change: the background is re-learnt and the frame reports no motion. The background
is re-lit by the gain field every frame, so it always predicts the current illumination.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from config.detection import MotionParams
from monitor.events import Box
from monitor.zones import MASKED_THRESHOLD, ZoneMap, threshold_for

__all__ = ["MotionDetector", "MotionResult", "ZoneMotion"]

_GAIN_MIN, _GAIN_MAX = 0.05, 20.0
_RELIGHT_LOG_GAIN = math.log(1.12)
_CLIPPED_HIGH, _CLIPPED_LOW = 250.0, 3.0
# Part of the threshold that grows with brightness: residual errors of the gain model scale with luma.
_RELATIVE_THRESHOLD = 0.06
_EPS = 1e-3


@dataclass(frozen=True, slots=True)
class ZoneMotion:
    """Motion found in one zone on one frame; boxes in analysis pixels."""

    zone: str | None
    boxes: tuple[Box, ...]
    changed_ratio: float

    @property
    def active(self) -> bool:
        """True when at least one object large enough moved in the zone."""
        return bool(self.boxes)


@dataclass(frozen=True, slots=True)
class MotionResult:
    """Per-zone motion on one frame, and whether the frame was a global change."""

    zones: tuple[ZoneMotion, ...]
    changed_ratio: float
    global_change: bool


class MotionDetector:
    """Background-difference motion detector working on analysis-resolution uint8 luma images."""

    def __init__(
        self,
        params: MotionParams,
        zones: list[ZoneMap],
        shape: tuple[int, int],
        valid: NDArray[np.uint8] | None = None,
    ) -> None:
        self.params = params
        self.zones = zones
        self.shape = shape
        h, w = shape
        self._valid = np.full(shape, 255, dtype=np.uint8) if valid is None else valid.copy()
        self._threshold = np.where(
            self._valid > 0, threshold_for(params.sensitivity), MASKED_THRESHOLD
        ).astype(np.float32)
        for zone in zones:
            np.minimum(
                self._threshold,
                np.where(zone.mask > 0, zone.threshold, MASKED_THRESHOLD),
                out=self._threshold,
            )
        self._valid_count = max(1, cv2.countNonZero(self._valid))
        self._masked = self._valid_count < h * w
        self._valid_f = (self._valid > 0).astype(np.float32)
        self._grid = (max(2, round(params.gain_grid * h / w)), params.gain_grid)
        grid_w, grid_h = self._grid[1], self._grid[0]
        self._cell_cover = cv2.resize(self._valid_f, (grid_w, grid_h), interpolation=cv2.INTER_AREA)
        self._cell_ok = self._cell_cover > 0.25
        self._frame = np.zeros(shape, dtype=np.float32)
        self._background = np.zeros(shape, dtype=np.float32)
        self._tmp = np.zeros(shape, dtype=np.float32)
        self._gain = np.ones(shape, dtype=np.float32)
        self._diff = np.zeros(shape, dtype=np.float32)
        self._thr = np.zeros(shape, dtype=np.float32)
        self._fg = np.zeros(shape, dtype=np.uint8)
        self._fg_open = np.zeros(shape, dtype=np.uint8)
        self._bg_mask = np.zeros(shape, dtype=np.uint8)
        self._zone_fg = np.zeros(shape, dtype=np.uint8)
        self._kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3))
        self._fg_age = np.zeros(shape, dtype=np.uint8)
        self._ones = np.ones(shape, dtype=np.uint8)
        self._initialised = False

    def reset(self) -> None:
        """Forget the background; the next frame becomes the new background."""
        self._initialised = False

    def detect(self, image: NDArray[np.uint8]) -> MotionResult:
        """Compare one analysis-resolution luma image with the background and update the background."""
        frame = self._frame
        np.copyto(frame, image, casting="unsafe")
        if not self._initialised:
            np.copyto(self._background, frame)
            self._initialised = True
            return self._empty(global_change=False)
        prediction = self._predict()
        cv2.absdiff(frame, prediction, dst=self._diff)
        cv2.scaleAdd(prediction, _RELATIVE_THRESHOLD, self._threshold, dst=self._thr)
        cv2.compare(self._diff, self._thr, cv2.CMP_GT, dst=self._fg)
        changed = cv2.countNonZero(self._fg) / self._valid_count
        if changed > self.params.global_change_ratio:
            np.copyto(self._background, frame)
            return self._empty(global_change=True, changed=changed)
        cv2.morphologyEx(self._fg, cv2.MORPH_OPEN, self._kernel, dst=self._fg_open)
        cv2.morphologyEx(self._fg_open, cv2.MORPH_CLOSE, self._kernel, dst=self._fg_open)
        zones = tuple(self._zone_motion(zone) for zone in self.zones)
        self._update_background()
        return MotionResult(zones, changed, global_change=False)

    def _predict(self) -> NDArray[np.float32]:
        """The background under the current frame's illumination (re-lit in place after a light switch)."""
        overall = self._estimate_gain()
        cv2.multiply(self._background, self._gain, dst=self._tmp)
        cv2.threshold(self._tmp, 255.0, 255.0, cv2.THRESH_TRUNC, dst=self._tmp)
        if abs(math.log(overall)) <= _RELIGHT_LOG_GAIN:
            return self._tmp
        # A sudden light change: re-light the background once so it predicts the new illumination and
        # leaves no stale background (and no ghost) behind. Clipped pixels say nothing about the new
        # light, so they take the frame's value.
        self._background, self._tmp = self._tmp, self._background
        clipped = (self._tmp >= _CLIPPED_HIGH) | (self._tmp <= _CLIPPED_LOW)
        self._background[clipped] = self._frame[clipped]
        return self._background

    def _estimate_gain(self) -> float:
        """Fill `self._gain` with a smooth per-pixel gain mapping the background onto the frame; return
        the overall (median) gain."""
        grid_h, grid_w = self._grid
        frame, background = self._frame, self._background
        if self._masked:
            cv2.multiply(self._frame, self._valid_f, dst=self._tmp)
            frame = self._tmp
        frame_cells = cv2.resize(frame, (grid_w, grid_h), interpolation=cv2.INTER_AREA)
        if self._masked:
            cv2.multiply(self._background, self._valid_f, dst=self._tmp)
            background = self._tmp
        bg_cells = cv2.resize(background, (grid_w, grid_h), interpolation=cv2.INTER_AREA)
        gain = (frame_cells + self._cell_cover + _EPS) / (bg_cells + self._cell_cover + _EPS)
        np.clip(gain, _GAIN_MIN, _GAIN_MAX, out=gain)
        overall = _median(gain[self._cell_ok]) if self._cell_ok.any() else 1.0
        gain[~self._cell_ok] = overall
        gain = cv2.medianBlur(gain, 3)
        cv2.resize(gain, (self.shape[1], self.shape[0]), dst=self._gain, interpolation=cv2.INTER_LINEAR)
        return overall

    def _zone_motion(self, zone: ZoneMap) -> ZoneMotion:
        """Blobs of the foreground inside one zone, kept if large enough."""
        cv2.bitwise_and(self._fg_open, zone.mask, dst=self._zone_fg)
        if zone.area_px == 0 or cv2.countNonZero(self._zone_fg) < zone.min_area_px:
            return ZoneMotion(zone.name, (), 0.0)
        contours, _ = cv2.findContours(self._zone_fg, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        boxes = []
        moving = 0.0
        for contour in contours:
            # Pixel count of a blob from its outline (Pick's theorem); far cheaper than labelling.
            area = cv2.contourArea(contour) + cv2.arcLength(contour, closed=True) / 2 + 1
            if area >= max(zone.min_area_px, 1.0):
                x, y, w, h = cv2.boundingRect(contour)
                boxes.append(Box(x, y, w, h))
                moving += area
        return ZoneMotion(zone.name, tuple(boxes), moving / zone.area_px)

    def _update_background(self) -> None:
        """Learn the background where nothing moves; absorb what has stayed changed for too long."""
        rate = self.params.background_rate
        # Pixels changed for too long (a ghost, a parked object) join the background at once.
        cv2.add(self._fg_age, self._ones, dst=self._fg_age, mask=self._fg_open)
        cv2.bitwise_and(self._fg_age, self._fg_open, dst=self._fg_age)
        cv2.threshold(
            self._fg_age, self.params.stationary_frames - 1, 255, cv2.THRESH_BINARY, dst=self._bg_mask
        )
        if cv2.countNonZero(self._bg_mask):
            stale = self._bg_mask > 0
            self._background[stale] = self._frame[stale]
            self._fg_age[stale] = 0
            self._fg_open[stale] = 0
        cv2.bitwise_not(self._fg_open, dst=self._bg_mask)
        cv2.accumulateWeighted(self._frame, self._background, rate, mask=self._bg_mask)

    def _empty(self, *, global_change: bool, changed: float = 0.0) -> MotionResult:
        return MotionResult(tuple(ZoneMotion(z.name, (), 0.0) for z in self.zones), changed, global_change)


def _median(values: NDArray[np.float32]) -> float:
    """Median of a small 1-D array (np.median is slow for a handful of values)."""
    k = len(values) // 2
    return float(np.partition(values, k)[k])

"""Motion at analysis resolution: background model with illumination compensation, zones and masks.

Per frame: estimate a coarse gain field (current vs background, per grid cell, median-filtered so one
object cannot bend it), subtract the gain-corrected background, average the signed residual over 3x3
neighbourhoods (a change test over a neighbourhood: a faint or thin person passes without every pixel
passing, while independent noise averages out), and compare it with a threshold that follows each grid
cell's own measured noise (k times the cell's RMS residual, k from the zone's sensitivity) plus a small
brightness term. Connected blobs are kept when their box's longer side reaches the zone's minimum size
(set in source pixels, so it means the same at any analysis resolution); a blob less than twice that size
must also overlap the previous frame's foreground, so a lone noise or compression speck never counts. Light switches, dusk and
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
from monitor.refine import FineCheck
from monitor.zones import MASKED_THRESHOLD, ZoneMap

__all__ = ["MotionDetector", "MotionResult", "ZoneMotion", "noise_factor", "noise_floor"]

_GAIN_MIN, _GAIN_MAX = 0.05, 20.0
_RELIGHT_LOG_GAIN = math.log(1.12)
# Pixels at or above this (the limited-range ceiling is 235, full range 255) or below the floor are clipped:
# they say nothing about the light, so a re-lit background takes the frame's value there.
_CLIPPED_HIGH, _CLIPPED_LOW = 232.0, 3.0
# Part of the threshold that grows with brightness: residual errors of the gain model scale with luma.
_RELATIVE_THRESHOLD = 0.04
# Cell noise (RMS residual after the 3x3 average) rises slowly and falls fast, so a person
# crossing a cell barely raises its threshold; it starts at a typical level.
_NOISE_UP, _NOISE_DOWN, _NOISE_START = 0.04, 0.25, 2.0
_SETTLE_FRAMES, _SETTLE_UP, _WARM_FRAMES = 2, 0.3, 4
# A zone whose smallest object is shorter than this (analysis pixels) is refined at the finer resolution:
# candidates are blobs over this share of the threshold, at most this many per frame, largest first.
_FINE_BELOW, _WEAK, _MAX_CANDIDATES = 8.0, 0.5, 8
_EPS = 1e-3


def noise_factor(sensitivity: int) -> float:
    """Threshold in multiples of a cell's RMS residual noise at a sensitivity of 1-100 (50 -> 5)."""
    return 2.5 + (100 - sensitivity) * 0.05


def noise_floor(sensitivity: int) -> float:
    """Smallest noise level a cell is credited with (levels), so a clean synthetic picture stays sane."""
    return 0.4 + (100 - sensitivity) * 0.008


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
        fine_shape: tuple[int, int] | None = None,
    ) -> None:
        self.params = params
        self.zones = zones
        self.shape = shape
        h, w = shape
        self._valid = np.full(shape, 255, dtype=np.uint8) if valid is None else valid.copy()
        # Per-pixel multiple of the cell noise (from each zone's sensitivity; huge where masked).
        self._k = np.where(self._valid > 0, noise_factor(params.sensitivity), MASKED_THRESHOLD).astype(
            np.float32
        )
        floor = noise_floor(max([params.sensitivity, *(z.sensitivity for z in zones)]))
        for zone in zones:
            np.minimum(
                self._k,
                np.where(zone.mask > 0, noise_factor(zone.sensitivity), MASKED_THRESHOLD),
                out=self._k,
            )
        self._valid_count = max(1, cv2.countNonZero(self._valid))
        self._masked = self._valid_count < h * w
        self._valid_f = (self._valid > 0).astype(np.float32)
        self._grid = (max(2, round(params.gain_grid * h / w)), params.gain_grid)
        grid_w, grid_h = self._grid[1], self._grid[0]
        self._cell_cover = cv2.resize(self._valid_f, (grid_w, grid_h), interpolation=cv2.INTER_AREA)
        self._cell_ok = self._cell_cover > 0.25
        self._pad = (round(h / grid_h), round(w / grid_w))
        self._gain_big = np.zeros((h + 2 * self._pad[0], w + 2 * self._pad[1]), dtype=np.float32)
        self._noise_floor = floor
        self._relit = False
        self._settling = 0
        self._warming = 0
        self._noise = np.full((grid_h, grid_w), _NOISE_START, dtype=np.float32)
        self._noise_px = np.zeros(shape, dtype=np.float32)
        self._prev_fg = np.zeros(shape, dtype=np.uint8)
        self._frame = np.zeros(shape, dtype=np.float32)
        self._background = np.zeros(shape, dtype=np.float32)
        self._tmp = np.zeros(shape, dtype=np.float32)
        self._gain = np.ones(shape, dtype=np.float32)
        self._diff = np.zeros(shape, dtype=np.float32)
        self._thr = np.zeros(shape, dtype=np.float32)
        self._sq = np.zeros(shape, dtype=np.float32)
        self._fg = np.zeros(shape, dtype=np.uint8)
        self._fg_open = np.zeros(shape, dtype=np.uint8)
        self._bg_mask = np.zeros(shape, dtype=np.uint8)
        self._zone_fg = np.zeros(shape, dtype=np.uint8)
        self._kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3))
        self._fg_age = np.zeros(shape, dtype=np.uint8)
        self._ones = np.ones(shape, dtype=np.uint8)
        self._initialised = False
        # Zones whose smallest object is too small for this resolution, refined on the finer frame.
        self._fine_zones = [i for i, z in enumerate(zones) if z.min_size < _FINE_BELOW]
        self._fine: FineCheck | None = None
        if fine_shape is not None and fine_shape[1] >= 2 * w and self._fine_zones:
            self._fine = FineCheck(fine_shape, shape, params.background_rate)
        self._fine_frame: NDArray[np.uint8] | None = None
        self._weak = np.zeros(shape, dtype=np.uint8)
        self._prev_weak = np.zeros(shape, dtype=np.uint8)

    @property
    def refines(self) -> bool:
        """True when some zone's small objects are confirmed on a finer frame (pass it to `detect`)."""
        return self._fine is not None

    def reset(self) -> None:
        """Forget the background; the next frame becomes the new background."""
        self._initialised = False
        if self._fine is not None:
            self._fine.reset()
        self._noise.fill(_NOISE_START)
        self._prev_fg.fill(0)
        self._settling = 0
        self._warming = 0

    def detect(self, image: NDArray[np.uint8], fine: NDArray[np.uint8] | None = None) -> MotionResult:
        """Compare one analysis-resolution luma image with the background and update the background.
        `fine` is the same picture at the finer resolution given at construction (`refines`), if any."""
        self._fine_frame = fine if self._fine is not None else None
        frame = self._frame
        np.copyto(frame, image, casting="unsafe")
        if not self._initialised:
            np.copyto(self._background, frame)
            self._initialised = True
            self._warming = _WARM_FRAMES
            return self._empty(global_change=False)
        prediction = self._predict()
        self._settling = max(0, self._settling - 1)
        if self._relit:
            # Right after a light step what is known about each cell's noise no longer holds: take the
            # residual as it is for a few frames, then let it settle back.
            self._settling = _SETTLE_FRAMES
        diff = self._diff
        cv2.subtract(frame, prediction, dst=diff)
        cv2.blur(diff, (3, 3), dst=diff)
        np.abs(diff, out=diff)
        if self._settling:
            self._follow_noise()  # a light step: credit the new residual at once, on this frame already
        cv2.multiply(self._noise_px, self._k, dst=self._thr)
        cv2.scaleAdd(prediction, _RELATIVE_THRESHOLD, self._thr, dst=self._thr)
        cv2.compare(diff, self._thr, cv2.CMP_GT, dst=self._fg)
        changed = cv2.countNonZero(self._fg) / self._valid_count
        if changed > self.params.global_change_ratio:
            np.copyto(self._background, frame)
            self._prev_fg.fill(0)
            self._learn_fine(fine, reset=True)
            return self._empty(global_change=True, changed=changed)
        if not self._settling:
            self._follow_noise()
        cv2.morphologyEx(self._fg, cv2.MORPH_CLOSE, self._kernel, dst=self._fg_open)
        zones = tuple(self._zone_motion(zone) for zone in self.zones)
        if fine is not None and not self._settling:
            zones = self._refine(zones, fine)
        np.copyto(self._prev_fg, self._fg_open)
        self._update_background()
        self._learn_fine(fine, reset=self._relit)
        return MotionResult(zones, changed, global_change=False)

    def _refine(self, zones: tuple[ZoneMotion, ...], fine: NDArray[np.uint8]) -> tuple[ZoneMotion, ...]:
        """Add the small objects the finer frame confirms among the weak blobs of the refined zones."""
        if self._fine is None:
            return zones
        # Weak change on this frame and the last (a speck of noise rarely stays; a person does).
        self._weak, self._prev_weak = self._prev_weak, self._weak
        todo = [i for i in self._fine_zones if not zones[i].active]
        if not todo:
            # Every refined zone already has motion (its event is on): more boxes would change nothing.
            self._weak.fill(0)
            return zones
        cv2.scaleAdd(self._thr, _WEAK - 1.0, self._thr, dst=self._sq)  # the threshold times _WEAK
        cv2.compare(self._diff, self._sq, cv2.CMP_GT, dst=self._weak)
        cv2.dilate(self._prev_weak, self._kernel, dst=self._prev_weak)  # it may have moved a pixel
        candidates = self._zone_fg
        cv2.bitwise_and(self._weak, self._prev_weak, dst=candidates)
        if not cv2.countNonZero(candidates):
            return zones  # the usual quiet frame
        out = list(zones)
        for index in todo:
            zone, found = self.zones[index], out[index]
            # Masked pixels have a threshold no change reaches: only real zones need cutting out.
            if zone.name is not None:
                cv2.bitwise_and(self._weak, self._prev_weak, dst=candidates)
                cv2.bitwise_and(candidates, zone.mask, dst=candidates)
            contours, _ = cv2.findContours(candidates, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
            low, high = 0.5 * zone.min_size, 3 * zone.min_size
            # Specks (one point: a single pixel) and objects the analysis resolution sees well enough are
            # left out.
            rects = [cv2.boundingRect(c) for c in contours if len(c) > 1]
            rects = [r for r in rects if low <= max(r[2], r[3]) <= high]
            rects.sort(key=lambda r: -r[2] * r[3])
            boxes, moving = list(found.boxes), found.changed_ratio * zone.area_px
            for x, y, w, h in rects[:_MAX_CANDIDATES]:
                m = round(zone.min_size)
                if any(_overlaps(b, x - m, y - m, w + 2 * m, h + 2 * m) for b in found.boxes):
                    continue
                box = self._fine.confirm(
                    fine, Box(x, y, w, h), self._gain, zone.min_size * self._fine.scale[1]
                )
                if box is None:
                    continue
                area = float(box.w * box.h)
                persists = self._persists(box.x, box.y, box.w, box.h, area)
                self._fg_open[box.y : box.y + box.h, box.x : box.x + box.w] = 255
                if persists:
                    boxes.append(box)
                    moving += area
            out[index] = ZoneMotion(zone.name, tuple(boxes), moving / max(1, zone.area_px))
        return tuple(out)

    def _learn_fine(self, fine: NDArray[np.uint8] | None, *, reset: bool) -> None:
        """Learn the finer frame where nothing moves; after a global change or a light step (which re-lit
        only the analysis background) start it again from this frame."""
        if self._fine is None or fine is None:
            return
        if reset:
            self._fine.reset()
        self._fine.learn(fine, self._bg_mask)

    def _follow_noise(self) -> None:
        """Update each cell's noise level from this frame's residual and spread it over the pixels."""
        grid_h, grid_w = self._grid
        # RMS, not mean: sparse clutter (snowflakes, rain, compression specks) raises a cell's level too.
        cv2.multiply(self._diff, self._diff, dst=self._sq)
        cells = np.sqrt(cv2.resize(self._sq, (grid_w, grid_h), interpolation=cv2.INTER_AREA))
        np.maximum(cells, self._noise_floor, out=cells)
        # A cell's noise is learnt fast on the first frames after a (re)start and after a light step.
        up = _SETTLE_UP if self._settling or self._warming else _NOISE_UP
        self._warming = max(0, self._warming - 1)
        rate = np.where(cells > self._noise, up, _NOISE_DOWN).astype(np.float32)
        self._noise += rate * (cells - self._noise)
        if self._settling:
            # After a light step every cell is credited at least the typical (median) cell's residual: a
            # person covers a few cells and cannot raise it.
            np.maximum(self._noise, _median(cells.ravel()), out=self._noise)
        cv2.resize(
            self._noise, (self.shape[1], self.shape[0]), dst=self._noise_px, interpolation=cv2.INTER_LINEAR
        )

    def _predict(self) -> NDArray[np.float32]:
        """The background under the current frame's illumination (re-lit in place after a light switch)."""
        overall = self._estimate_gain()
        cv2.multiply(self._background, self._gain, dst=self._tmp)
        cv2.threshold(self._tmp, 255.0, 255.0, cv2.THRESH_TRUNC, dst=self._tmp)
        self._relit = abs(math.log(overall)) > _RELIGHT_LOG_GAIN
        if not self._relit:
            return self._tmp
        # A sudden light change: re-light the background once so it predicts the new illumination and
        # leaves no stale background (and no ghost) behind. Clipped pixels say nothing about the new
        # light, so they take the frame's value.
        # The old background (now in `_tmp`) clipped at the full-range (255) or limited-range (235) ceiling,
        # or a re-lit value beyond it, does not predict the new light: take the frame's value there.
        self._background, self._tmp = self._tmp, self._background
        clipped = (self._tmp >= _CLIPPED_HIGH) | (self._tmp <= _CLIPPED_LOW) | (self._background >= 250.0)
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
        # Extrapolate one cell beyond each edge, so the field keeps its slope up to the frame's border
        # instead of flattening over the outer half-cell (where a drifting shadow would leave a residual).
        padded = cv2.copyMakeBorder(gain, 1, 1, 1, 1, cv2.BORDER_REPLICATE)
        padded[0, :] = 2 * padded[1, :] - padded[2, :]
        padded[-1, :] = 2 * padded[-2, :] - padded[-3, :]
        padded[:, 0] = 2 * padded[:, 1] - padded[:, 2]
        padded[:, -1] = 2 * padded[:, -2] - padded[:, -3]
        np.clip(padded, _GAIN_MIN, _GAIN_MAX, out=padded)
        py, px = self._pad
        cv2.resize(padded, self._gain_big.shape[::-1], dst=self._gain_big, interpolation=cv2.INTER_LINEAR)
        np.copyto(self._gain, self._gain_big[py : py + self.shape[0], px : px + self.shape[1]])
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
            if area < zone.min_area_px:
                continue
            x, y, w, h = cv2.boundingRect(contour)
            side = max(w, h)
            if side < zone.min_size:
                continue
            if side < 2 * zone.min_size and not self._persists(x, y, w, h, area):
                continue
            boxes.append(Box(x, y, w, h))
            moving += area
        return ZoneMotion(zone.name, tuple(boxes), moving / zone.area_px)

    def _persists(self, x: int, y: int, w: int, h: int, area: float) -> bool:
        """True when the previous frame had at least half as much foreground within half an object size
        of this blob's box: a small blob counts once it persists (a person walks about half a body length
        per analysed frame at most), a lone noise, snowflake or compression speck does not."""
        m = max(w, h) // 2 + 1
        x0, y0 = max(0, x - m), max(0, y - m)
        return cv2.countNonZero(self._prev_fg[y0 : y + h + m, x0 : x + w + m]) >= 0.3 * area

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
            if self._fine is not None and self._fine_frame is not None:
                self._fine.absorb(self._fine_frame, stale)
            self._fg_age[stale] = 0
            self._fg_open[stale] = 0
        cv2.bitwise_not(self._fg_open, dst=self._bg_mask)
        cv2.accumulateWeighted(self._frame, self._background, rate, mask=self._bg_mask)

    def _empty(self, *, global_change: bool, changed: float = 0.0) -> MotionResult:
        return MotionResult(tuple(ZoneMotion(z.name, (), 0.0) for z in self.zones), changed, global_change)


def _overlaps(box: Box, x: int, y: int, w: int, h: int) -> bool:
    return box.x < x + w and x < box.x + box.w and box.y < y + h and y < box.y + box.h


def _median(values: NDArray[np.float32]) -> float:
    """Median of a small 1-D array (np.median is slow for a handful of values)."""
    k = len(values) // 2
    return float(np.partition(values, k)[k])

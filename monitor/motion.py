"""Motion at analysis resolution: background model with illumination compensation, zones and masks.

Per frame: estimate the gain field (`monitor.gain`: how the light changed, per grid cell), subtract the
gain-corrected background, average the signed residual over 3x3 neighbourhoods (a change test over a
neighbourhood: a faint or thin person passes without every pixel passing, while independent noise
averages out), and compare it with a threshold that follows each grid cell's own measured noise
(`monitor.noise`: k times the cell's RMS residual, k from the zone's sensitivity) plus a small brightness
term. Blobs become objects per zone by size and persistence (`monitor.blobs`); where a zone's smallest
object is only a few analysis pixels, weak blobs are confirmed on the finer frame (`monitor.refine`).
Light switches, dusk and cloud shadows change the gain field, not the residual, so they raise nothing; a
person walking in during a light switch still leaves a residual. A change the gain field cannot explain
over most of the frame is treated as a global change: the background is re-learnt and the frame reports
no motion. The background is re-lit by the gain field every frame, so it always predicts the current
illumination.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from config.detection import MotionParams
from monitor.blobs import find_objects, persists
from monitor.events import Box
from monitor.gain import GainField
from monitor.noise import CellNoise, noise_factor, noise_floor
from monitor.refine import FineCheck
from monitor.zones import MASKED_THRESHOLD, ZoneMap

__all__ = ["MotionDetector", "MotionResult", "ZoneMotion", "noise_factor", "noise_floor"]

_RELIGHT_LOG_GAIN = math.log(1.12)
# Pixels at or above this (the limited-range ceiling is 235, full range 255) or below the floor are clipped:
# they say nothing about the light, so a re-lit background takes the frame's value there.
_CLIPPED_HIGH, _CLIPPED_LOW = 232.0, 3.0
# Part of the threshold that grows with brightness: residual errors of the gain model scale with luma.
_RELATIVE_THRESHOLD = 0.04
# A zone whose smallest object is shorter than this (analysis pixels) is refined at the finer resolution:
# candidates are blobs over this share of the threshold, at most this many per frame, largest first.
_FINE_BELOW, _WEAK, _MAX_CANDIDATES = 8.0, 0.5, 8


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
        valid = np.full(shape, 255, dtype=np.uint8) if valid is None else valid.copy()
        # Per-pixel multiple of the cell noise (from each zone's sensitivity; huge where masked).
        k = np.where(valid > 0, noise_factor(params.sensitivity), MASKED_THRESHOLD).astype(np.float32)
        for zone in zones:
            np.minimum(k, np.where(zone.mask > 0, noise_factor(zone.sensitivity), MASKED_THRESHOLD), out=k)
        self._valid_count = max(1, cv2.countNonZero(valid))
        grid = (max(2, round(params.gain_grid * h / w)), params.gain_grid)
        self._gain = GainField(grid, valid)
        floor = noise_floor(max([params.sensitivity, *(z.sensitivity for z in zones)]))
        self._noise = CellNoise(grid, shape, floor, k)
        self._relit = False
        self._frame = np.zeros(shape, dtype=np.float32)
        self._background = np.zeros(shape, dtype=np.float32)
        self._tmp = np.zeros(shape, dtype=np.float32)
        self._diff = np.zeros(shape, dtype=np.float32)
        self._thr = np.zeros(shape, dtype=np.float32)
        self._sq = np.zeros(shape, dtype=np.float32)
        self._fg = np.zeros(shape, dtype=np.uint8)
        # This frame's (closed) foreground and the last one's: swapped each frame, never copied.
        self._fg_open = np.zeros(shape, dtype=np.uint8)
        self._prev_fg = np.zeros(shape, dtype=np.uint8)
        self._bg_mask = np.zeros(shape, dtype=np.uint8)
        self._zone_fg = np.zeros(shape, dtype=np.uint8)
        self._kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3))
        self._fg_age = np.zeros(shape, dtype=np.uint8)
        self._one = np.ones(shape, dtype=np.uint8)
        self._initialised = False
        # A zone covering every pixel needs no cutting out of the foreground.
        self._whole = [cv2.countNonZero(z.mask) == h * w for z in zones]
        # Zones whose smallest object is too small for this resolution, refined on the finer frame.
        self._fine_zones = [i for i, z in enumerate(zones) if z.min_size < _FINE_BELOW]
        self._fine: FineCheck | None = None
        if fine_shape is not None and fine_shape[1] >= 2 * w and self._fine_zones:
            self._fine = FineCheck(fine_shape, shape, params.background_rate)
        self._fine_frame: NDArray[np.uint8] | None = None
        self._weak = np.zeros(shape, dtype=np.uint8)
        self._prev_weak = np.zeros(shape, dtype=np.uint8)
        self._both_weak = np.zeros(shape, dtype=np.uint8)

    @property
    def refines(self) -> bool:
        """True when some zone's small objects are confirmed on a finer frame (pass it to `detect`)."""
        return self._fine is not None

    def reset(self) -> None:
        """Forget the background; the next frame becomes the new background."""
        self._initialised = False
        if self._fine is not None:
            self._fine.reset()
        self._noise.reset()
        self._prev_fg.fill(0)

    def detect(self, image: NDArray[np.uint8], fine: NDArray[np.uint8] | None = None) -> MotionResult:
        """Compare one analysis-resolution luma image with the background and update the background.
        `fine` is the same picture at the finer resolution given at construction (`refines`), if any."""
        self._fine_frame = fine if self._fine is not None else None
        frame = self._frame
        np.copyto(frame, image, casting="unsafe")
        if not self._initialised:
            np.copyto(self._background, frame)
            self._initialised = True
            self._noise.start()
            return self._empty(global_change=False)
        prediction = self._predict()
        noise = self._noise
        noise.step(relit=self._relit)
        diff = self._diff
        cv2.subtract(frame, prediction, dst=diff)
        cv2.blur(diff, (3, 3), dst=diff)
        np.abs(diff, out=diff)
        if noise.settling:
            noise.follow(diff, self._sq)  # a light step: credit the new residual at once, on this frame
        cv2.scaleAdd(prediction, _RELATIVE_THRESHOLD, noise.base, dst=self._thr)
        cv2.compare(diff, self._thr, cv2.CMP_GT, dst=self._fg)
        changed = cv2.countNonZero(self._fg) / self._valid_count
        if changed > self.params.global_change_ratio:
            np.copyto(self._background, frame)
            self._prev_fg.fill(0)
            self._learn_fine(fine, reset=True)
            return self._empty(global_change=True, changed=changed)
        settling = noise.settling
        if not settling:
            noise.follow(diff, self._sq)
        cv2.morphologyEx(self._fg, cv2.MORPH_CLOSE, self._kernel, dst=self._fg_open)
        zones = tuple(self._zone_motion(i, zone) for i, zone in enumerate(self.zones))
        if fine is not None and not settling:
            zones = self._refine(zones, fine)
        self._prev_fg, self._fg_open = self._fg_open, self._prev_fg
        self._update_background(self._prev_fg)
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
        both = self._both_weak
        cv2.bitwise_and(self._weak, self._prev_weak, dst=both)  # once per frame, for every zone
        if not cv2.countNonZero(both):
            return zones  # the usual quiet frame
        out = list(zones)
        for index in todo:
            out[index] = self._refine_zone(index, out[index], both, fine, self._fine)
        return tuple(out)

    def _refine_zone(
        self,
        index: int,
        found: ZoneMotion,
        both: NDArray[np.uint8],
        fine: NDArray[np.uint8],
        check: FineCheck,
    ) -> ZoneMotion:
        zone = self.zones[index]
        candidates = both
        # Masked pixels have a threshold no change reaches: only real zones need cutting out.
        if zone.name is not None and not self._whole[index]:
            candidates = self._zone_fg
            cv2.bitwise_and(both, zone.mask, dst=candidates)
        contours, _ = cv2.findContours(candidates, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        low, high = 0.5 * zone.min_size, 3 * zone.min_size
        # Specks (one point: a single pixel) and objects the analysis resolution sees well enough are left
        # out.
        rects = [cv2.boundingRect(c) for c in contours if len(c) > 1]
        rects = [r for r in rects if low <= max(r[2], r[3]) <= high]
        rects.sort(key=lambda r: -r[2] * r[3])
        boxes, moving = list(found.boxes), found.changed_ratio * zone.area_px
        m = round(zone.min_size)
        for x, y, w, h in rects[:_MAX_CANDIDATES]:
            if any(_overlaps(b, x - m, y - m, w + 2 * m, h + 2 * m) for b in found.boxes):
                continue
            box = check.confirm(fine, Box(x, y, w, h), self._gain.field, zone.min_size * check.scale[1])
            if box is None:
                continue
            area = float(box.w * box.h)
            confirmed = persists(self._prev_fg, box.x, box.y, box.w, box.h, area)
            self._fg_open[box.y : box.y + box.h, box.x : box.x + box.w] = 255
            if confirmed:
                boxes.append(box)
                moving += area
        return ZoneMotion(zone.name, tuple(boxes), moving / max(1, zone.area_px))

    def _learn_fine(self, fine: NDArray[np.uint8] | None, *, reset: bool) -> None:
        """Learn the finer frame where nothing moves; after a global change or a light step (which re-lit
        only the analysis background) start it again from this frame."""
        if self._fine is None or fine is None:
            return
        if reset:
            self._fine.reset()
        self._fine.learn(fine, self._bg_mask)

    def _predict(self) -> NDArray[np.float32]:
        """The background under the current frame's illumination (re-lit in place after a light switch)."""
        overall = self._gain.estimate(self._frame, self._background)
        cv2.multiply(self._background, self._gain.field, dst=self._tmp)
        cv2.threshold(self._tmp, 255.0, 255.0, cv2.THRESH_TRUNC, dst=self._tmp)
        self._relit = abs(math.log(overall)) > _RELIGHT_LOG_GAIN
        if not self._relit:
            return self._tmp
        # A sudden light change: re-light the background once so it predicts the new illumination and
        # leaves no stale background (and no ghost) behind. The old background (now in `_tmp`) clipped at
        # the full-range (255) or limited-range (235) ceiling, or a re-lit value beyond it, does not predict
        # the new light: take the frame's value there.
        self._background, self._tmp = self._tmp, self._background
        clipped = (self._tmp >= _CLIPPED_HIGH) | (self._tmp <= _CLIPPED_LOW) | (self._background >= 250.0)
        self._background[clipped] = self._frame[clipped]
        return self._background

    def _zone_motion(self, index: int, zone: ZoneMap) -> ZoneMotion:
        """Objects of the foreground inside one zone."""
        fg = self._fg_open
        if not self._whole[index]:
            fg = self._zone_fg
            cv2.bitwise_and(self._fg_open, zone.mask, dst=fg)
        if zone.area_px == 0 or cv2.countNonZero(fg) < zone.min_area_px:
            return ZoneMotion(zone.name, (), 0.0)
        boxes, moving = find_objects(fg, self._prev_fg, zone.min_size, zone.min_area_px)
        return ZoneMotion(zone.name, tuple(boxes), moving / zone.area_px)

    def _update_background(self, fg: NDArray[np.uint8]) -> None:
        """Learn the background where nothing moves (`fg`: this frame's foreground, left as it is);
        absorb what has stayed changed for too long."""
        # Pixels changed for too long (a ghost, a parked object) join the background at once.
        # Age + 1 where changed, 0 elsewhere (fg is 0 or 255): cheaper than a masked add.
        cv2.add(self._fg_age, self._one, dst=self._fg_age)
        cv2.min(self._fg_age, fg, dst=self._fg_age)
        stale_mask = self._bg_mask
        cv2.threshold(self._fg_age, self.params.stationary_frames - 1, 255, cv2.THRESH_BINARY, dst=stale_mask)
        stale = stale_mask > 0 if cv2.countNonZero(stale_mask) else None
        if stale is not None:
            self._background[stale] = self._frame[stale]
            if self._fine is not None and self._fine_frame is not None:
                self._fine.absorb(self._fine_frame, stale)
            self._fg_age[stale] = 0
        cv2.bitwise_not(fg, dst=self._bg_mask)
        if stale is not None:
            self._bg_mask[stale] = 255
        cv2.accumulateWeighted(self._frame, self._background, self.params.background_rate, mask=self._bg_mask)

    def _empty(self, *, global_change: bool, changed: float = 0.0) -> MotionResult:
        return MotionResult(tuple(ZoneMotion(z.name, (), 0.0) for z in self.zones), changed, global_change)


def _overlaps(box: Box, x: int, y: int, w: int, h: int) -> bool:
    return box.x < x + w and x < box.x + box.w and box.y < y + h and y < box.y + box.h

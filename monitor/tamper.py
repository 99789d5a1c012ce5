"""Tamper and picture-health checks on analysis-resolution luma: covered, defocused, moved, frozen.

Each check compares the frame with a reference learnt while the picture is healthy. A tampering acts on the
whole picture, while people, swaying trees, clipped highlights and lamps change parts of it; so detail is
measured per cell (a coarse grid) and judged by the median over the cells with texture:
- covered: the picture is nearly uniform and most cells lost their mid-scale detail (the band between
  1 and 2.5 px, which sensor noise and compression barely reach, so a cover that keeps the noise is seen);
- defocused: in most textured cells the finest detail fell relative to the cell's own contrast (a
  blur removes fine detail first; light steps, dusk and the IR switch scale both alike);
- moved: the view (a band-pass of the log image at 80 px wide: smooth illumination cancels out) is matched
  against the reference over small shifts: a re-aim shows as a clearly better match at a shift, a view
  turned away as no match at all. A scene whose healthy views barely match their own reference (too
  plain, a test pattern) cannot be compared: "unknown", never `moved`;
- frozen (`monitor/frozen.py`): frames repeat the previous one (mean change under two hundredths of a
  level) for longer than the healthy picture ever does, while the picture is not covered, in a scene whose
  healthy frames do not repeat: a noise-free static scene whose frames repeat while live cannot tell stuck
  from still ("unknown", never `frozen`). Key frames refresh a frozen picture and a live still one alike;
  how the refreshes go on (converging or steady) tells them apart.
The checks report per-frame conditions; the pipeline turns them into events with hold times.

Cadence: a healthy, quiet picture is checked at `idle_check_hz`; the full `check_hz` applies while the
reference is learnt, while any check was tampered or close to a threshold in the last `_HOT_S` seconds, and
a check runs at once when a frame jumps from the previous one far beyond the scene's usual frame-to-frame
change (a cover, a re-aim, a blur or a light step changes the whole picture at once). Learning rates are
per `check_hz` interval, scaled by the time between checks, so the reference follows the scene alike.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import NamedTuple

import cv2
import numpy as np
from numpy.typing import NDArray

from config.detection import TamperParams
from monitor.frozen import STILL_LEVELS, FrozenCheck

__all__ = ["TamperDetector", "TamperState"]

_VIEW_WIDTH = 80
_SEARCH = (8, 5)  # view shifts searched (x, y), in view pixels: 10 % of the width either way
_SHIFT_GAIN = 0.15  # a shifted match must beat the unshifted one by this much
_MIN_VIEW_MATCH = 0.3  # healthy views matching their reference less than this: the scene is too plain
_SIM_RATE = 0.05
_GRID = 8
_MIN_TEXTURED_SHARE = 0.2
_EPS = 1e-3
_AVG_RATE = 0.3  # per frame: the running mean keeps about 0.42 of the sensor noise
_HIDDEN_SHARE = 0.7  # share of the textured cells a cover must hide when it leaves part of the picture
# A frame whose mean change from the previous one exceeds this many times the scene's usual change (plus
# a level) is checked at once; the usual change is followed on healthy frames.
_JUMP_FACTOR = 2.0
_JUMP_LEVELS = 1.0
_CHANGE_RATE = 0.05
_HOT_S = 3.0  # seconds of full-rate checks after a check that was tampered or near a threshold


@dataclass(frozen=True, slots=True)
class TamperState:
    """Per-frame tamper conditions with a 0-1 score for each (1 = surely tampered)."""

    covered: bool = False
    defocused: bool = False
    moved: bool = False
    frozen: bool = False
    covered_score: float = 0.0
    defocused_score: float = 0.0
    moved_score: float = 0.0
    frozen_score: float = 0.0
    learning: bool = True
    near: bool = False  # a measure is within reach of its threshold (checked at the full rate)


class _Measure(NamedTuple):
    """One frame's measures: uniformity; per cell the contrast, the mid-scale (1-2.5 px) detail and the
    sharpness (fine, < 1 px, detail over the cell's contrast)."""

    std: float
    contrast: NDArray[np.float32]
    mid: NDArray[np.float32]
    sharp: NDArray[np.float32]
    sharp_mean: NDArray[np.float32]  # the same on the running mean of the frames

    @property
    def detail(self) -> float:
        return float(self.mid.mean())


class TamperDetector:
    """Learns a reference view and reports which tamper conditions hold on each frame."""

    def __init__(self, params: TamperParams, shape: tuple[int, int], fps: float) -> None:
        self.params = params
        self.shape = shape
        h, w = shape
        every = max(1, round(fps / params.check_hz))
        self._interval = every / fps  # seconds between checks at `check_hz`
        self._idle_interval = max(self._interval, 1.0 / params.idle_check_hz)
        self._learn_frames = max(1, math.ceil(params.learn_s * fps / every))
        self._frames = 0
        self._seen = 0
        self._last_ts = -math.inf  # time of the last check
        self._hot_until = -math.inf  # full-rate checks until then
        self._change = 0.0  # the scene's usual mean change between frames (levels)
        self._pixels = h * w
        self._last = TamperState()
        self._float = np.zeros(shape, dtype=np.float32)
        self._fine = np.zeros(shape, dtype=np.float32)
        self._coarse = np.zeros(shape, dtype=np.float32)
        self._tmp = np.zeros(shape, dtype=np.float32)
        self._previous = np.zeros(shape, dtype=np.uint8)
        self._cells = (_GRID, max(2, round(_GRID * h / w)))
        vw = min(_VIEW_WIDTH, w)
        self._view_size = (vw, max(2 * _SEARCH[1] + 4, round(h * vw / w)))
        self._search = (min(_SEARCH[0], vw // 4), min(_SEARCH[1], self._view_size[1] // 4))
        self._view = np.zeros(self._view_size[::-1], dtype=np.float32)
        self._ref_view = np.zeros_like(self._view)
        grid = self._cells[::-1]
        self._ref_mid = np.zeros(grid, dtype=np.float32)
        self._ref_sharp = np.zeros(grid, dtype=np.float32)
        self._ref_sharp_mean = np.zeros(grid, dtype=np.float32)
        self._ref_detail = 0.0
        self._ref_sim = 1.0
        self._avg = np.zeros(shape, dtype=np.float32)  # running mean of the frames (noise averaged out)
        self._frozen_check = FrozenCheck()

    def reset(self) -> None:
        """Forget the reference view (e.g. after an operator accepts a re-aimed camera)."""
        self._frames = 0
        self._seen = 0
        self._last_ts = -math.inf
        self._last = TamperState()
        self._variants = (self._last, self._last)

    def check(self, image: NDArray[np.uint8], ts: float) -> TamperState:
        """Measure one analysis-resolution luma image (taken at `ts` seconds) against the reference and learn
        when healthy."""
        change = cv2.norm(image, self._previous, cv2.NORM_L1) / self._pixels if self._seen else 0.0
        frozen = self._frozen(image, change, ts)
        elapsed = ts - self._last_ts
        hot = self._frames <= self._learn_frames or ts < self._hot_until
        due = not 0 <= elapsed < (self._interval if hot else self._idle_interval) - _EPS  # or time went back
        jump = not hot and change > _JUMP_FACTOR * self._change + _JUMP_LEVELS
        if due or jump or self._frames == 0:
            state = self._check(image, frozen, elapsed)
            self._last_ts = ts
            if state.learning or _tampered(state) or state.near:
                self._hot_until = ts + _HOT_S
            self._last = state
            self._variants = (
                replace(state, frozen=False, frozen_score=0.0),
                replace(state, frozen=True, frozen_score=1.0),
            )
        else:
            state = self._variants[frozen]
        if self._frames <= self._learn_frames:
            self._change += (change - self._change) / max(1, self._seen - 1)
        elif not (jump or _tampered(state)):
            self._change += _CHANGE_RATE * (change - self._change)
        if state.covered and state.frozen:
            # A covered lens often decodes to identical frames too: one cause, reported as `covered` only.
            state = self._variants[False]
        return state

    def _frozen(self, image: NDArray[np.uint8], change: float, ts: float) -> bool:
        """Judge `frozen`, then keep this frame (for the next frame's change and the running mean)."""
        self._seen += 1
        learning = self._frames <= self._learn_frames
        frozen = self._frozen_check.update(
            change,
            ts,
            seen=self._seen,
            learning=learning,
            covered=self._last.covered,
            cells=lambda: self._cell_change(image),
        )
        np.copyto(self._previous, image)
        if self._seen == 1:
            np.copyto(self._avg, image, casting="unsafe")
        else:
            cv2.accumulateWeighted(image, self._avg, _AVG_RATE)
        return frozen

    def _cell_change(self, image: NDArray[np.uint8]) -> tuple[float, float]:
        """The change from the previous frame per cell: the share of the cells it reaches and its median
        over the cells (a key frame changes the whole picture, an on-screen clock's tick a few cells)."""
        np.copyto(self._tmp, cv2.absdiff(image, self._previous), casting="unsafe")
        cells = np.asarray(
            cv2.resize(self._tmp, self._cells, interpolation=cv2.INTER_AREA), np.float32
        ).ravel()
        return float(np.count_nonzero(cells > STILL_LEVELS)) / cells.size, _median(cells)

    def _check(self, image: NDArray[np.uint8], frozen: bool, elapsed: float) -> TamperState:
        """The covered, defocused and moved checks, learning while healthy (`elapsed` seconds since the
        last check scale the learning rates, which are per `check_hz` interval)."""
        m = self._measure(image)
        self._view_map()
        self._frames += 1
        if self._frames <= self._learn_frames:
            if self._frames > 1:  # how well healthy views match the reference: the scene's own level
                sim0 = self._match()[0]
                self._ref_sim += (sim0 - self._ref_sim) / (self._frames - 1)
            self._learn(m, rate=1.0 / self._frames)
            return TamperState(learning=True)
        steps = elapsed / self._interval
        state = self._judge(m, frozen, _scaled(_SIM_RATE, steps))
        if not _tampered(state):
            self._learn(m, rate=_scaled(self.params.reference_rate, steps))
        return state

    def _judge(self, m: _Measure, frozen: bool, sim_rate: float) -> TamperState:
        p, std = self.params, m.std
        textured = self._ref_mid >= p.defocus_min_texture
        count = np.count_nonzero(textured)
        has_texture = float(count) >= _MIN_TEXTURED_SHARE * textured.size
        hidden = 0.0  # share of the textured cells that turned uniform and lost their detail (a cover)
        if has_texture:
            kept = m.mid[textured] / self._ref_mid[textured]
            lost = _median(kept)
            gone = (kept < p.covered_edge_ratio) & (m.contrast[textured] < p.covered_max_std)
            hidden = float(np.count_nonzero(gone)) / count
        else:
            lost = m.detail / max(self._ref_detail, _EPS)
        covered = (std < p.covered_max_std and lost < p.covered_edge_ratio) or hidden >= _HIDDEN_SHARE
        near_covered = (std < 2 * p.covered_max_std and lost < 2 * p.covered_edge_ratio) or hidden >= 0.5
        if covered:
            score = max(hidden, _clip01(1.0 - std / max(p.covered_max_std, _EPS)))
            return TamperState(covered=True, covered_score=score, learning=False)
        sim0, peak, shifted = self._match()
        comparable = has_texture and self._ref_sim >= _MIN_VIEW_MATCH
        relative = sim0 / max(self._ref_sim, _EPS)
        lost_view = relative < p.moved_similarity and peak < p.moved_similarity * self._ref_sim
        moved_by_shift = shifted and peak - sim0 >= _SHIFT_GAIN and peak >= 0.5 * self._ref_sim
        moved = comparable and (lost_view or moved_by_shift)
        near_moved = comparable and (
            relative < (1.0 + p.moved_similarity) / 2 or (shifted and peak - sim0 >= _SHIFT_GAIN / 2)
        )
        if comparable and not moved:
            self._ref_sim += sim_rate * (sim0 - self._ref_sim)
        # Sharpness of this frame (a blur shows at once) and of the running mean of the frames (a blur
        # shows on a noisy sensor too, where the noise keeps this frame's fine detail up).
        ratio = (
            min(
                _median(m.sharp[textured] / self._ref_sharp[textured]),
                _median(m.sharp_mean[textured] / self._ref_sharp_mean[textured]),
            )
            if has_texture
            else 1.0
        )
        defocused = not moved and has_texture and ratio < p.defocus_ratio
        return TamperState(
            defocused=defocused,
            moved=moved,
            frozen=frozen,
            defocused_score=_clip01(1.0 - ratio) if defocused else 0.0,
            moved_score=_clip01(1.0 - relative) if moved else 0.0,
            frozen_score=float(frozen),
            learning=False,
            near=near_moved or (has_texture and ratio < (1.0 + p.defocus_ratio) / 2) or near_covered,
        )

    def _measure(self, image: NDArray[np.uint8]) -> _Measure:
        """Uniformity; per cell the fine (< 1 px) and mid-scale (1-2.5 px) detail and the sharpness (fine
        detail over the cell's contrast); and the total mid-scale detail."""
        np.copyto(self._float, image, casting="unsafe")
        _, std = cv2.meanStdDev(image)
        cv2.GaussianBlur(self._float, (0, 0), 1.0, dst=self._fine)
        cv2.GaussianBlur(self._fine, (0, 0), 2.5, dst=self._coarse)
        cells = self._cells
        cv2.absdiff(self._float, self._fine, dst=self._tmp)
        fine = cv2.resize(self._tmp, cells, interpolation=cv2.INTER_AREA)
        cv2.absdiff(self._fine, self._coarse, dst=self._tmp)
        mid = cv2.resize(self._tmp, cells, interpolation=cv2.INTER_AREA)
        mean = cv2.resize(self._float, cells, interpolation=cv2.INTER_AREA)
        cv2.multiply(self._float, self._float, dst=self._tmp)
        square = cv2.resize(self._tmp, cells, interpolation=cv2.INTER_AREA)
        contrast = np.sqrt(np.maximum(square - mean * mean, 0.0)) + 1.0
        f32 = np.float32
        sharp = np.asarray(fine / contrast, dtype=f32)
        return _Measure(
            float(std[0, 0]), np.asarray(contrast, f32), np.asarray(mid, f32), sharp, self._sharpness()
        )

    def _sharpness(self) -> NDArray[np.float32]:
        """Per cell the fine detail over the contrast of the running mean of the last frames: sensor noise
        (new in every frame) averages out there, the scene's texture does not, so a blur on a noisy sensor
        shows as it does on a clean one."""
        cells, avg = self._cells, self._avg
        cv2.GaussianBlur(avg, (0, 0), 1.0, dst=self._coarse)
        cv2.absdiff(avg, self._coarse, dst=self._tmp)
        fine = cv2.resize(self._tmp, cells, interpolation=cv2.INTER_AREA)
        mean = cv2.resize(avg, cells, interpolation=cv2.INTER_AREA)
        cv2.multiply(avg, avg, dst=self._tmp)
        square = cv2.resize(self._tmp, cells, interpolation=cv2.INTER_AREA)
        return np.asarray(fine / (np.sqrt(np.maximum(square - mean * mean, 0.0)) + 1.0), dtype=np.float32)

    def _view_map(self) -> None:
        """The view to compare: band-pass of the log image at `_VIEW_WIDTH` px (smooth light cancels)."""
        small = cv2.resize(self._fine, self._view_size, interpolation=cv2.INTER_AREA)
        np.log1p(small, out=small)
        cv2.subtract(
            cv2.GaussianBlur(small, (0, 0), 0.7), cv2.GaussianBlur(small, (0, 0), 3.0), dst=self._view
        )

    def _match(self) -> tuple[float, float, bool]:
        """Correlation of the view with the reference unshifted, the best over the searched shifts, and
        whether the best lies at a shift."""
        sx, sy = self._search
        template = self._view[sy : self._view.shape[0] - sy, sx : self._view.shape[1] - sx]
        result = cv2.matchTemplate(self._ref_view, template, cv2.TM_CCOEFF_NORMED)
        _, peak, _, (x, y) = cv2.minMaxLoc(result)
        return float(result[sy, sx]), float(peak), (x, y) != (sx, sy)

    def _learn(self, m: _Measure, *, rate: float) -> None:
        cv2.accumulateWeighted(m.mid, self._ref_mid, rate)
        cv2.accumulateWeighted(m.sharp, self._ref_sharp, rate)
        cv2.accumulateWeighted(m.sharp_mean, self._ref_sharp_mean, rate)
        self._ref_detail += rate * (m.detail - self._ref_detail)
        cv2.accumulateWeighted(self._view, self._ref_view, rate)


def _tampered(state: TamperState) -> bool:
    return state.covered or state.defocused or state.moved or state.frozen


def _scaled(rate: float, steps: float) -> float:
    """A per-step learning rate applied over `steps` steps at once."""
    return float(1.0 - (1.0 - rate) ** min(steps, 1e3))


def _median(values: NDArray[np.floating]) -> float:
    """`np.median` of a few values, without its overhead (it costs more than the rest of a check)."""
    ordered = np.sort(values)
    half = ordered.size // 2
    return float(ordered[half]) if ordered.size % 2 else float(0.5 * (ordered[half - 1] + ordered[half]))


def _clip01(value: float) -> float:
    return min(1.0, max(0.0, value))

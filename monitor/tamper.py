"""Tamper and picture-health checks on analysis-resolution luma: covered, defocused, moved, frozen.

Each check compares the frame with a reference learnt while the picture is healthy:
- covered: the picture is nearly uniform and has lost most of the reference's detail;
- defocused: fine and mid-scale detail relative to the overall contrast (a gain-invariant sharpness)
  fell well below the reference's, in a scene that has texture;
- moved: the edge map (gradient magnitude at coarse scale) no longer correlates with the reference's,
  relative to how well healthy frames correlate (gain-invariant, barely affected by blur or people); only
  judged in a scene with texture (a plain one cannot be compared: "unknown", never `moved`);
- frozen: consecutive frames are identical (within a tiny tolerance) while frames keep arriving and the
  picture is not covered (a static cover is reported once, as `covered`).
The checks report per-frame conditions; the pipeline turns them into events with hold times.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import cv2
import numpy as np
from numpy.typing import NDArray

from config.detection import TamperParams

__all__ = ["TamperDetector", "TamperState"]

# A frozen stream repeats the decoder's last picture bit for bit; a live one, even of a static scene behind
# strong compression, still changes a few analysis pixels by a few levels. So frozen = no pixel changed.
# (An encoder running on a frozen picture refreshes it a little at each key frame; the event tracker
# bridges such short gaps.)
_FROZEN_TOLERANCE = 0.0
_EDGE_MAP_WIDTH = 80
_EPS = 1e-3


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


@dataclass(slots=True)
class _Measure:
    std: float
    detail: float
    sharpness: float
    texture: float
    similarity: float = 1.0


class TamperDetector:
    """Learns a reference view and reports which tamper conditions hold on each frame."""

    def __init__(self, params: TamperParams, shape: tuple[int, int], fps: float) -> None:
        self.params = params
        self.shape = shape
        h, w = shape
        self._every = max(1, round(fps / params.check_hz))
        self._learn_frames = max(1, math.ceil(params.learn_s * fps / self._every))
        self._frames = 0
        self._tick = 0
        self._last = TamperState()
        self._float = np.zeros(shape, dtype=np.float32)
        self._fine = np.zeros(shape, dtype=np.float32)
        self._coarse = np.zeros(shape, dtype=np.float32)
        self._tmp = np.zeros(shape, dtype=np.float32)
        self._previous = np.zeros(shape, dtype=np.uint8)
        self._gx = np.zeros(shape, dtype=np.float32)
        self._gy = np.zeros(shape, dtype=np.float32)
        ew = min(_EDGE_MAP_WIDTH, w)
        self._edge_size = (ew, max(8, round(h * ew / w)))
        self._edges = np.zeros((self._edge_size[1], self._edge_size[0]), dtype=np.float32)
        self._reference = np.zeros_like(self._edges)
        self._ref_detail = 0.0
        self._ref_sharpness = 0.0
        self._ref_texture = 0.0
        self._ref_similarity = 1.0

    def reset(self) -> None:
        """Forget the reference view (e.g. after an operator accepts a re-aimed camera)."""
        self._frames = 0
        self._last = TamperState()

    def check(self, image: NDArray[np.uint8]) -> TamperState:
        """Measure one analysis-resolution luma image against the reference and learn when healthy."""
        # A covered lens often decodes to identical frames too: that is one cause, reported as `covered`
        # only; `frozen` means stuck while the scene is not covered.
        frozen = self._frozen(image) and not self._last.covered
        self._tick += 1
        if self._tick < self._every and self._frames > 0:
            return replace(self._last, frozen=frozen, frozen_score=float(frozen))
        self._tick = 0
        self._last = self._check(image, frozen)
        if self._last.covered and self._last.frozen:
            self._last = replace(self._last, frozen=False, frozen_score=0.0)
        return self._last

    def _check(self, image: NDArray[np.uint8], frozen: bool) -> TamperState:
        """The covered, defocused and moved checks (run at `check_hz`), learning while healthy."""
        measure = self._measure(image)
        self._edge_map()
        self._frames += 1
        if self._frames <= self._learn_frames:
            self._learn(measure, rate=1.0 / self._frames)
            return TamperState(frozen=frozen, frozen_score=float(frozen), learning=True)
        state = self._judge(measure, frozen)
        healthy = not (state.covered or state.defocused or state.moved or state.frozen)
        if healthy:
            self._learn(measure, rate=self.params.reference_rate)
            self._ref_similarity += self.params.reference_rate * (measure.similarity - self._ref_similarity)
        return state

    def _judge(self, m: _Measure, frozen: bool) -> TamperState:
        p = self.params
        uniform = m.std < p.covered_max_std
        lost_detail = m.detail < p.covered_edge_ratio * self._ref_detail
        covered = uniform and lost_detail
        covered_score = _clip01(1.0 - m.std / max(p.covered_max_std, _EPS)) if covered else 0.0
        if covered:
            return TamperState(covered=True, covered_score=covered_score, frozen=frozen, learning=False)
        m.similarity = self._similarity()
        relative = m.similarity / max(self._ref_similarity, _EPS)
        # A scene too plain to compare (a test pattern, a blank wall) cannot tell a re-aim from a person
        # crossing it: the answer is "unknown", never `moved`.
        textured = self._ref_texture >= p.defocus_min_texture
        moved = textured and relative < p.moved_similarity
        moved_score = _clip01(1.0 - relative) if moved else 0.0
        ratio = m.sharpness / max(self._ref_sharpness, _EPS)
        defocused = not moved and textured and ratio < p.defocus_ratio
        return TamperState(
            defocused=defocused,
            moved=moved,
            frozen=frozen,
            defocused_score=_clip01(1.0 - ratio) if defocused else 0.0,
            moved_score=moved_score,
            frozen_score=float(frozen),
            learning=False,
        )

    def _frozen(self, image: NDArray[np.uint8]) -> bool:
        """True when this frame is identical to the previous one."""
        identical = self._frames > 0 and cv2.norm(image, self._previous, cv2.NORM_INF) <= _FROZEN_TOLERANCE
        np.copyto(self._previous, image)
        return identical

    def _measure(self, image: NDArray[np.uint8]) -> _Measure:
        """Uniformity, total detail, sharpness (detail over contrast) and texture of the image."""
        np.copyto(self._float, image, casting="unsafe")
        _, std = cv2.meanStdDev(image)
        cv2.GaussianBlur(self._float, (0, 0), 1.0, dst=self._fine)
        cv2.GaussianBlur(self._fine, (0, 0), 2.5, dst=self._coarse)
        cv2.absdiff(self._float, self._fine, dst=self._tmp)
        fine = float(cv2.mean(self._tmp)[0])
        cv2.absdiff(self._fine, self._coarse, dst=self._tmp)
        mid = float(cv2.mean(self._tmp)[0])
        contrast = float(std[0, 0])
        return _Measure(contrast, fine + mid, (fine + mid) / (contrast + 1.0), mid)

    def _edge_map(self) -> None:
        """Coarse gradient magnitude of the lightly blurred image, for comparing views."""
        cv2.Sobel(self._fine, cv2.CV_32F, 1, 0, dst=self._gx)
        cv2.Sobel(self._fine, cv2.CV_32F, 0, 1, dst=self._gy)
        cv2.magnitude(self._gx, self._gy, magnitude=self._tmp)
        cv2.resize(self._tmp, self._edge_size, dst=self._edges, interpolation=cv2.INTER_AREA)

    def _similarity(self) -> float:
        """Normalised correlation of the current edge map with the reference's (1 = same view)."""
        return float(cv2.matchTemplate(self._edges, self._reference, cv2.TM_CCOEFF_NORMED)[0, 0])

    def _learn(self, m: _Measure, *, rate: float) -> None:
        self._ref_detail += rate * (m.detail - self._ref_detail)
        self._ref_sharpness += rate * (m.sharpness - self._ref_sharpness)
        self._ref_texture += rate * (m.texture - self._ref_texture)
        cv2.accumulateWeighted(self._edges, self._reference, rate)


def _clip01(value: float) -> float:
    return min(1.0, max(0.0, value))

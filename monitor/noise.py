"""The per-cell noise model of the motion detector: how large a residual each part of the picture makes
when nothing moves there, so the change threshold follows each region's own noise.

Each grid cell keeps the RMS of the 3x3-averaged residual (RMS, not mean: sparse clutter such as
snowflakes, rain or compression specks raises it too). The level rises slowly and falls fast, so a person
crossing a cell barely raises its threshold; it is learnt fast for the first frames after a (re)start
and, after a light step, every cell is credited at least the typical cell's residual for a few frames
(what was known about each cell no longer holds, and a person covers a few cells only). The per-pixel
threshold base is the cell level, bilinearly spread over the pixels, times the zone's noise factor.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from monitor.grid import cell_means, median

__all__ = ["CellNoise", "noise_factor", "noise_floor"]

# Cell noise rises slowly and falls fast; it starts at a typical level.
_NOISE_UP, _NOISE_DOWN, _NOISE_START = 0.04, 0.25, 2.0
# After a light step the residual is taken as it is for this many frames (learnt at _SETTLE_UP); after a
# (re)start the first _WARM_FRAMES frames are learnt at that rate too.
_SETTLE_FRAMES, _SETTLE_UP, _WARM_FRAMES = 2, 0.3, 4


def noise_factor(sensitivity: int) -> float:
    """Threshold in multiples of a cell's RMS residual noise at a sensitivity of 1-100 (50 -> 5)."""
    return 2.5 + (100 - sensitivity) * 0.05


def noise_floor(sensitivity: int) -> float:
    """Smallest noise level a cell is credited with (levels), so a clean synthetic picture stays sane."""
    return 0.4 + (100 - sensitivity) * 0.008


class CellNoise:
    """Noise level per grid cell and the per-pixel threshold base (level times the noise factor)."""

    def __init__(
        self, grid: tuple[int, int], shape: tuple[int, int], floor: float, factor: NDArray[np.float32]
    ) -> None:
        self.grid = grid
        self.shape = shape
        self._floor = floor
        # One factor for the whole picture (no zones of other sensitivity, no masks) is applied on the
        # grid, before spreading: one full-frame pass less.
        values = np.unique(factor)
        self._factor: float | NDArray[np.float32] = float(values[0]) if values.size == 1 else factor
        self._level = np.full(grid, _NOISE_START, dtype=np.float32)
        # Zero until the first frame is judged (the first comparison rests on the brightness term alone).
        self._base = np.zeros(shape, dtype=np.float32)
        self._settling = 0
        self._warming = 0

    @property
    def base(self) -> NDArray[np.float32]:
        """Per-pixel threshold base: the cell's noise level times the pixel's noise factor."""
        return self._base

    @property
    def level(self) -> NDArray[np.float32]:
        """Noise level per grid cell (RMS levels of the 3x3-averaged residual)."""
        return self._level

    @property
    def settling(self) -> bool:
        """True for the first frames after a light step (the residual is credited as it comes)."""
        return self._settling > 0

    def reset(self) -> None:
        """Back to the typical level (the background is being learnt afresh); the per-pixel base keeps
        the last levels until the next frame is followed."""
        self._level.fill(_NOISE_START)
        self._settling = 0
        self._warming = 0

    def start(self) -> None:
        """The background was (re)started: learn fast for the next frames."""
        self._warming = _WARM_FRAMES

    def step(self, *, relit: bool) -> None:
        """Advance one frame; `relit`: the background was re-lit for a light step on this frame."""
        self._settling = _SETTLE_FRAMES if relit else max(0, self._settling - 1)

    def follow(self, diff: NDArray[np.float32], scratch: NDArray[np.float32]) -> None:
        """Update each cell's level from this frame's absolute residual `diff` (`scratch`: a buffer of
        its shape) and refresh the per-pixel threshold base."""
        cv2.multiply(diff, diff, dst=scratch)
        cells = np.sqrt(cell_means(scratch, self.grid))
        np.maximum(cells, self._floor, out=cells)
        up = _SETTLE_UP if self._settling or self._warming else _NOISE_UP
        self._warming = max(0, self._warming - 1)
        rate = np.where(cells > self._level, up, _NOISE_DOWN).astype(np.float32)
        self._level += rate * (cells - self._level)
        if self._settling:
            # After a light step every cell is credited at least the typical (median) cell's residual: a
            # person covers a few cells and cannot raise it.
            np.maximum(self._level, median(cells), out=self._level)
        self._spread()

    def _spread(self) -> None:
        size = (self.shape[1], self.shape[0])
        if isinstance(self._factor, float):
            cv2.resize(self._level * self._factor, size, dst=self._base, interpolation=cv2.INTER_LINEAR)
        else:
            cv2.resize(self._level, size, dst=self._base, interpolation=cv2.INTER_LINEAR)
            cv2.multiply(self._base, self._factor, dst=self._base)

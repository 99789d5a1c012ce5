"""The illumination (gain) field of the motion detector: how the light changed between the background and
the current frame, as a smooth per-pixel factor.

Per frame: the ratio of the frame's and the background's mean luma in each grid cell (cells mostly masked
off take the overall, median ratio), median-filtered across cells so one object cannot bend it,
extrapolated one cell beyond each edge (so the field keeps its slope up to the border instead of
flattening over the outer half-cell, where a drifting shadow would leave a residual) and spread
bilinearly over the pixels. Light switches, dusk and cloud shadows change this field, not the residual.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from monitor.grid import cell_means, median

__all__ = ["GainField"]

_GAIN_MIN, _GAIN_MAX = 0.05, 20.0
_EPS = 1e-3


class GainField:
    """Per-pixel gain mapping the background onto the current frame, from a coarse grid of cells."""

    def __init__(self, grid: tuple[int, int], valid: NDArray[np.uint8]) -> None:
        self.grid = grid
        h, w = valid.shape
        self.shape = (h, w)
        rows, cols = grid
        self._valid_f = (valid > 0).astype(np.float32)
        self._masked = bool(np.count_nonzero(valid) < h * w)
        self._cover = cell_means(self._valid_f, grid)
        self._cell_ok = self._cover > 0.25
        self._all_ok = bool(self._cell_ok.all())
        self._any_ok = bool(self._cell_ok.any())
        self._pad = (round(h / rows), round(w / cols))
        py, px = self._pad
        self._big = np.zeros((h + 2 * py, w + 2 * px), dtype=np.float32)
        # The field is a view into the padded picture: no copy per frame.
        self._field = self._big[py : py + h, px : px + w]
        self._field.fill(1.0)
        self._tmp = np.zeros(self.shape, dtype=np.float32)

    @property
    def field(self) -> NDArray[np.float32]:
        """The per-pixel gain of the last `estimate` (a view; rows are not contiguous)."""
        return self._field

    def estimate(self, frame: NDArray[np.float32], background: NDArray[np.float32]) -> float:
        """Fill the field with the gain mapping `background` onto `frame`; return the overall (median)
        gain."""
        if self._masked:
            cv2.multiply(frame, self._valid_f, dst=self._tmp)
            frame_cells = cell_means(self._tmp, self.grid)
            cv2.multiply(background, self._valid_f, dst=self._tmp)
            bg_cells = cell_means(self._tmp, self.grid)
        else:
            frame_cells = cell_means(frame, self.grid)
            bg_cells = cell_means(background, self.grid)
        frame_cells += self._cover + _EPS
        bg_cells += self._cover + _EPS
        gain = frame_cells / bg_cells
        np.clip(gain, _GAIN_MIN, _GAIN_MAX, out=gain)
        if self._all_ok:
            overall = median(gain)
        else:
            overall = median(gain[self._cell_ok]) if self._any_ok else 1.0
            gain[~self._cell_ok] = overall
        gain = np.asarray(cv2.medianBlur(gain, 3), dtype=np.float32)
        padded = cv2.copyMakeBorder(gain, 1, 1, 1, 1, cv2.BORDER_REPLICATE)
        padded[0, :] = 2 * padded[1, :] - padded[2, :]
        padded[-1, :] = 2 * padded[-2, :] - padded[-3, :]
        padded[:, 0] = 2 * padded[:, 1] - padded[:, 2]
        padded[:, -1] = 2 * padded[:, -2] - padded[:, -3]
        np.clip(padded, _GAIN_MIN, _GAIN_MAX, out=padded)
        cv2.resize(padded, self._big.shape[::-1], dst=self._big, interpolation=cv2.INTER_LINEAR)
        return overall

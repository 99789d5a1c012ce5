"""Small distant objects: candidates of the analysis-resolution pass confirmed at twice that resolution.

A person 30 px tall in a 1080p picture covers about 1x5 pixels of a 320-wide analysis frame: the 3x3
change test there dilutes it to the level of the threshold. Where a zone's smallest object is only a few
analysis pixels tall, `MotionDetector` lowers its threshold to list candidate blobs and asks `FineCheck`
to look at each one on the finer frame the pipeline decimates anyway (about 640 wide): a background model
kept at that resolution (learnt where the analysis pass sees nothing moving, re-lit by the same gain
field), a 3x3 change test against the noise measured in the candidate's own neighbourhood, and the zone's
minimum size in source pixels at that resolution. Only the candidates' neighbourhoods are compared; the
whole finer frame is only learnt (one weighted add every few frames).
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from monitor.events import Box
from monitor.grid import median

__all__ = ["FineCheck"]

# A fine-resolution change counts when it exceeds this many robust standard deviations of the residual
# around it, plus a share of the brightness (the gain model's own error grows with luma).
_K_SIGMA, _RELATIVE, _SIGMA_FLOOR = 5.0, 0.03, 0.8
# Neighbourhood compared around a candidate, in multiples of the smallest object's size (fine pixels).
_MARGIN = 1.0
# The finer background is learnt every this many frames (at the rate that many frames would add up to):
# stretching the analysis foreground mask to the finer size costs more than everything else here.
_LEARN_EVERY = 8
# A confirmed blob fills at least this share of the square of the smallest object's size.
_MIN_FILL = 0.15


class FineCheck:
    """Background model at the finer resolution, and the confirmation of candidate boxes on it."""

    def __init__(self, fine_shape: tuple[int, int], shape: tuple[int, int], rate: float) -> None:
        self.fine_shape = fine_shape
        self.shape = shape
        self.scale = (fine_shape[1] / shape[1], fine_shape[0] / shape[0])
        self._rate = 1.0 - (1.0 - rate) ** _LEARN_EVERY
        self._frames = 0
        self._background = np.zeros(fine_shape, dtype=np.float32)
        self._still = np.zeros(fine_shape, dtype=np.uint8)
        self._initialised = False

    def reset(self) -> None:
        """Forget the background; the next frame becomes it."""
        self._initialised = False

    def learn(self, fine: NDArray[np.uint8], still: NDArray[np.uint8]) -> None:
        """Learn `fine` into the background where `still` (analysis resolution, 255 = nothing moving) says."""
        if not self._initialised:
            np.copyto(self._background, fine, casting="unsafe")
            self._initialised, self._frames = True, 0
            return
        self._frames += 1
        if self._frames % _LEARN_EVERY:
            return
        size = (self.fine_shape[1], self.fine_shape[0])
        cv2.resize(still, size, dst=self._still, interpolation=cv2.INTER_NEAREST)
        cv2.accumulateWeighted(fine, self._background, self._rate, mask=self._still)

    def absorb(self, fine: NDArray[np.uint8], stale: NDArray[np.bool_]) -> None:
        """Take the frame's value where the analysis pass absorbed a stale change into its background."""
        size = (self.fine_shape[1], self.fine_shape[0])
        up = cv2.resize(stale.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST) > 0
        self._background[up] = fine[up]

    def confirm(
        self, fine: NDArray[np.uint8], box: Box, gain: NDArray[np.float32], min_size: float
    ) -> Box | None:
        """The largest changed blob at least `min_size` fine pixels long around the analysis-resolution
        `box`, as a box in analysis pixels; None when the finer picture shows no such object there."""
        if not self._initialised:
            return None
        sx, sy = self.scale
        fh, fw = self.fine_shape
        m = max(3, round(_MARGIN * min_size))
        x0, y0 = max(0, round(box.x * sx) - m), max(0, round(box.y * sy) - m)
        x1, y1 = min(fw, round((box.x + box.w) * sx) + m), min(fh, round((box.y + box.h) * sy) + m)
        if x1 - x0 < 5 or y1 - y0 < 5:
            return None
        gx0, gy0 = int(x0 / sx), int(y0 / sy)
        gx1 = min(self.shape[1], max(gx0 + 1, int(np.ceil(x1 / sx))))
        gy1 = min(self.shape[0], max(gy0 + 1, int(np.ceil(y1 / sy))))
        # The gain field is smooth (cells of 20 analysis pixels): stretching its crop is close enough.
        local_gain = cv2.resize(gain[gy0:gy1, gx0:gx1], (x1 - x0, y1 - y0), interpolation=cv2.INTER_LINEAR)
        prediction = self._background[y0:y1, x0:x1]
        prediction = prediction * local_gain
        residual = np.asarray(
            cv2.blur(fine[y0:y1, x0:x1].astype(np.float32) - prediction, (3, 3)), np.float32
        )
        centre = median(residual)
        deviation = np.abs(residual - centre)
        sigma = max(_SIGMA_FLOOR, 1.4826 * median(deviation))
        changed = (deviation > _K_SIGMA * sigma + _RELATIVE * prediction).astype(np.uint8)
        contours, _ = cv2.findContours(changed, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        best: tuple[float, Box] | None = None
        for contour in contours:
            x, y, w, h = cv2.boundingRect(contour)
            area = cv2.contourArea(contour) + cv2.arcLength(contour, closed=True) / 2 + 1
            if max(w, h) < min_size or area < _MIN_FILL * min_size * min_size:
                continue
            if best is None or area > best[0]:
                found = Box(
                    int((x0 + x) / sx),
                    int((y0 + y) / sy),
                    max(1, round(w / sx)),
                    max(1, round(h / sy)),
                )
                best = (area, found)
        return None if best is None else best[1]

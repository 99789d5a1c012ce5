"""The frames the detection core consumes, and the source interface that camera adapters implement.

`monitor` owns this interface; `devices.adapters` provide the implementations (RTSP, file, synthetic).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Protocol, Self, runtime_checkable

import cv2
import numpy as np
from numpy.typing import NDArray

__all__ = ["Frame", "FrameSource", "scaled_size"]


def scaled_size(height: int, width: int, to_width: int, *, even: bool = False) -> tuple[int, int]:
    """(width, height) of a `height` x `width` picture scaled to `to_width` wide, aspect kept; `even`
    rounds both down/to even numbers (4:2:0 chroma planes are half size)."""
    if not even:
        return to_width, max(2, round(height * to_width / width))
    to_width = to_width // 2 * 2
    return to_width, max(2, round(height * to_width / width / 2) * 2)


@dataclass(frozen=True, slots=True, eq=False)
class Frame:
    """One decoded luma (Y) frame: `image` is a 2-D uint8 array, `ts` the presentation time in seconds.

    `color`, when the source can render one, makes a BGR picture of the same frame on demand, `width`
    pixels wide: the detector never calls it; the live view and alert snapshots do, so colour costs nothing
    while nobody looks."""

    camera_id: str
    ts: float
    image: NDArray[np.uint8]
    index: int = 0
    color: Callable[[int], NDArray[np.uint8]] | None = None

    def picture(self, width: int | None = None) -> NDArray[np.uint8]:
        """The frame as a person sees it, at most `width` pixels wide (aspect kept): BGR if the source
        renders colour, else luma. The result may be the frame's own read-only plane: copy before drawing."""
        height, full = self.image.shape[:2]
        width = full if width is None or width >= full else max(16, width)
        if self.color is not None:
            return self.color(width)
        if width == full:
            return self.image
        size = scaled_size(height, full, width)
        return np.asarray(cv2.resize(self.image, size, interpolation=cv2.INTER_AREA), dtype=np.uint8)


@runtime_checkable
class FrameSource(Protocol):
    """Anything that yields luma frames: `open()`, then `read()` until it returns None, then `close()`."""

    def open(self) -> None:
        """Connect or open the file; raise the adapter's error type on failure."""

    def read(self) -> Frame | None:
        """Return the next frame, or None at the end of a finite source."""

    def close(self) -> None:
        """Release the connection or file; safe to call twice."""

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

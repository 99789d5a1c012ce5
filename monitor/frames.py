"""The frames the detection core consumes, and the source interface that camera adapters implement.

`monitor` owns this interface; `devices.adapters` provide the implementations (RTSP, file, synthetic).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import TracebackType
from typing import Protocol, Self, runtime_checkable

import numpy as np
from numpy.typing import NDArray

__all__ = ["Frame", "FrameSource"]


@dataclass(frozen=True, slots=True)
class Frame:
    """One decoded luma (Y) frame: `image` is a 2-D uint8 array, `ts` the presentation time in seconds."""

    camera_id: str
    ts: float
    image: NDArray[np.uint8]
    index: int = 0


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

"""What every adapter shares: stream facts, counters, the analysis-rate gate and the JPEG snapshot buffer."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Self

import cv2
import numpy as np
from numpy.typing import NDArray

from monitor.frames import Frame

__all__ = ["RateGate", "SnapshotBuffer", "SourceBase", "SourceStats", "StreamInfo", "encode_jpeg"]


@dataclass(frozen=True, slots=True)
class StreamInfo:
    """What the stream turned out to be once opened."""

    codec: str
    width: int
    height: int
    fps: float | None


@dataclass(slots=True)
class SourceStats:
    """Counters an adapter keeps while reading; the supervisor turns them into health."""

    frames_decoded: int = 0
    frames_delivered: int = 0
    frames_skipped: int = 0
    decode_errors: int = 0
    bytes_read: int = 0


class RateGate:
    """Pass frames at most `fps` times per second of presentation time; None passes every frame."""

    def __init__(self, fps: float | None) -> None:
        if fps is not None and fps <= 0:
            raise ValueError("fps must be positive")
        self._period = 1.0 / fps if fps else 0.0
        self._next: float | None = None

    def accept(self, ts: float) -> bool:
        """Return True if the frame at presentation time `ts` (seconds) should be analysed."""
        if self._period == 0.0:
            return True
        if self._next is None or ts < self._next - 4 * self._period:
            self._next = ts  # first frame, or the clock jumped back (loop, reconnect)
        if ts < self._next - self._period * 0.1:
            return False
        # Keep the cadence steady, but never fall behind by more than one period.
        self._next = max(self._next + self._period, ts + self._period * 0.5)
        return True

    def reset(self) -> None:
        """Forget the cadence (after a reconnect or a seek)."""
        self._next = None


Render = Callable[[Frame, int | None], bytes]


class SnapshotBuffer:
    """Holds the latest frame and renders it to JPEG only when asked (not per frame), once per frame and
    width however many ask; thread-safe. `render(frame, width)` makes the JPEG (default: the frame's
    picture, in colour where the source has it)."""

    def __init__(self, render: Render | None = None, quality: int = 80) -> None:
        self._render = render or (lambda frame, width: encode_jpeg(frame.picture(width), quality))
        self._lock = threading.Lock()
        self._frame: Frame | None = None
        self._cached: dict[int | None, bytes] = {}  # by width, for `_frame`

    def put(self, frame: Frame) -> None:
        """Remember `frame` as the latest one (no copy, no encoding)."""
        with self._lock:
            self._frame, self._cached = frame, {}

    @property
    def latest(self) -> Frame | None:
        """The latest frame, or None before the first."""
        return self._frame

    def jpeg(self, width: int | None = None) -> bytes | None:
        """The latest frame as JPEG bytes, at most `width` wide; rendered once per frame and width."""
        with self._lock:
            frame, cached = self._frame, self._cached.get(width)
        if frame is None or cached is not None:
            return cached
        data = self._render(frame, width)
        with self._lock:
            if self._frame is frame:
                self._cached[width] = data
        return data


def encode_jpeg(image: NDArray[np.uint8], quality: int = 80) -> bytes:
    """Encode a luma (or BGR) image as JPEG bytes."""
    ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ValueError("JPEG encoding failed")
    return bytes(buf.tobytes())


class SourceBase:
    """Context-manager plumbing and the snapshot buffer for adapters; subclasses do open/read/close."""

    camera_id: str

    def __init__(self, *, camera_id: str) -> None:
        self.camera_id = camera_id
        self.stats = SourceStats()
        self.snapshots = SnapshotBuffer()
        self.info: StreamInfo | None = None

    def open(self) -> None:
        """Connect or open; subclasses override."""
        raise NotImplementedError

    def read(self) -> Frame | None:
        """Return the next frame; subclasses override."""
        raise NotImplementedError

    def close(self) -> None:
        """Release resources; subclasses override."""
        raise NotImplementedError

    def snapshot_jpeg(self) -> bytes | None:
        """Return the latest delivered frame as JPEG, or None before the first."""
        return self.snapshots.jpeg()

    def _deliver(self, frame: Frame) -> Frame:
        self.stats.frames_delivered += 1
        self.snapshots.put(frame)
        return frame

    def __enter__(self) -> Self:
        self.open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

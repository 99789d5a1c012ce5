"""Decode a video file to luma (Y) frames at an analysis rate with PyAV, for the detection core."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import av
import numpy as np
from numpy.typing import NDArray

from core.errors import Invalid
from monitor.frames import Frame

__all__ = ["NotAVideo", "VideoFile", "luma_plane"]

_PLANAR_YUV = {"yuv420p", "yuvj420p", "yuv422p", "yuvj422p", "yuv444p", "yuvj444p", "nv12", "nv21", "gray"}


class NotAVideo(Invalid):
    """The file is missing, unreadable or holds no decodable video stream."""

    code = "not_a_video"


def luma_plane(frame: av.VideoFrame) -> NDArray[np.uint8]:
    """Return the Y plane of a decoded frame as a contiguous 2-D uint8 array (no colour conversion)."""
    if frame.format.name in _PLANAR_YUV:
        plane = frame.planes[0]
        rows = np.frombuffer(memoryview(plane), dtype=np.uint8).reshape(frame.height, plane.line_size)
        return np.ascontiguousarray(rows[:, : frame.width])
    return np.asarray(frame.to_ndarray(format="gray"), dtype=np.uint8)


class VideoFile:
    """A video file read as luma frames sampled at `fps`; `ts` is seconds from the first frame."""

    def __init__(self, path: Path, *, fps: float, camera_id: str = "") -> None:
        if not path.is_file():
            raise NotAVideo(f"{path}: no such file", field="video")
        self.path = path
        self.fps = fps
        self.camera_id = camera_id
        try:
            self._container = av.open(str(path))
        except (av.error.FFmpegError, ValueError, OSError) as exc:
            raise NotAVideo(f"{path}: not a video file ({exc.__class__.__name__})", field="video") from exc
        if not self._container.streams.video:
            self._container.close()
            raise NotAVideo(f"{path}: has no video stream", field="video")
        self._stream = self._container.streams.video[0]
        self._stream.thread_type = "AUTO"
        self.frame_shape = (self._stream.codec_context.height, self._stream.codec_context.width)
        if self.frame_shape[0] <= 0 or self.frame_shape[1] <= 0:
            self._container.close()
            raise NotAVideo(f"{path}: video stream has no picture size", field="video")

    @property
    def duration_s(self) -> float | None:
        """The file's length in seconds, when its container says."""
        duration = self._container.duration
        return duration / 1_000_000 if duration else None

    def frames(self) -> Iterator[Frame]:
        """Yield luma frames at the analysis rate (dropping the frames in between)."""
        step = 1.0 / self.fps
        start: float | None = None
        next_ts = 0.0
        index = 0
        rate = float(self._stream.average_rate or self.fps)
        try:
            for count, decoded in enumerate(self._container.decode(self._stream)):
                t = decoded.time if decoded.time is not None else count / rate
                start = t if start is None else start
                ts = t - start
                if ts + 1e-6 < next_ts:
                    continue
                next_ts += step * max(1, int((ts - next_ts) / step + 1e-6) + 1)
                yield Frame(self.camera_id, round(ts, 6), luma_plane(decoded), index)
                index += 1
        except av.error.FFmpegError as exc:
            if index == 0:
                raise NotAVideo(f"{self.path}: cannot decode video ({exc.__class__.__name__})") from exc

    def close(self) -> None:
        """Close the file."""
        self._container.close()

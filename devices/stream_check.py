"""Try a stream before adding it: connect, read a few frames, time it (`controlroom camera test` and the
console's "test" button run this same check)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from devices.adapters import open_source
from devices.adapters.base import encode_jpeg
from devices.errors import DeviceError
from devices.urls import mask_url
from monitor.frames import Frame

__all__ = ["PICTURE_WIDTH", "StreamReport", "grab_frames", "measure_stream"]

PICTURE_WIDTH = 640


@dataclass(frozen=True, slots=True)
class StreamReport:
    """What `camera test` measured."""

    codec: str
    width: int
    height: int
    declared_fps: float | None
    measured_fps: float | None
    connect_ms: float
    first_frame_ms: float
    frames: int
    picture: bytes | None = None  # the first frame as JPEG, when asked for


def measure_stream(
    url: str,
    *,
    user: str | None,
    password: str | None,
    frames: int,
    seconds: float,
    timeout: float,
    picture: bool = False,
) -> StreamReport:
    """Connect, read at least `frames` frames and `seconds` of stream, and time it; `DeviceError` on failure;
    with `picture`, keep the first frame as a JPEG (the console's "test" button shows it).

    The measured rate counts only the second half of the reading time: the first half drains what the
    demuxer buffered while probing, which arrives in a burst.
    """
    source = open_source(
        url, camera_id="test", user=user, password=password, open_timeout=timeout, read_timeout=timeout
    )
    t0 = time.monotonic()
    with source:
        t_open = time.monotonic()
        first = source.read()
        t_first = time.monotonic()
        if first is None:
            raise DeviceError(f"the stream ended before its first frame: {mask_url(url)}", reason="no frames")
        arrivals = [t_first]
        while len(arrivals) < frames or arrivals[-1] - t_first < seconds:
            if source.read() is None:
                break
            arrivals.append(time.monotonic())
    count, t_end = len(arrivals), arrivals[-1]
    info = source.info
    t_mid = (t_first + t_end) / 2
    late = sum(1 for t in arrivals if t > t_mid)
    measured = late / (t_end - t_mid) if late > 1 and t_end > t_mid else None
    return StreamReport(
        codec=info.codec if info else "?",
        width=info.width if info else first.image.shape[1],
        height=info.height if info else first.image.shape[0],
        declared_fps=info.fps if info else None,
        measured_fps=measured,
        connect_ms=(t_open - t0) * 1000,
        first_frame_ms=(t_first - t0) * 1000,
        frames=count,
        picture=encode_jpeg(first.picture(PICTURE_WIDTH)) if picture else None,
    )


def grab_frames(
    url: str, *, count: int, timeout: float, user: str | None = None, password: str | None = None
) -> list[Frame]:
    """Read `count` frames from a stream (fewer if it ends); `DeviceError` when it cannot be read at all."""
    source = open_source(
        url, camera_id="grab", user=user, password=password, open_timeout=timeout, read_timeout=timeout
    )
    frames: list[Frame] = []
    with source:
        while len(frames) < count and (frame := source.read()) is not None:
            frames.append(frame)
    if not frames:
        raise DeviceError(f"the stream ended before its first frame: {mask_url(url)}", reason="no frames")
    return frames

"""Writing one segment: packets remuxed by stream copy into a fragmented MP4, hashed as the bytes go out.

The file is `<name>.mp4.part` while written and renamed to `<name>.mp4` when complete, so a crash leaves
at most one `.part` per camera; `repair_part` turns what is readable of it into a normal segment.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import os
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import av.container
import av.stream
import av.video.stream

from footage.storage import PART_SUFFIX

__all__ = ["FRAGMENTED_MP4", "HashingFile", "SegmentFile", "SegmentWriter", "probe", "repair_part"]

FRAGMENTED_MP4 = {"movflags": "frag_keyframe+empty_moov+default_base_moof"}


def _frame_step(stream: av.video.stream.VideoStream) -> int:
    """One frame's duration in the stream's time base (0 when the rate is unknown)."""
    rate, time_base = stream.average_rate or stream.guessed_rate, stream.time_base
    if not rate or not time_base:
        return 0
    return max(int(1 / (rate * time_base)), 0)


class HashingFile(io.RawIOBase):
    """A write-only, forward-only file that hashes every byte written (the muxer never seeks back)."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self._file = path.open("wb")
        self.digest = hashlib.sha256()
        self.size = 0

    def writable(self) -> bool:
        """Always writable."""
        return True

    def write(self, data: Any) -> int:
        """Write and hash `data`."""
        written = self._file.write(data)
        self.digest.update(memoryview(data)[:written])
        self.size += written
        return written

    def tell(self) -> int:
        """Bytes written so far."""
        return self.size

    def close(self) -> None:
        """Flush to disk and close."""
        if not self._file.closed:
            try:
                self._file.flush()
                os.fsync(self._file.fileno())
            finally:
                self._file.close()
        super().close()


@dataclass(frozen=True, slots=True)
class SegmentFile:
    """A finished segment file and what is known about it."""

    path: Path
    start: dt.datetime
    end: dt.datetime
    size: int
    sha256: str
    frames: int
    codec: str
    width: int
    height: int


class SegmentWriter:
    """One segment being written: `mux(packet)` packets of one video stream, then `close()` or `abort()`."""

    def __init__(self, path: Path, template: av.video.stream.VideoStream, start: dt.datetime) -> None:
        self.final_path = path
        self.part_path = path.with_name(path.name + PART_SUFFIX)
        self.part_path.parent.mkdir(parents=True, exist_ok=True)
        self.start = start
        self.time_base: Fraction = template.time_base or Fraction(1, 90000)
        self.codec = template.codec_context.codec.canonical_name  # h264, also for an encoder (libx264)
        self.width, self.height = template.codec_context.width, template.codec_context.height
        self.frames = 0
        self._file = HashingFile(self.part_path)
        try:
            self._out = av.open(self._file, "w", format="mp4", options=FRAGMENTED_MP4)
            self._stream = self._out.add_stream_from_template(template)
        except BaseException:
            self._file.close()
            self.part_path.unlink(missing_ok=True)
            raise
        self._offset: int | None = None
        self._first_pts = 0
        self._last_pts = 0
        self._step = _frame_step(template)

    def mux(self, packet: av.Packet[Any]) -> None:
        """Write one packet (timestamps rebased to start at zero)."""
        assert packet.dts is not None
        if self._offset is None:
            self._offset = packet.dts
            self._first_pts = (packet.pts if packet.pts is not None else packet.dts) - self._offset
        pts = (packet.pts if packet.pts is not None else packet.dts) - self._offset
        if self.frames and pts > self._last_pts:
            self._step = pts - self._last_pts
        self._last_pts = max(self._last_pts, pts)
        packet.dts -= self._offset
        packet.pts = pts
        packet.stream = self._stream
        self._out.mux(packet)
        self.frames += 1

    @property
    def bytes_written(self) -> int:
        """Bytes of the file so far."""
        return self._file.size

    @property
    def duration_s(self) -> float:
        """Seconds of video written so far."""
        return float((self._last_pts - self._first_pts + self._step) * self.time_base)

    def close(self, *, start: dt.datetime | None = None, path: Path | None = None) -> SegmentFile | None:
        """Finish the file and rename it into place; None when it holds no frame (then it is removed).
        `start` and `path` correct the segment's start time and final name (known better by now)."""
        self._out.close()
        self._file.close()
        if self.frames == 0:
            self.part_path.unlink(missing_ok=True)
            return None
        start, final = start or self.start, path or self.final_path
        final.parent.mkdir(parents=True, exist_ok=True)
        self.part_path.rename(final)
        return SegmentFile(
            path=final,
            start=start,
            end=start + dt.timedelta(seconds=max(self.duration_s, 0.001)),
            size=self._file.size,
            sha256=self._file.digest.hexdigest(),
            frames=self.frames,
            codec=self.codec,
            width=self.width,
            height=self.height,
        )

    def abort(self) -> None:
        """Give up this segment (disk full): close what can be closed and delete the partial file."""
        for close in (self._out.close, self._file.close):
            with contextlib.suppress(OSError, av.FFmpegError):
                close()
        self.part_path.unlink(missing_ok=True)


def probe(path: Path) -> tuple[float, int]:
    """Seconds of video and frame count of a segment file (by reading its packets)."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        first: int | None = None
        last = frames = 0
        step = _frame_step(stream)
        for packet in container.demux(stream):
            if packet.pts is None:
                continue
            if first is None:
                first = packet.pts
            if frames and packet.pts > last:
                step = packet.pts - last
            last, frames = max(last, packet.pts), frames + 1
        time_base = stream.time_base or Fraction(1, 90000)
        return (float((last - (first or 0) + step) * time_base) if frames else 0.0), frames


def repair_part(part: Path, start: dt.datetime) -> SegmentFile | None:
    """Remux the readable packets of a half-written segment into a complete one; None (and removed) if none."""
    final = part.with_name(part.name.removesuffix(PART_SUFFIX))
    try:
        source = av.open(str(part))
    except (av.FFmpegError, OSError):
        part.unlink(missing_ok=True)
        return None
    writer: SegmentWriter | None = None
    try:
        stream = source.streams.video[0] if source.streams.video else None
        if stream is not None:
            writer = SegmentWriter(final.with_name(final.name + ".fix"), stream, start)
            try:
                for packet in source.demux(stream):
                    if packet.dts is not None and packet.size:
                        writer.mux(packet)
            except (av.FFmpegError, OSError):
                pass  # the torn tail of the file
    finally:
        source.close()
    part.unlink(missing_ok=True)
    if writer is None:
        return None
    fixed = writer.close()
    if fixed is None:
        return None
    fixed.path.rename(final)
    return SegmentFile(**{**_fields(fixed), "path": final})


def _fields(segment: SegmentFile) -> dict[str, Any]:
    return {name: getattr(segment, name) for name in SegmentFile.__slots__}

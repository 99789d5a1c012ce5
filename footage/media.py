"""Cutting recorded segments into one playable file for a time range: stream copy, or (for a camera with
privacy masks, D6) decode, blank the masks and re-encode. Only frames inside the range are written: the
file starts at the first keyframe at or after `start` and stops before `end`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import av.video.stream
import cv2
import numpy as np

from config.detection import MaskConfig
from footage.writer import FRAGMENTED_MP4, HashingFile

__all__ = ["ClipResult", "SourceSegment", "write_clip"]

Progress = Callable[[float], None]
_OUT_TB = Fraction(1, 90000)


@dataclass(frozen=True, slots=True)
class SourceSegment:
    """A recorded segment to read: its file and wall-clock start."""

    path: Path
    start: dt.datetime
    sha256: str


@dataclass(frozen=True, slots=True)
class ClipResult:
    """The written file: its hash, size, frame count and the wall times of its first and last frame."""

    sha256: str
    size: int
    frames: int
    first: dt.datetime | None
    last: dt.datetime | None
    masked: bool


def _packets(
    sources: Sequence[SourceSegment], start: dt.datetime, end: dt.datetime
) -> Iterator[tuple[Any, av.video.stream.VideoStream, dt.datetime]]:
    """(packet, its stream, its wall time) of every packet inside [start, end), from the first keyframe on.

    Segments may overlap (a restarted recorder, two writers): what an earlier segment covered is skipped in a
    later one, which resumes at its next keyframe, so wall times never run backwards into the muxer."""
    started, covered = False, None
    for source in sources:
        resync, newest = False, covered
        with av.open(str(source.path)) as container:
            stream = container.streams.video[0]
            time_base = stream.time_base or Fraction(1, 90000)
            first: int | None = None
            for packet in container.demux(stream):
                if packet.pts is None or not packet.size:
                    continue
                first = packet.pts if first is None else first
                wall = source.start + dt.timedelta(seconds=float((packet.pts - first) * time_base))
                if wall >= end:
                    return
                if wall < start or (covered is not None and wall <= covered):
                    resync = started
                    continue
                if (not started or resync) and not packet.is_keyframe:
                    continue
                started, resync = True, False
                newest = wall if newest is None else max(newest, wall)
                yield packet, stream, wall
        covered = newest


def _polygons(masks: Sequence[MaskConfig]) -> list[np.ndarray]:
    return [np.array([[round(x), round(y)] for x, y in m.polygon], dtype=np.int32) for m in masks]


class _Out:
    """The output container: stream copy (from the first packet's stream) or re-encode with masks blanked."""

    def __init__(self, file: HashingFile, masks: Sequence[MaskConfig]) -> None:
        self.container = av.open(file, "w", format="mp4", options=FRAGMENTED_MP4)
        self.polygons = _polygons(masks)
        self.stream: Any = None
        self.decoder: Any = None
        self.origin: dt.datetime | None = None

    def _open(self, template: av.video.stream.VideoStream) -> None:
        if not self.polygons:
            self.stream = self.container.add_stream_from_template(template)
            return
        ctx = template.codec_context
        self.decoder = av.CodecContext.create(ctx.name, "r")
        self.decoder.extradata = ctx.extradata
        self.stream = self.container.add_stream("libx264", rate=template.average_rate or 25)
        self.stream.width, self.stream.height, self.stream.pix_fmt = ctx.width, ctx.height, "yuv420p"
        self.stream.time_base = _OUT_TB
        self.stream.options = {"preset": "veryfast", "crf": "23", "g": "50", "bf": "0"}

    def write(self, packet: Any, template: av.video.stream.VideoStream, wall: dt.datetime) -> None:
        if self.stream is None:
            self._open(template)
            self.origin = wall
        assert self.origin is not None
        ticks = round((wall - self.origin).total_seconds() * 90000)
        if self.decoder is None:
            time_base = packet.time_base or template.time_base or _OUT_TB
            pts = round(ticks / 90000 / time_base)
            dts_shift = (packet.pts - packet.dts) if packet.dts is not None else 0
            packet.pts, packet.dts, packet.stream = pts, pts - dts_shift, self.stream
            self.container.mux(packet)
            return
        for frame in self.decoder.decode(packet):
            image = frame.to_ndarray(format="bgr24")
            cv2.fillPoly(image, self.polygons, (0, 0, 0))
            out = av.VideoFrame.from_ndarray(image, format="bgr24").reformat(format="yuv420p")
            out.pts, out.time_base = ticks, _OUT_TB
            self.container.mux(self.stream.encode(out))

    def close(self) -> None:
        if self.decoder is not None and self.stream is not None:
            self.container.mux(self.stream.encode(None))
        self.container.close()


def write_clip(
    sources: Sequence[SourceSegment],
    start: dt.datetime,
    end: dt.datetime,
    target: Path,
    *,
    masks: Sequence[MaskConfig] = (),
    progress: Progress | None = None,
) -> ClipResult:
    """Write the frames of `sources` inside [start, end) to `target` (fragmented MP4), masks blanked if any."""
    target.parent.mkdir(parents=True, exist_ok=True)
    file = HashingFile(target)
    out = _Out(file, masks)
    frames, first, last = 0, None, None
    span = max((end - start).total_seconds(), 1e-6)
    try:
        for packet, stream, wall in _packets(sources, start, end):
            out.write(packet, stream, wall)
            frames += 1
            first, last = first or wall, wall
            if progress is not None and frames % 50 == 0:
                progress(min((wall - start).total_seconds() / span, 1.0))
    finally:
        out.close()
        file.close()
    if progress is not None:
        progress(1.0)
    return ClipResult(file.digest.hexdigest(), file.size, frames, first, last, bool(masks))

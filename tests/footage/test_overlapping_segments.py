"""Playback over overlapping segments (a restarted recorder, two writers) plays each moment once."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import av

from footage.media import SourceSegment, write_clip

T0 = dt.datetime(2026, 11, 25, 8, 0, tzinfo=dt.UTC)


def _first_seconds(clip: Path, seconds: float, target: Path) -> Path:
    """A segment file: the clip's first `seconds`, stream-copied."""
    with av.open(str(clip)) as source, av.open(str(target), "w") as out:
        stream = source.streams.video[0]
        copy = out.add_stream_from_template(stream)
        for packet in source.demux(stream):
            if packet.pts is None or not packet.size:
                continue
            if float(packet.pts * stream.time_base) >= seconds:
                break
            packet.stream = copy
            out.mux(packet)
    return target


def test_overlapping_segments_make_one_clip_with_rising_timestamps(clip: Path, tmp_path: Path) -> None:
    sources = [
        SourceSegment(path=_first_seconds(clip, 6, tmp_path / "a.mp4"), start=T0, sha256=""),
        SourceSegment(path=clip, start=T0 + dt.timedelta(seconds=4), sha256=""),
    ]
    target = tmp_path / "out.mp4"
    result = write_clip(sources, T0, T0 + dt.timedelta(seconds=10), target)
    assert result.first == T0
    assert result.last is not None and result.last < T0 + dt.timedelta(seconds=10)
    assert 240 <= result.frames <= 250  # 10 s at 25 fps, each moment once
    with av.open(str(target)) as container:
        stream = container.streams.video[0]
        times = [float(p.pts * stream.time_base) for p in container.demux(stream) if p.pts is not None]
    assert times == sorted(times) and len(times) == len(set(times))

"""The recorder's minimum-delay anchor, fed the real packets of a PyAV-encoded H.264 file with crafted
arrival times: a burst after connecting (the server's buffered GOP, FFmpeg's probe read-ahead) does not
make the times late, and a camera clock drifting late re-anchors."""

from __future__ import annotations

import datetime as dt
import itertools
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from footage.anchor import Anchor

FPS = 25
CONNECTED = dt.datetime(2026, 12, 3, 12, 0, tzinfo=dt.UTC)  # the wall time of pts 0
NETWORK_S = 0.02  # the delay of a packet sent live


@pytest.fixture(scope="module")
def packets(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[tuple[int, bool]], Fraction]:
    """(pts, keyframe) of every packet of a 6 s 25 fps H.264 clip with a keyframe every second."""
    path = Path(tmp_path_factory.mktemp("anchor")) / "clip.mp4"
    rng = np.random.default_rng(7)
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=FPS, options={"g": str(FPS), "preset": "ultrafast"})
        stream.width, stream.height, stream.pix_fmt = 160, 96, "yuv420p"
        for i in range(6 * FPS):
            picture = rng.integers(0, 255, (96, 160, 3), dtype=np.uint8)
            frame = av.VideoFrame.from_ndarray(picture, format="rgb24")
            frame.pts = i
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    with av.open(str(path)) as source:
        video = source.streams.video[0]
        found = [(p.pts, p.is_keyframe) for p in source.demux(video) if p.pts is not None and p.size]
        assert video.time_base is not None
        return sorted(found), video.time_base


def captured(pts: int, time_base: Fraction) -> dt.datetime:
    return CONNECTED + dt.timedelta(seconds=float(pts * time_base))


def test_a_burst_after_connecting_only_moves_the_anchor_earlier_until_it_is_exact(packets) -> None:
    found, time_base = packets
    burst_until = CONNECTED + dt.timedelta(seconds=1.5)  # 1.5 s of stream arrive at once, then live
    anchor = Anchor(time_base)
    estimates = []
    for pts, _ in found:
        arrival = max(captured(pts, time_base) + dt.timedelta(seconds=NETWORK_S), burst_until)
        anchor.observe(pts, arrival)
        estimates.append((anchor.at(0) - CONNECTED).total_seconds())
    assert estimates[0] == pytest.approx(1.5 - float(found[0][0] * time_base), abs=1e-3)
    assert all(b <= a + 1e-6 for a, b in itertools.pairwise(estimates)), "never moves late"
    assert min(estimates) >= NETWORK_S - 1e-3, "never earlier than the pictures were taken"
    assert estimates[-1] == pytest.approx(NETWORK_S, abs=1e-3)
    keyframe = next(pts for pts, key in found if key and pts * time_base >= 2)
    assert anchor.at(keyframe) == pytest.approx(captured(keyframe, time_base), abs=dt.timedelta(seconds=0.03))
    assert anchor.epoch == 0


def test_the_anchor_follows_a_camera_clock_that_falls_behind_by_more_than_the_limit(packets) -> None:
    found, time_base = packets
    anchor = Anchor(time_base, reanchor_s=1.0)
    for pts, _ in found:  # the camera's clock runs 40 % slow: its pictures arrive ever later
        seconds = float(pts * time_base) * 1.4
        anchor.observe(pts, CONNECTED + dt.timedelta(seconds=seconds + NETWORK_S))
    last = found[-1][0]
    arrived = CONNECTED + dt.timedelta(seconds=float(last * time_base) * 1.4 + NETWORK_S)
    assert anchor.epoch >= 1, "a late drift beyond the limit re-anchors"
    assert dt.timedelta(0) <= arrived - anchor.at(last) <= dt.timedelta(seconds=1.0)

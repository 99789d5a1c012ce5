"""The demo cameras' encoder: H.264 from numpy pictures, in the stream's time base, a keyframe a second.
(Its packets reach the recorder through `devices.packet_feed`, as a real camera's do: tests/footage/
test_demo_recording.py.)"""

from __future__ import annotations

import numpy as np
import pytest

from devices.demo_encoder import H264Encoder


def _pictures(n: int, width: int = 160, height: int = 90) -> list[np.ndarray]:
    rng = np.random.default_rng(1)
    base = rng.integers(0, 255, (height, width), dtype=np.uint8)
    return [np.roll(base, i, axis=1) for i in range(n)]


def test_the_encoder_makes_h264_in_the_streams_time_base_with_a_keyframe_a_second() -> None:
    encoder = H264Encoder(162, 90, 10)  # cropped to a multiple of 4
    packets = [p for picture in _pictures(25, 162) for p in encoder.encode(picture)]
    assert (encoder.width, encoder.height) == (160, 88)
    assert encoder.stream.codec_context.codec.canonical_name == "h264"
    assert len(packets) == 25
    assert all(p.time_base == encoder.stream.time_base for p in packets)
    assert [i for i, p in enumerate(packets) if p.is_keyframe] == [0, 10, 20]
    step = packets[1].pts - packets[0].pts
    assert step * encoder.stream.time_base == pytest.approx(0.1)

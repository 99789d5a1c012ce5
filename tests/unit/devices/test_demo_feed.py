"""The demo feed: H.264 from numpy pictures, a subscriber starting at a keyframe with packets of its own, a
restarted reader ending its subscribers, a subscriber that falls behind dropped rather than buffered."""

from __future__ import annotations

import numpy as np
import pytest

from devices.demo_feed import DemoFeed, H264Encoder


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


def test_a_subscriber_starts_at_a_keyframe_and_a_restart_ends_it() -> None:
    feed, encoder = DemoFeed(), H264Encoder(160, 90, 10)
    assert feed.subscribe(wait_s=0) is None  # no reader yet
    pictures = _pictures(30)
    for picture in pictures[:3]:
        for p in encoder.encode(picture):
            feed.publish(p, encoder)
    sub = feed.subscribe(wait_s=0)
    assert sub is not None and sub.stream is encoder.stream
    for picture in pictures[3:15]:  # frames 3..14: the first keyframe after joining is frame 10
        for p in encoder.encode(picture):
            feed.publish(p, encoder)
    got = []
    with pytest.raises(EOFError):
        for packet in sub.packets(idle_timeout_s=0.2):
            got.append(packet)
    assert got[0].is_keyframe and len(got) == 5

    restarted = H264Encoder(160, 90, 10)
    for p in restarted.encode(pictures[0]):
        feed.publish(p, restarted)
    with pytest.raises(EOFError, match="restarted"):
        next(iter(sub.packets(idle_timeout_s=1)))
    assert feed.subscribers == 0


def test_a_subscriber_that_falls_behind_is_dropped() -> None:
    feed, encoder = DemoFeed(queue_size=3), H264Encoder(160, 90, 10)
    for p in encoder.encode(_pictures(1)[0]):
        feed.publish(p, encoder)
    sub = feed.subscribe(wait_s=0)
    assert sub is not None
    for picture in _pictures(20):
        for p in encoder.encode(picture):
            feed.publish(p, encoder)
    assert feed.subscribers == 0
    feed.stop(encoder)
    assert feed.subscribe(wait_s=0) is None

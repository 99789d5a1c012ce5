"""The reader-to-recorder packet feed: the reader never waits, a recorder that falls behind is dropped and
told why, every subscription starts at a keyframe, and a new stream (the reader reconnected) or the end of
reading ends the subscriptions. Real demuxed packets of a seeded H.264 clip."""

from __future__ import annotations

import time
from typing import Any

import av
import pytest

from devices.packet_feed import PacketFeed
from devices.passthrough import LivePacket, live_packet
from tests.support.scene import make_person_clip


def _demux(path: Any) -> tuple[Any, Any, list[LivePacket]]:
    container = av.open(str(path))
    stream = container.streams.video[0]
    items = [item for p in container.demux(stream) if (item := live_packet(p)) is not None]
    return container, stream, items


@pytest.fixture(scope="module")
def clip() -> Any:
    return make_person_clip("feed", seconds=6, fps=10, enter_at=2, size=(384, 216))


def test_a_recorder_that_falls_behind_is_dropped_without_stalling_the_reader(clip: Any) -> None:
    container, stream, items = _demux(clip)
    feed = PacketFeed(queue_size=10)
    feed.put(items[0], stream)
    sub = feed.subscribe()
    assert sub is not None
    started = time.monotonic()
    for item in items:  # nobody takes: the queue fills after 10 packets
        feed.put(item, stream)
    assert time.monotonic() - started < 1.0, "the reader must never wait for the recorder"
    assert not feed.wanted
    got = []
    with pytest.raises(EOFError, match="fell behind"):
        got.extend(sub.packets(idle_timeout_s=1.0))
    # what was queued before it fell behind, less the oldest packet, which made room for the end mark
    assert [p.pts for p in got] == [i.pts for i in items[1:10]]
    container.close()


def test_packets_start_at_a_keyframe_and_keep_their_timing(clip: Any) -> None:
    container, stream, items = _demux(clip)
    feed = PacketFeed()
    feed.put(items[1], stream)  # the reader is mid-GOP when the recorder subscribes
    sub = feed.subscribe()
    assert sub is not None and sub.stream.time_base == stream.time_base
    for item in items[2:]:
        feed.put(item, stream)
    feed.close()
    got = []
    with pytest.raises(EOFError, match="no longer read here"):
        got.extend(sub.packets(idle_timeout_s=1.0))
    first = next(i for i, item in enumerate(items) if i >= 2 and item.keyframe)
    assert [(p.pts, p.dts, bytes(p)) for p in got] == [(i.pts, i.dts, i.data) for i in items[first:]]
    assert got[0].is_keyframe
    container.close()


def test_a_new_stream_ends_the_subscription_and_the_next_one_gets_its_parameters(clip: Any) -> None:
    first, stream1, items = _demux(clip)
    second, stream2, _ = _demux(clip)
    feed = PacketFeed()
    feed.put(items[0], stream1)
    sub = feed.subscribe()
    assert sub is not None
    feed.put(items[0], stream2)  # the reader reconnected
    with pytest.raises(EOFError, match="reconnected"):
        list(sub.packets(idle_timeout_s=1.0))
    first.close()  # the first connection's streams are gone; the template of the new one is a copy
    again = feed.subscribe()
    assert again is not None and again.stream.codec_context.width == 384
    second.close()


def test_without_a_reader_there_is_nothing_to_subscribe_to() -> None:
    assert PacketFeed().subscribe(wait_s=0.1) is None

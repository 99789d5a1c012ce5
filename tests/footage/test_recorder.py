"""The recorder against a real RTSP stream: keyframe-aligned segments, hashes, reconnect gaps, crash repair,
and a real full disk (tmpfs)."""

from __future__ import annotations

import datetime as dt
import itertools
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import av
import pytest

from config.footage import FootageSettings
from core.clock import utcnow
from devices.adapters.factory import open_source
from devices.health import Backoff
from devices.packet_feed import PacketFeed
from devices.passthrough import live_packet
from devices.supervisor import StreamSupervisor
from footage.recorder import Recorder, orphan_segments, repair_camera_folder
from footage.storage import Storage, hash_file
from footage.writer import probe

pytestmark = [pytest.mark.rtsp, pytest.mark.slow]


def storage_at(root: Path, **settings: object) -> Storage:
    root.mkdir(parents=True, exist_ok=True)
    return Storage(root=root.resolve(), settings=FootageSettings(**{"min_free_mb": 0, **settings}))


class ReaderFeed:
    """The camera's real reader (supervised: it reconnects) teeing its demuxed packets into a feed, as the
    capture worker's reader does for the camera's recorder."""

    def __init__(self, url: str) -> None:
        self.feed = PacketFeed()
        self.supervisor = StreamSupervisor(backoff=Backoff(initial=0.2, cap=1.0))

        def source() -> object:
            reader = open_source(url, camera_id="cam", fps=5)
            reader.packet_tap = self.tee  # type: ignore[attr-defined]
            return reader

        self.supervisor.add("cam", source)  # type: ignore[arg-type]
        self.supervisor.start()

    def tee(self, packet: object, stream: object) -> None:
        item = live_packet(packet)
        if item is not None:
            self.feed.put(item, stream)

    def stop(self) -> None:
        self.supervisor.stop()
        self.feed.close()


@pytest.fixture(params=["own connection", "reader's packets"])
def recorder(request) -> Iterator[Callable[..., Recorder]]:
    """Makes a recorder of its own RTSP connection, or one fed the packets of the camera's reader."""
    readers: list[ReaderFeed] = []

    def make(storage: Storage, sink, url: str, *, segment_s: float = 2.0) -> Recorder:
        feed = None
        if request.param == "reader's packets":
            reader = ReaderFeed(url)
            readers.append(reader)
            feed = lambda: reader.feed  # noqa: E731
        return Recorder(
            camera_id=1,
            camera_name="cam",
            url=url,
            storage=storage,
            sink=sink,
            segment_s=segment_s,
            reconnect_s=0.5,
            feed=feed,
        )

    yield make
    for reader in readers:
        reader.stop()


def packets(path: Path) -> list[tuple[bool, int]]:
    with av.open(str(path)) as container:
        return [(p.is_keyframe, p.size) for p in container.demux(container.streams.video[0]) if p.size]


def test_segments_start_on_keyframes_carry_their_sha256_and_follow_each_other(
    rtsp_server, sink, tmp_path, recorder
):
    storage = storage_at(tmp_path / "footage")
    rec = recorder(storage, sink, rtsp_server.url("cam"))
    rec.start()
    try:
        assert sink.wait(lambda s: len(s.written) >= 3, timeout=30), sink.faults
    finally:
        rec.stop()
    for written in sink.written:
        path = storage.absolute(written.path)
        assert hash_file(path) == (written.sha256, written.size)
        found = packets(path)
        assert found[0][0], "a segment must start with a keyframe"
        assert len(found) == written.frames
    full = sink.written[:3]
    assert all(1.9 <= (w.end - w.start).total_seconds() <= 3.1 for w in full[:2])
    for a, b in itertools.pairwise(full):
        assert abs((b.start - a.end).total_seconds()) < 0.1
    assert not storage.part_files()


def test_segment_times_follow_the_pictures_despite_the_burst_read_while_connecting(
    rtsp_server, sink, tmp_path, recorder
):
    """FFmpeg reads about a second of the stream ahead while probing it and hands those packets over at
    once: stamped by their arrival, every segment came out about that much late, ending after it had been
    written. With the minimum-delay anchor no segment ends after it was written, none starts before the
    recorder connected, and the first (open during the burst) is corrected and still followed seamlessly."""
    storage = storage_at(tmp_path / "footage")
    rec = recorder(storage, sink, rtsp_server.url("cam"))
    started = utcnow()
    rec.start()
    try:
        assert sink.wait(lambda s: len(s.written) >= 3, timeout=30), sink.faults
    finally:
        rec.stop()
    rounding = dt.timedelta(milliseconds=2)
    for written, at in zip(sink.written, sink.written_at, strict=True):
        assert written.end <= at + rounding, f"{written.path} ends {written.end - at} after it was written"
        assert written.start >= started, f"{written.path} starts before the recorder was started"
        assert storage.segment_path("cam", written.start) == storage.absolute(written.path), "named by start"
    for a, b in itertools.pairwise(sink.written):
        assert dt.timedelta(0) <= b.start - a.end < dt.timedelta(seconds=0.1)


def test_a_reconnect_leaves_a_gap_in_the_index_and_no_corrupt_file(own_rtsp_server, sink, tmp_path, recorder):
    storage = storage_at(tmp_path / "footage")
    rec = recorder(storage, sink, own_rtsp_server.url("cam"))
    rec.start()
    try:
        assert sink.wait(lambda s: len(s.written) >= 2, timeout=30)
        own_rtsp_server.stop()
        assert sink.wait(lambda s: any(k == "stream_lost" for _, k, _ in s.faults), timeout=20)
        before = len(sink.written)
        own_rtsp_server.start()
        assert sink.wait(lambda s: len(s.written) >= before + 2, timeout=40)
        assert sink.recoveries
    finally:
        rec.stop()
    ordered = sorted(sink.written, key=lambda w: w.start)
    gaps = [(b.start - a.end).total_seconds() for a, b in itertools.pairwise(ordered)]
    assert max(gaps) > 0.5, "the outage must show as a gap"
    for written in sink.written:
        seconds, frames = probe(storage.absolute(written.path))
        assert frames == written.frames and seconds > 0
    assert not storage.part_files()


def test_start_up_repairs_a_torn_segment_and_drops_an_unreadable_one(rtsp_server, sink, tmp_path, recorder):
    storage = storage_at(tmp_path / "footage")
    rec = recorder(storage, sink, rtsp_server.url("cam"), segment_s=4)
    rec.start()
    try:
        assert sink.wait(lambda s: len(s.written) >= 1, timeout=30)
    finally:
        rec.stop()
    good = storage.absolute(sink.written[0].path)
    day = good.parent
    torn = day / "120000.000000.mp4.part"
    data = good.read_bytes()
    torn.write_bytes(data[: int(len(data) * 0.6)])  # a crash in the middle of a segment
    (day / "120100.000000.mp4.part").write_bytes(b"\0" * 5000)  # nothing readable
    repaired = repair_camera_folder(storage, 1, "cam")
    assert len(repaired) == 1 and repaired[0].repaired
    fixed = storage.absolute(repaired[0].path)
    assert fixed.name == "120000.000000.mp4"
    assert 0 < repaired[0].frames < sink.written[0].frames
    assert probe(fixed)[1] == repaired[0].frames
    assert hash_file(fixed)[0] == repaired[0].sha256
    assert repaired[0].start == dt.datetime(*map(int, day.name.split("-")), 12, 0, tzinfo=dt.UTC)
    assert not storage.part_files()


def test_a_finished_file_missing_from_the_index_is_found_again(rtsp_server, sink, tmp_path, recorder):
    storage = storage_at(tmp_path / "footage")
    rec = recorder(storage, sink, rtsp_server.url("cam"))
    rec.start()
    try:
        assert sink.wait(lambda s: len(s.written) >= 2, timeout=30)
    finally:
        rec.stop()
    known = {sink.written[0].path}
    found = orphan_segments(storage, 1, "cam", known)
    assert {f.path for f in found} == {w.path for w in sink.written} - known
    lost = next(w for w in sink.written if w.path == found[0].path)
    assert (found[0].sha256, found[0].frames) == (lost.sha256, lost.frames)


def test_disk_full_stops_recording_cleanly_keeps_other_files_and_resumes_when_space_returns(
    rtsp_server, sink, capped_dir, recorder
):
    storage = storage_at(capped_dir / "footage", min_free_mb=0.2)
    held = capped_dir / "footage" / "held-evidence.bin"
    held.write_bytes(b"evidence" * 100_000)
    held_hash = hash_file(held)
    filler = capped_dir / "filler.bin"
    with filler.open("wb") as f:
        while shutil.disk_usage(capped_dir).free > 900_000:
            f.write(b"\1" * 100_000)
    rec = recorder(storage, sink, rtsp_server.url("cam"), segment_s=1)
    rec.start()
    try:
        assert sink.wait(lambda s: any(k == "storage_full" for _, k, _ in s.faults), timeout=60)
        assert rec.state.value == "disk_full"
        assert [k for _, k, _ in sink.faults].count("storage_full") == 1
        assert not storage.part_files(), "the aborted segment is removed, not left half-written"
        for written in sink.written:
            assert hash_file(storage.absolute(written.path))[0] == written.sha256
        assert hash_file(held) == held_hash
        before = len(sink.written)
        filler.unlink()
        assert sink.wait(lambda s: len(s.written) >= before + 2 and s.recoveries, timeout=40)
        assert rec.state.value == "recording"
    finally:
        rec.stop()
    assert hash_file(held) == held_hash

"""Demo cameras encode H.264 (PyAV, libx264): the recorder copies those packets into keyframe-aligned,
hashed, playable colour segments through the same path as a real stream (the capture worker's tee into the
camera's packet feed), and live passthrough gets the same packets as fragmented MP4 for `<video>`."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import av
import numpy as np
import pytest

from config.detection import DetectConfig
from config.footage import FootageSettings
from devices.adapters.factory import open_source
from devices.adapters.synthetic import SyntheticSource
from footage.recorder import Recorder
from footage.storage import Storage, hash_file
from runtime.camera_run import CameraRun
from tests.footage.conftest import CollectingSink

URL = "demo://lobby?seed=2&fps=20&width=320&height=180&people=2&light=600"


@pytest.fixture
def demo_camera() -> Iterator[tuple[SyntheticSource, CameraRun]]:
    """A demo camera read (and encoded) in its own thread, teeing its packets as the capture worker does."""
    source = open_source(URL, camera_id="demo-rec", realtime=True, encode=True)
    assert isinstance(source, SyntheticSource)
    camera = CameraRun(camera_id=7, name="demo-rec", title="Lobby", key=False, detect=DetectConfig())
    source.packet_tap = camera.tee
    stop = threading.Event()

    def read() -> None:
        with source:
            while not stop.is_set():
                source.read()

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    try:
        yield source, camera
    finally:
        stop.set()
        thread.join(10)


def test_a_demo_camera_is_recorded_by_stream_copy_and_played_live(
    demo_camera: tuple[SyntheticSource, CameraRun], sink: CollectingSink, tmp_path: Path
) -> None:
    source, run = demo_camera
    hub = run.hub
    root = tmp_path / "footage"
    root.mkdir()
    storage = Storage(root=root.resolve(), settings=FootageSettings(min_free_mb=0))
    recorder = Recorder(
        camera_id=7,
        camera_name="demo-rec",
        url=URL,
        storage=storage,
        sink=sink,
        segment_s=1.0,
        reconnect_s=0.2,
        feed=lambda: run.feed,
    )
    recorder.start()
    try:
        assert sink.wait(lambda s: len(s.written) >= 2, timeout=30), sink.faults
        viewer = hub.join(wait_s=10)
        assert viewer is not None, "no keyframe reached live passthrough"
        live = b""
        for chunk in viewer.fmp4(idle_timeout_s=5):
            live += chunk
            if live.count(b"moof") >= 5:
                break
        hub.leave(viewer)
    finally:
        recorder.stop()
    assert source.info is not None and source.info.codec == "h264"

    for written in sink.written[:2]:
        path = storage.absolute(written.path)
        assert hash_file(path) == (written.sha256, written.size)
        assert (written.codec, written.width, written.height) == ("h264", 320, 180)
        assert 0.9 <= (written.end - written.start).total_seconds() <= 1.6
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            first = next(p for p in container.demux(stream) if p.size)
            assert first.is_keyframe, "a segment must start with a keyframe"
        with av.open(str(path)) as container:
            frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
        assert len(frames) == written.frames >= 15
        picture = frames[-1].astype(np.int16)
        assert picture.std() > 10  # the scene, not a flat picture
        # the scene's muted colour survives encoding: the channels are not all equal (not grey)
        assert np.abs(picture[:, :, 0] - picture[:, :, 2]).mean() > 1

    assert live[4:8] == b"ftyp" and b"avc1" in live[:2000]
    with av.open(__import__("io").BytesIO(live)) as container:
        decoded = sum(1 for _ in container.decode(video=0))
    assert decoded >= 5

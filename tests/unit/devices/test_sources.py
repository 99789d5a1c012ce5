import cv2
import numpy as np
import pytest

from devices.adapters import FileSource, SyntheticSource, open_source
from devices.adapters.base import RateGate, SnapshotBuffer
from devices.adapters.mjpeg import MjpegSource
from devices.adapters.rtsp import RtspSource
from devices.errors import ConnectError
from monitor.frames import Frame, FrameSource


def synth(seed=1, **kw):
    s = SyntheticSource("lobby", camera_id="demo", seed=seed, realtime=False, **kw)
    s.open()
    return s


def test_synthetic_source_is_deterministic_from_its_seed():
    a, b, c = synth(7), synth(7), synth(8)
    fa = [a.read() for _ in range(50)]
    fb = [b.read() for _ in range(50)]
    fc = [c.read() for _ in range(50)]
    assert all(np.array_equal(x.image, y.image) for x, y in zip(fa, fb, strict=True))
    assert not np.array_equal(fa[-1].image, fc[-1].image)


def test_synthetic_frames_are_luma_with_steady_timestamps():
    s = synth(fps=10, width=320, height=180)
    frames = [s.read() for _ in range(5)]
    assert frames[0].image.shape == (180, 320)
    assert frames[0].image.dtype == np.uint8
    assert [f.ts for f in frames] == pytest.approx([0.0, 0.1, 0.2, 0.3, 0.4])
    assert isinstance(s, FrameSource)


def test_synthetic_frames_have_a_colour_picture_whose_luma_is_the_frame():
    s = synth(fps=10, width=320, height=180)
    frame = s.read()
    picture = frame.picture()
    assert picture.shape == (180, 320, 3) and picture.dtype == np.uint8
    yuv = cv2.cvtColor(picture, cv2.COLOR_BGR2YUV)
    assert np.abs(yuv[..., 0].astype(int) - frame.image.astype(int)).mean() < 3
    assert yuv[..., 1].std() + yuv[..., 2].std() > 2, "the scene has some colour"


def test_a_frame_without_colour_shows_its_luma():
    image = np.zeros((4, 6), np.uint8)
    assert Frame(camera_id="c", ts=0.0, image=image).picture() is image


def test_people_walk_into_the_synthetic_scene_and_change_the_picture():
    s = synth(3, people_every=10, light_every=1e9)
    seen = None
    for _ in range(10 * 60):
        frame = s.read()
        if s.people_in_view and 0 <= s.people_in_view[0][0] < s.width - s.people_in_view[0][2]:
            seen = frame, s.people_in_view[0]
            break
    assert seen is not None, "nobody walked in within a minute"
    frame, (x, y, w, h) = seen
    empty = synth(3, people_every=1e9, light_every=1e9)  # same scene, nobody walks
    for _ in range(frame.index - 1):
        empty.read()
    base = empty.read()
    region = np.s_[max(0, y) : y + h, x : x + w]
    diff = np.abs(frame.image[region].astype(int) - base.image[region].astype(int))
    assert diff.mean() > 10


def test_synthetic_light_switches_sometimes():
    s = synth(5, light_every=5)
    states = set()
    for _ in range(10 * 30):
        s.read()
        states.add(s.light_on)
    assert states == {True, False}


def test_synthetic_source_stops_at_max_frames():
    s = synth(max_frames=3)
    assert [s.read() is not None for _ in range(4)] == [True, True, True, False]


def test_rate_gate_keeps_the_analysis_cadence():
    gate = RateGate(5)
    ts = [i / 25 for i in range(50)]
    kept = [t for t in ts if gate.accept(t)]
    assert kept == pytest.approx([i * 0.2 for i in range(10)])
    assert all(RateGate(None).accept(t) for t in ts)


def test_snapshot_buffer_encodes_once_per_frame():
    buf = SnapshotBuffer()
    assert buf.jpeg() is None
    frame = Frame("c", 0.0, np.full((32, 32), 128, np.uint8), index=1)
    buf.put(frame)
    first = buf.jpeg()
    assert first is not None
    assert first[:2] == b"\xff\xd8"
    assert buf.jpeg() is first


def test_open_source_picks_the_adapter_from_the_scheme(tmp_path):
    assert isinstance(open_source("rtsp://cam/1", camera_id="a"), RtspSource)
    assert isinstance(open_source("rtsps://cam/1", camera_id="a"), RtspSource)
    assert isinstance(open_source("http://cam/mjpg", camera_id="a"), MjpegSource)
    assert isinstance(open_source("demo://lobby?seed=2", camera_id="a"), SyntheticSource)
    assert isinstance(open_source(str(tmp_path / "a.mp4"), camera_id="a"), FileSource)
    with pytest.raises(ValueError, match="scheme"):
        open_source("gopher://x", camera_id="a")


def test_missing_file_is_a_connect_error(tmp_path):
    with pytest.raises(ConnectError) as info:
        FileSource(tmp_path / "nope.mp4", camera_id="a").open()
    assert info.value.reason == "file not found"

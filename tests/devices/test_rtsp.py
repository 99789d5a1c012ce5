"""RTSP adapter and supervisor against the GStreamer RTSP server."""

from __future__ import annotations

import itertools
import threading
import time

import cv2
import numpy as np
import pytest

from devices.adapters import FileSource, RtspSource
from devices.errors import AuthError, ConnectError, NoVideoTrack, StreamTimeout
from devices.health import Backoff, Health, HealthThresholds
from devices.supervisor import StreamSupervisor
from tests.devices.conftest import PASSWORD, USER

pytestmark = pytest.mark.rtsp


def wait_for(predicate, timeout: float, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


def test_reads_luma_frames_at_the_analysis_rate(rtsp_server):
    with RtspSource(rtsp_server.url("cam"), camera_id="c1", fps=5, read_timeout=5) as src:
        frames = [src.read() for _ in range(6)]
    assert all(f is not None for f in frames)
    assert src.info is not None
    assert (src.info.codec, src.info.width, src.info.height) == ("h264", 640, 360)
    assert frames[0].image.shape == (360, 640)
    assert frames[0].image.base is not None, "the Y plane is handed over as a view, not a copy"
    steps = [round(b.ts - a.ts, 2) for a, b in itertools.pairwise(frames)]
    assert steps == [0.2] * len(steps)
    assert src.snapshot_jpeg()[:2] == b"\xff\xd8"


def test_frames_render_colour_on_demand_matching_their_luma(rtsp_server):
    with RtspSource(rtsp_server.url("cam"), camera_id="c1", fps=5, read_timeout=5) as src:
        frame = src.read()
        assert frame is not None
        picture = frame.picture()
    assert picture.shape == (360, 640, 3) and picture.dtype == np.uint8
    # testsrc2 is colourful: the channels differ, and the picture's luma is the frame's (the stream's Y is
    # limited range, 16..235; the picture is full range)
    assert np.abs(picture[..., 0].astype(int) - picture[..., 2].astype(int)).mean() > 10
    luma = cv2.cvtColor(picture, cv2.COLOR_BGR2GRAY).astype(float)
    expected = np.clip((frame.image.astype(float) - 16) * 255 / 219, 0, 255)
    assert np.abs(luma - expected).mean() < 3


def test_low_power_decodes_only_keyframes_and_switches_back(rtsp_server):
    with RtspSource(rtsp_server.url("cam2"), camera_id="c1", low_power=True, read_timeout=5) as src:
        key_ts = [src.read().ts for _ in range(3)]
        src.set_low_power(False)
        full_ts = [src.read().ts for _ in range(5)]
    gaps = [round(b - a, 2) for a, b in itertools.pairwise(key_ts)]
    assert gaps == [1.0, 1.0], "one keyframe per second in the clip"
    assert [round(b - a, 2) for a, b in itertools.pairwise(full_ts)] == [0.04] * 4
    assert round(full_ts[0] - key_ts[-1], 2) == 0.04, "full decoding resumes right after the keyframe"


def test_wrong_credentials_are_an_auth_error(auth_rtsp_server):
    with pytest.raises(AuthError) as info:
        RtspSource(auth_rtsp_server.url("cam"), camera_id="c", user=USER, password="wrong").open()
    assert "wrong" not in str(info.value)
    assert ":***@" in str(info.value)
    with RtspSource(auth_rtsp_server.url("cam"), camera_id="c", user=USER, password=PASSWORD) as src:
        assert src.read() is not None


def test_nothing_listening_is_a_connect_error(refused_port):
    with pytest.raises(ConnectError) as info:
        RtspSource(f"rtsp://127.0.0.1:{refused_port}/x", camera_id="c").open()
    assert info.value.reason == "connection refused"


def test_an_http_server_is_not_an_rtsp_stream(http_port):
    with pytest.raises(ConnectError) as info:
        RtspSource(f"rtsp://127.0.0.1:{http_port}/", camera_id="c", open_timeout=3).open()
    assert info.value.reason == "not an RTSP stream"


def test_silent_server_times_out(silent_port):
    t0 = time.monotonic()
    with pytest.raises(StreamTimeout):
        RtspSource(f"rtsp://127.0.0.1:{silent_port}/x", camera_id="c", open_timeout=1.5).open()
    assert time.monotonic() - t0 < 10


def test_audio_only_stream_has_no_video_track(rtsp_server, audio_file):
    with pytest.raises(NoVideoTrack):
        RtspSource(rtsp_server.url("audio"), camera_id="c").open()
    with pytest.raises(NoVideoTrack):
        FileSource(audio_file, camera_id="c").open()


def _supervise(url: str, **thresholds):
    sup = StreamSupervisor(
        backoff=Backoff(initial=0.2, cap=1.0), thresholds=HealthThresholds(**thresholds), tick=0.1
    )
    events = []
    lock = threading.Lock()

    def on_change(change):
        with lock:
            events.append(change)

    sup.subscribe(on_change)
    sup.add("cam", lambda: RtspSource(url, camera_id="cam", fps=5, read_timeout=3), expected_fps=5)
    return sup, events


def test_server_killed_and_restarted_goes_offline_then_online(own_rtsp_server):
    sup, events = _supervise(own_rtsp_server.url("cam"))
    sup.start()
    try:
        assert wait_for(lambda: sup.health("cam").status is Health.ONLINE, 10)
        own_rtsp_server.stop()
        assert wait_for(lambda: sup.health("cam").status is Health.OFFLINE, 10)
        offline = sup.health("cam")
        own_rtsp_server.start()
        t0 = time.monotonic()
        assert wait_for(lambda: sup.health("cam").status is Health.ONLINE, 10), sup.health("cam")
        assert time.monotonic() - t0 < 10
    finally:
        sup.stop()
    statuses = [e.current.status for e in events]
    assert statuses[:3] == [Health.ONLINE, Health.OFFLINE, Health.ONLINE]
    assert offline.reason
    assert sup.status()[0].reconnects >= 1


def test_stalled_stream_is_frozen_with_a_reason(rtsp_server):
    sup, events = _supervise(rtsp_server.url("stall"), stalled_after=1.5)
    sup.start()
    try:
        assert wait_for(lambda: sup.health("cam").status is Health.ONLINE, 10)
        assert wait_for(lambda: sup.health("cam").status is Health.FROZEN, 10)
        state = sup.health("cam")
    finally:
        sup.stop()
    assert state.reason.startswith("stalled")
    assert Health.FROZEN in [e.current.status for e in events]


def test_one_dead_camera_does_not_stall_another(rtsp_server, refused_port, silent_port):
    sup = StreamSupervisor(backoff=Backoff(initial=0.2, cap=0.5), tick=0.1)
    got: list[int] = []
    sup.add(
        "good",
        lambda: RtspSource(rtsp_server.url("cam"), camera_id="good", fps=5),
        consumer=lambda f: got.append(f.index),
    )
    sup.add("refused", lambda: RtspSource(f"rtsp://127.0.0.1:{refused_port}/x", camera_id="refused"))
    sup.add(
        "hung", lambda: RtspSource(f"rtsp://127.0.0.1:{silent_port}/x", camera_id="hung", open_timeout=30)
    )
    sup.start()
    try:
        assert wait_for(lambda: len(got) >= 10, 10)
        assert sup.health("good").status is Health.ONLINE
        assert sup.health("refused").status is Health.OFFLINE
    finally:
        sup.stop(timeout=0.5)

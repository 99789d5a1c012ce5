"""Quiet cameras cost a fifth: a real RTSP camera with nothing moving drops to keyframes only (shown in the
camera's health), and the first keyframe with a person brings full decoding back and raises the alert."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import select

from alerts.models import Alert
from config.cameras import CameraConfig
from db.session import SessionFactory, make_engine, make_session_factory, session_scope
from devices.camera import service as cameras
from devices.camera.models import Camera
from devices.credentials import CredentialBox
from runtime.capture import CaptureRuntime
from tests.conftest import make_settings
from tests.support.peers import RtspServer, missing_peer
from tests.support.scene import make_person_clip

pytestmark = [pytest.mark.rtsp, pytest.mark.slow]
ENTER_AT = 9.0


@pytest.fixture(scope="module")
def quiet_server() -> Iterator[RtspServer]:
    if not RtspServer.available():
        missing_peer("GStreamer RTSP server not loadable by /usr/bin/python3")
    clip = make_person_clip(seconds=20, enter_at=ENTER_AT)
    server = RtspServer(["--file", f"yard={clip}", "--file", f"gate={clip}"]).start()
    yield server
    server.stop()


def _wait(check: Callable[[], bool], timeout: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if check():
            return time.monotonic() - started
        time.sleep(0.1)
    raise AssertionError(f"not within {timeout} s")


def _modes(factory: SessionFactory) -> dict[str, str]:
    with session_scope(factory) as s:
        return {c.name: c.decode_mode for c in s.scalars(select(Camera))}


def test_a_quiet_camera_decodes_keyframes_only_until_motion(
    sqlite_url: str, quiet_server: RtspServer
) -> None:
    settings = make_settings(sqlite_url, worker={"lease_s": 30, "quiet_after_s": 2})
    engine = make_engine(settings.database)
    factory = make_session_factory(engine)
    cams = [
        CameraConfig(name="yard", url=quiet_server.url("yard"), detect={"fps": 5}),  # type: ignore[arg-type]
        CameraConfig(  # exempt: stays fully decoded however quiet
            name="gate",
            url=quiet_server.url("gate"),
            key=True,
            detect={"fps": 5, "quiet_decode": False},  # type: ignore[arg-type]
        ),
    ]
    with session_scope(factory) as s:
        cameras.import_config(s, cameras=cams, box=CredentialBox(settings.auth.secret_key.get_secret_value()))
    capture = CaptureRuntime(settings, factory)
    started = time.monotonic()
    capture.start()
    try:
        _wait(lambda: _modes(factory)["yard"] == "quiet", 15)
        assert time.monotonic() - started < ENTER_AT, "went quiet only after the person came in"
        assert capture.supervisor.status()[0].low_power or capture.supervisor.status()[1].low_power
        frames_quiet = {s.camera_id: s.frames for s in capture.supervisor.status()}
        time.sleep(2)
        delivered = {s.camera_id: s.frames - frames_quiet[s.camera_id] for s in capture.supervisor.status()}
        assert delivered["yard"] <= 4 < delivered["gate"], delivered  # 1 keyframe/s vs 5 fps analysis
        assert _modes(factory)["gate"] == "full"

        _wait(lambda: _modes(factory)["yard"] == "full", 15)
        back_after = time.monotonic() - started - ENTER_AT
        with session_scope(factory) as s:
            kinds = {(a.camera_name, a.kind) for a in s.scalars(select(Alert))}
        _wait(lambda: ("yard", "motion") in _alerts(factory), 10)
        assert back_after < 1.0 + 2.0 + 3.0, back_after  # one GOP + analysis step + slack for a busy machine
        assert ("yard", "offline") not in kinds
    finally:
        capture.stop()
        engine.dispose()


def _alerts(factory: SessionFactory) -> set[tuple[str, str]]:
    with session_scope(factory) as s:
        return {(a.camera_name, a.kind) for a in s.scalars(select(Alert))}

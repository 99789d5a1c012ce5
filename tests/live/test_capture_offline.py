"""A camera that is unreachable from the very start still gets its health, alert and equipment fault."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

import runtime.capture as capture
from alerts.models import Alert
from config.cameras import CameraConfig
from db.session import make_engine, make_session_factory, session_scope
from devices.camera import service as cameras
from devices.credentials import CredentialBox
from maintenance.models import Fault
from tests.conftest import make_settings
from tests.support.live_server import free_port


def test_a_camera_never_reached_is_reported_offline(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(capture, "STILL_OFFLINE_AFTER_S", 0.0)
    settings = make_settings(sqlite_url)
    engine = make_engine(settings.database)
    factory = make_session_factory(engine)
    box = CredentialBox(settings.auth.secret_key.get_secret_value())
    with session_scope(factory) as s:
        cam = CameraConfig(name="dead", url=f"rtsp://127.0.0.1:{free_port()}/x")  # type: ignore[arg-type]
        cameras.import_config(s, cameras=[cam], box=box)
    runtime = capture.CaptureRuntime(settings, factory)
    runtime.start()
    try:
        runtime.sync_cameras()
        runtime.writer.drain()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with session_scope(factory) as s:
                health = cameras.require_by_name(s, "dead").health
                fault = s.scalars(select(Fault)).first()
                alert = s.scalars(select(Alert).where(Alert.kind == "offline")).first()
                if health == "offline" and fault is not None and alert is not None:
                    break
            time.sleep(0.2)
        assert (
            health == "offline" and fault is not None and fault.condition == "offline" and alert is not None
        )
    finally:
        runtime.stop()
        engine.dispose()

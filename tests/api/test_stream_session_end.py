"""Issue 17, finding 8: an open stream ends when its session does. The alert stream is covered in
test_alerts_api; the camera-state stream (`GET /api/v1/cameras/stream`, health of every camera) and live
video (MJPEG here; live.mp4 and the wall's live.mux share the same wrapper) kept delivering after logout."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from access.roles import Role
from config.cameras import CameraConfig
from db.session import make_session_factory, session_scope
from devices.camera import service as cameras
from devices.credentials import CredentialBox
from runtime.worker import Worker
from tests.factories.access import DEFAULT_PASSWORD
from tests.support.app_env import Env
from tests.support.live_server import LiveServer


@pytest.mark.slow
def test_the_camera_state_stream_ends_when_its_session_logs_out(env: Env) -> None:
    env.user(Role.OPERATOR, username="olga")
    with LiveServer(env.app) as server, httpx.Client(base_url=server.url, timeout=10) as http:
        login = http.post("/api/v1/auth/login", json={"username": "olga", "password": DEFAULT_PASSWORD})
        csrf = {"X-CSRF-Token": login.json()["csrf_token"]}
        with http.stream("GET", "/api/v1/cameras/stream") as stream:
            lines = stream.iter_lines()
            assert next(lines).startswith("retry:")
            assert next(line for line in lines if line) == "event: cameras"
            started = time.monotonic()
            with httpx.Client(base_url=server.url, cookies=http.cookies, timeout=10) as other:
                assert other.post("/api/v1/auth/logout", headers=csrf).status_code == 204
            rest = list(lines)  # the server ends the stream by itself (else the read times out)
        assert "event: ended" in rest and time.monotonic() - started < 8
        assert http.get("/api/v1/cameras/stream").status_code == 401


@pytest.mark.slow
def test_live_video_ends_when_its_session_logs_out(env: Env, tmp_path: Path) -> None:
    camera = CameraConfig(name="gate", url="demo://gate?seed=1&people=4&light=0", detect={"fps": 5})  # type: ignore[arg-type]
    factory = make_session_factory(env.engine)
    with session_scope(factory) as s:
        cameras.import_config(
            s, cameras=[camera], box=CredentialBox(env.settings.auth.secret_key.get_secret_value())
        )
    env.user(Role.OPERATOR, username="olga")
    worker = Worker(env.settings, factory)
    env.app.state.ctx.live = worker.capture
    worker.start()
    try:
        with LiveServer(env.app) as server, httpx.Client(base_url=server.url, timeout=10) as http:
            login = http.post("/api/v1/auth/login", json={"username": "olga", "password": DEFAULT_PASSWORD})
            csrf = {"X-CSRF-Token": login.json()["csrf_token"]}
            [row] = http.get("/api/v1/cameras").json()["items"]
            deadline = time.monotonic() + 20
            while worker.capture.snapshot_jpeg("gate") is None and time.monotonic() < deadline:
                time.sleep(0.1)
            with http.stream("GET", f"/api/v1/cameras/{row['id']}/mjpeg") as stream:
                assert stream.status_code == 200
                chunks = stream.iter_bytes()
                assert b"\xff\xd8" in next(chunks)  # a picture
                started = time.monotonic()
                with httpx.Client(base_url=server.url, cookies=http.cookies, timeout=10) as other:
                    assert other.post("/api/v1/auth/logout", headers=csrf).status_code == 204
                for _ in chunks:  # the server ends the stream by itself (else it runs until the timeout)
                    assert time.monotonic() - started < 8, "still streaming after the logout"
            assert time.monotonic() - started < 8
            assert http.get(f"/api/v1/cameras/{row['id']}/mjpeg").status_code == 401
    finally:
        worker.stop()

"""Issue 17, finding 8: an open SSE stream ends when its session does. The alert stream is covered in
test_alerts_api; the camera-state stream (`GET /api/v1/cameras/stream`, health of every camera) kept
delivering after its session logged out."""

from __future__ import annotations

import time

import httpx
import pytest

from access.roles import Role
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

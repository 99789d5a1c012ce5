"""Live view from anywhere: an API-only process relays a camera's tile and MJPEG from the worker process
that reads it (here the product's built-in demo camera), and the worker's internal routes refuse callers
without the shared secret."""

from __future__ import annotations

import time

import httpx
import pytest

from access.roles import Role
from api.app import create_app
from api.live_proxy import INTERNAL_HEADER
from config.cameras import CameraConfig
from db.session import make_engine, make_session_factory, session_scope
from devices.camera import service as cameras
from devices.credentials import CredentialBox
from runtime.capture import CaptureRuntime
from tests.conftest import make_settings
from tests.support.app_env import Env
from tests.support.live_server import LiveServer, free_port

pytestmark = pytest.mark.slow
SECRET = "a-shared-secret-of-the-site-0123"


def test_an_api_process_relays_the_picture_of_a_camera_another_process_reads(sqlite_url: str) -> None:
    port = free_port()
    worker_settings = make_settings(
        sqlite_url,
        worker={"advertise_url": f"http://127.0.0.1:{port}", "internal_secret": SECRET, "lease_s": 30},
    )
    api_settings = make_settings(sqlite_url, worker={"enabled": False, "internal_secret": SECRET})
    engine = make_engine(worker_settings.database)
    factory = make_session_factory(engine)
    with session_scope(factory) as s:
        box = CredentialBox(worker_settings.auth.secret_key.get_secret_value())
        cam = CameraConfig(name="lobby", url="demo://lobby?seed=3&fps=5")  # type: ignore[arg-type]
        cameras.import_config(s, cameras=[cam], box=box)
        camera_id = cameras.require_by_name(s, "lobby").id
    worker_app = create_app(worker_settings, engine=engine)
    capture = CaptureRuntime(worker_settings, factory)
    worker_app.state.ctx.live = capture
    api_app = create_app(api_settings, engine=engine)
    env = Env(app=api_app, client=None, engine=engine, settings=api_settings)  # type: ignore[arg-type]
    headers = env.token(env.user(Role.OPERATOR, username="olga"))
    capture.start()
    try:
        with LiveServer(worker_app, port=port), LiveServer(api_app) as api, httpx.Client(timeout=10) as http:
            internal = f"http://127.0.0.1:{port}/internal/v1/live/lobby/snapshot"
            assert http.get(internal).status_code == 403
            assert http.get(internal, headers={INTERNAL_HEADER: "wrong"}).status_code == 403
            tile = f"{api.url}/api/v1/cameras/{camera_id}/snapshot"
            assert http.get(tile).status_code == 401  # the API process checks the viewer
            deadline = time.monotonic() + 20
            while (r := http.get(tile, headers=headers, params={"width": 320})).status_code != 200:
                assert time.monotonic() < deadline, r.text
                time.sleep(0.3)
            assert r.headers["content-type"] == "image/jpeg" and r.content[:2] == b"\xff\xd8"
            with http.stream("GET", f"{api.url}/api/v1/cameras/{camera_id}/mjpeg", headers=headers) as mjpeg:
                assert mjpeg.status_code == 200
                assert mjpeg.headers["content-type"].startswith("multipart/x-mixed-replace")
                first = next(mjpeg.iter_bytes())
                assert b"Content-Type: image/jpeg" in first
            # the wall's multiplexed stream relays the camera's own H.264 (demo cameras encode it)
            mux_url = f"{api.url}/api/v1/cameras/live.mux"
            with http.stream("GET", mux_url, params={"camera": camera_id}, headers=headers) as mux:
                assert mux.status_code == 200
                data = b""
                for chunk in mux.iter_bytes():
                    data += chunk
                    if len(data) >= 5 and len(data) >= 5 + int.from_bytes(data[1:5], "big"):
                        break
            index, length = data[0], int.from_bytes(data[1:5], "big")
            assert index == 0 and length > 0
            assert data[9:13] == b"ftyp" and b"avcC" in data[5 : 5 + length]
            capture.stop()  # the worker gives the camera up: nobody serves it any more
            assert http.get(tile, headers=headers).status_code == 503
            mjpeg_gone = http.get(f"{api.url}/api/v1/cameras/{camera_id}/mjpeg", headers=headers)
            assert mjpeg_gone.status_code == 503
    finally:
        capture.stop()
        engine.dispose()

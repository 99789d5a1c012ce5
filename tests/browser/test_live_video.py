"""The focused camera plays the camera's own H.264 in Chromium (no re-encoding) from a real RTSP stream read
by the capture worker; a camera with privacy masks is shown only as the blanked MJPEG view, and the
passthrough refuses it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from pydantic import SecretStr

from access.roles import Role
from config.detection import DetectConfig
from db.session import make_session_factory, session_scope
from devices.camera import service as cameras
from devices.camera.schemas import CameraCreate
from devices.credentials import CredentialBox
from runtime.worker import Worker
from tests.devices.conftest import clip, rtsp_available, rtsp_server  # noqa: F401 - fixtures
from tests.factories.access import DEFAULT_PASSWORD
from tests.support.app_env import Env
from tests.support.live_server import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.rtsp, pytest.mark.slow]

MASK = {"privacy_masks": [{"name": "window", "polygon": [[0, 0], [100, 0], [100, 100]]}]}


def test_the_focused_view_plays_the_cameras_h264_and_a_masked_camera_stays_blanked_mjpeg(
    make_env: Callable[..., Env],
    rtsp_server,  # noqa: F811 - the imported fixture
    page: Page,
) -> None:
    env = make_env(worker={"lease_s": 6})
    env.user(Role.OPERATOR, username="olga")
    factory = make_session_factory(env.engine)
    box = CredentialBox(env.settings.auth.secret_key.get_secret_value())
    url = SecretStr(rtsp_server.url("cam"))
    with session_scope(factory) as s:
        plain = cameras.create(s, data=CameraCreate(name="gate", url=url, reason="test"), box=box).id
        masked = cameras.create(
            s,
            data=CameraCreate(name="yard", url=url, detect=DetectConfig.model_validate(MASK), reason="test"),
            box=box,
        ).id
    worker = Worker(env.settings, factory)
    env.app.state.ctx.live = worker.capture
    worker.start()
    try:
        with LiveServer(env.app) as server:
            page.goto(f"{server.url}/login")
            page.get_by_label("User name").fill("olga")
            page.get_by_label("Password").fill(DEFAULT_PASSWORD)
            page.locator("form button[type=submit]").click()
            page.wait_for_url(f"{server.url}/")

            page.goto(f"{server.url}/wall")
            expect(page.locator('.tile[data-name="gate"] [data-health]')).to_have_text(
                "online", timeout=30000
            )
            page.goto(f"{server.url}/cameras/{plain}")
            video = page.locator("video#live-video")
            expect(video).to_be_visible()
            page.wait_for_function(
                "() => { const v = document.getElementById('live-video'); return v && v.readyState >= 2"
                " && v.currentTime > 1 && v.videoWidth === 640; }",
                timeout=30000,
            )

            page.goto(f"{server.url}/cameras/{masked}")
            expect(page.locator("video#live-video")).to_have_count(0)
            expect(page.locator("img.focus-video")).to_have_attribute(
                "src", f"/api/v1/cameras/{masked}/mjpeg?fps=10"
            )
            refused = env.client.get(
                f"/api/v1/cameras/{masked}/live.mp4", headers=env.token(env.user(Role.OPERATOR))
            )
            assert refused.status_code == 409 and "privacy masks" in refused.json()["detail"]
    finally:
        worker.stop()

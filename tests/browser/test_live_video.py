"""The focused camera plays the camera's own H.264 in Chromium (no re-encoding) from a real RTSP stream read
by the capture worker; a camera with privacy masks is shown only as the blanked MJPEG view, and the
passthrough refuses it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Page, expect
from pydantic import SecretStr

from access.roles import Role
from config.cameras import CameraConfig
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

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MASK = {"privacy_masks": [{"name": "window", "polygon": [[0, 0], [100, 0], [100, 100]]}]}


@pytest.mark.rtsp
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


def _demo_site(
    env: Env, names: tuple[str, ...], masked: tuple[str, ...] = ()
) -> tuple[Worker, dict[str, int]]:
    """Demo cameras (H.264 encoded by the worker) read by a real worker serving the app's live views."""
    factory = make_session_factory(env.engine)
    box = CredentialBox(env.settings.auth.secret_key.get_secret_value())
    demo = [
        CameraConfig.model_validate(
            {
                "name": name,
                "url": f"demo://{name}?seed={seed}&fps=10&width=320&height=180&people=5",
                "detect": MASK if name in masked else {},
            }
        )
        for seed, name in enumerate(names, start=1)
    ]
    with session_scope(factory) as s:
        cameras.import_config(s, cameras=demo, box=box)
        ids = {name: cameras.require_by_name(s, name).id for name in names}
    worker = Worker(env.settings, factory)
    env.app.state.ctx.live = worker.capture
    worker.start()
    return worker, ids


PLAYING = (
    "name => { const t = document.querySelector(`.tile[data-name='${name}']`); const v = t && t.querySelector('video');"
    " return t.classList.contains('has-video') && v && !v.hidden && v.readyState >= 2 && v.currentTime > 0.5; }"
)


def test_wall_tiles_play_their_own_h264_masked_ones_show_stills_and_a_tile_opens_full_screen(
    make_env: Callable[..., Env], browser: Browser
) -> None:
    env = make_env(worker={"lease_s": 6})
    env.user(Role.OPERATOR, username="olga")
    worker, ids = _demo_site(env, ("gate", "lobby", "yard"), masked=("yard",))
    try:
        with LiveServer(env.app) as server:
            context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="en-US")
            page = context.new_page()
            page.goto(f"{server.url}/login")
            page.get_by_label("User name").fill("olga")
            page.get_by_label("Password").fill(DEFAULT_PASSWORD)
            page.locator("form button[type=submit]").click()
            page.wait_for_url(f"{server.url}/")

            page.goto(f"{server.url}/wall")
            page.locator('button.layout[data-layout="4"]').click()
            for name in ("gate", "lobby"):  # each tile its own stream, over one multiplexed response
                page.wait_for_function(PLAYING, arg=name, timeout=60000)
            # the masked camera: refreshing stills (blanked), never its stream, never a broken image
            yard = page.locator('.tile[data-name="yard"]')
            expect(yard).to_have_class(re.compile(r"\bhas-picture\b"), timeout=60000)
            assert "has-video" not in (yard.get_attribute("class") or "")
            assert yard.get_attribute("data-live") is None
            assert (
                page.evaluate(
                    "Array.from(document.querySelectorAll('.tile:not([hidden]) img'))"
                    ".filter(i => i.hasAttribute('src') && !(i.complete && i.naturalWidth > 0)).length"
                )
                == 0
            )
            # the playing tiles keep time with the camera (not a frozen first picture)
            before = page.evaluate("document.querySelector(\".tile[data-name='lobby'] video\").currentTime")
            page.wait_for_function(
                "t => document.querySelector(\".tile[data-name='lobby'] video\").currentTime > t + 1",
                arg=before,
                timeout=30000,
            )

            # a click selects; a double-click opens the camera filling the screen
            lobby = page.locator('.tile[data-name="lobby"]')
            lobby.click()
            assert page.url == f"{server.url}/wall"
            lobby.dblclick()
            page.wait_for_url(f"{server.url}/cameras/{ids['lobby']}?fullscreen=1")
            page.wait_for_function(
                "() => { const v = document.getElementById('live-video'); return v && v.readyState >= 2"
                " && v.currentTime > 0.5 && v.videoWidth === 320; }",
                timeout=60000,
            )
            box = page.locator("#live-video").bounding_box()
            assert box is not None and box["width"] >= 1919 and box["height"] >= 1079, box
            page.keyboard.press("Escape")  # back to the wall
            page.wait_for_url(f"{server.url}/wall")

            # Enter on a focused tile opens it too; the page's button puts it on the whole screen
            page.locator('.tile[data-name="gate"]').focus()
            page.keyboard.press("Enter")
            page.wait_for_url(f"{server.url}/cameras/{ids['gate']}?fullscreen=1")
            page.locator("#focus-full").click()
            page.wait_for_function("() => document.fullscreenElement?.id === 'focus-stage'")
            expect(page.locator("#focus-full")).to_have_attribute("aria-pressed", "true")
            page.keyboard.press("f")
            page.wait_for_function("() => document.fullscreenElement === null")

            # the camera page links to this camera's footage of the last 15 minutes, the form prefilled
            page.goto(f"{server.url}/cameras/{ids['gate']}")
            box = page.locator("#live-video").bounding_box()
            assert box is not None and box["width"] >= 1500, box  # as large as the window allows
            page.locator("#focus-footage").click()
            page.wait_for_url(re.compile(r"/footage/view\?camera=gate&start="))
            expect(page.locator("#play-form select[name=camera]")).to_have_value("gate")
            start = dt.datetime.fromisoformat(page.locator("#play-form input[name=start]").input_value())
            end = dt.datetime.fromisoformat(page.locator("#play-form input[name=end]").input_value())
            assert end - start == dt.timedelta(minutes=15)
            context.close()
    finally:
        worker.stop()

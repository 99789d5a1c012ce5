"""The operator console against a running app with demo cameras, in Debian's Chromium:
tiles update, an alert arrives live, one key acknowledges it, the language switches."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Page, expect

from access.roles import Role
from config.cameras import CameraConfig
from db.session import make_session_factory, session_scope
from devices.camera import service as cameras
from devices.credentials import CredentialBox
from runtime.worker import Worker
from tests.browser.conftest import Live
from tests.support.app_env import Env
from tests.support.live_server import LiveServer
from tests.support.screenshots import screenshot_dir

SCREENSHOTS = screenshot_dir()
pytestmark = pytest.mark.slow


@pytest.fixture
def demo_live(make_env: Callable[..., Env]) -> Iterator[Live]:
    """The app with two busy synthetic cameras read by a real capture worker."""
    env = make_env(alerts={"ack_target_high_s": 600, "ack_target_normal_s": 600})
    box = CredentialBox(env.settings.auth.secret_key.get_secret_value())
    demo = [
        CameraConfig(name="gate", title="Main gate", key=True, url="demo://gate?seed=1&people=4&light=0"),  # type: ignore[arg-type]
        CameraConfig(name="lobby", title="Lobby", url="demo://lobby?seed=2&people=4&light=0"),  # type: ignore[arg-type]
    ]
    factory = make_session_factory(env.engine)
    with session_scope(factory) as s:
        cameras.import_config(s, cameras=demo, box=box)
    worker = Worker(env.settings, factory)
    env.app.state.ctx.live = worker.capture
    worker.start()
    try:
        with LiveServer(env.app) as server:
            yield Live(env=env, url=server.url)
    finally:
        worker.stop()


def test_wall_tiles_update_and_an_alert_is_acknowledged_with_one_key(demo_live: Live, page: Page) -> None:
    demo_live.env.user(Role.OPERATOR, username="olga")
    demo_live.login(page, "olga")
    page.goto(f"{demo_live.url}/wall")
    gate = page.locator('.tile[data-name="gate"]')
    expect(gate).to_have_class(re.compile(r"^tile key\b"))
    # a demo camera is H.264 now: its tile plays its own stream, moving on (stills are the fallback)
    expect(gate).to_have_class(re.compile(r"\bhas-video\b"), timeout=60000)
    playing = "() => document.querySelector(\".tile[data-name='gate'] video\").currentTime"
    first = page.evaluate(playing)
    page.wait_for_function(f"() => ({playing})() > {first} + 1", timeout=30000)
    expect(gate.locator("[data-health]")).to_have_text("online", timeout=15000)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(1500)
    page.screenshot(path=str(SCREENSHOTS / "wall.png"))

    # Enter on a tile: the camera filling the screen, playing its own stream
    gate.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/cameras/\d+\?fullscreen=1$"))
    page.wait_for_function(
        "() => { const v = document.getElementById('live-video'); return v && v.readyState >= 2 && v.currentTime > 1; }",
        timeout=20000,
    )
    # it plays on at the camera's pace, near the live edge (a seek a second to the edge froze it)
    position = "() => { const v = document.getElementById('live-video'); return [v.currentTime, v.buffered.end(v.buffered.length - 1)]; }"
    (start, _), started = page.evaluate(position), time.monotonic()
    page.wait_for_timeout(6000)
    (now, edge), waited = page.evaluate(position), time.monotonic() - started
    assert now - start > 0.7 * waited and edge - now < 3, (start, now, edge, waited)
    page.screenshot(path=str(SCREENSHOTS / "camera.png"))

    page.goto(f"{demo_live.url}/alerts")
    expect(page.locator("#stream-state")).to_have_text("live", timeout=10000)
    first_new = page.locator("tr.alert-row.state-new").first
    expect(first_new).to_be_visible(timeout=40000)
    alert_id = first_new.get_attribute("data-id")
    row = page.locator(f'tr.alert-row[data-id="{alert_id}"]')
    # the row shows the alert's snapshot as a thumbnail (a picture, not a broken image), larger on focus
    thumb = row.locator('[data-f="thumb"] img')
    expect(thumb).to_have_count(1)
    loaded = f"() => {{ const i = document.querySelector('tr.alert-row[data-id=\"{alert_id}\"] td.thumb img'); return i && i.complete && i.naturalWidth > 0; }}"
    page.wait_for_function(loaded, timeout=15000)
    small = thumb.bounding_box()
    row.focus()
    page.wait_for_timeout(400)  # the thumbnail grows over 0.15 s
    large = thumb.bounding_box()
    assert small is not None and large is not None and large["width"] >= 3 * small["width"], (small, large)
    page.screenshot(path=str(SCREENSHOTS / "alerts.png"))
    page.keyboard.press("a")
    expect(row).to_have_class(re.compile("state-acknowledged"), timeout=5000)
    with demo_live.env.session() as s:
        from alerts.models import Alert

        acked = s.get(Alert, int(alert_id or 0))
        assert acked is not None and acked.acknowledged_by == "olga"

    page.get_by_role("link", name="中文").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("告警队列")
    expect(page.locator("#stream-state")).to_have_text("实时", timeout=10000)


def test_maintenance_does_not_see_the_wall(live: Live, page: Page) -> None:
    live.env.user(Role.MAINTENANCE, username="ma")
    live.login(page, "ma")
    expect(page.get_by_role("link", name="Wall")).to_have_count(0)
    response = page.goto(f"{live.url}/wall")
    assert response is not None and response.status == 403

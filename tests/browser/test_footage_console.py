"""The footage console in Chromium: timeline with spans, holds and alerts; a request filed by an outsider and
approved by a shift leader; playback in <video> under the grant; a refusal shown with its reason; a sealed
export with progress. Screenshots go to a temporary folder (scripts/refresh-screenshots refreshes README's pictures)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from access.roles import Role
from devices.camera.service import require_by_name
from footage.storage import Storage
from tests.browser.conftest import Live
from tests.factories.alerts import make_alert, make_camera
from tests.factories.footage import record_clip
from tests.support.live_server import LiveServer
from tests.support.peers import make_clip
from tests.support.screenshots import screenshot_dir

SHOTS = screenshot_dir()


@pytest.fixture
def floor(make_env, tmp_path) -> Iterator[tuple[Live, dt.datetime]]:
    """Two cameras with 20 s recorded an hour ago, an alert in it, and the people of the story."""
    env = make_env(data_dir=tmp_path / "data")
    start = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)).replace(microsecond=0)
    clip = make_clip("testsrc2", size="640x360", rate=25, seconds=60)
    with env.session() as s:
        gate, yard = make_camera(s, name="gate"), make_camera(s, name="yard")
        for camera in (gate, yard):
            record_clip(s, Storage.of(env.settings), camera, clip, start=start, seconds=20)
        make_alert(s, gate, kind="motion", now=start + dt.timedelta(seconds=5))
        require_by_name(s, "yard").title = "Yard"
    env.user(Role.OPERATOR, username="olga")
    env.user(Role.SHIFT_LEADER, username="lee")
    env.user(Role.SUPERVISOR, username="sue")
    env.user(Role.MAINTENANCE, username="pol")
    with LiveServer(env.app) as server:
        yield Live(env=env, url=server.url), start


def local_input(t: dt.datetime) -> str:
    return t.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"footage-{name}.png"))


def test_hold_request_approve_play_refuse_and_export_in_the_console(browser, floor):
    live, start = floor
    day = start.date().isoformat()
    held = (start + dt.timedelta(seconds=2), start + dt.timedelta(seconds=12))

    def tab() -> Page:
        return browser.new_context(viewport={"width": 1600, "height": 900}, locale="en-US").new_page()

    olga = tab()
    live.login(olga, "olga")
    olga.goto(f"{live.url}/footage?camera=gate&day={day}")
    expect(olga.get_by_text("Recorded spans are shown only with an approved access request.")).to_be_visible()
    olga.locator("input[name=start]").fill(local_input(held[0]))
    olga.locator("input[name=end]").fill(local_input(held[1]))
    olga.locator("input[name=incident_ref]").fill("INC-117")
    olga.locator("select[name=category]").select_option("theft")
    olga.get_by_role("button", name="Place an evidence hold").click()
    expect(olga.locator(".footage-table")).to_contain_text("INC-117")
    olga.locator("input[name=incident_ref]").fill("INC-118")
    olga.locator("input[name=start]").fill(local_input(held[0] + dt.timedelta(seconds=5)))
    olga.locator("input[name=end]").fill(local_input(held[1] + dt.timedelta(seconds=5)))
    olga.get_by_role("button", name="Place an evidence hold").click()
    expect(olga.locator("[data-error]").first).to_contain_text("already has hold")

    sue = tab()
    live.login(sue, "sue")
    sue.goto(f"{live.url}/footage?camera=gate&day={day}")
    expect(sue.locator(".block.rec")).to_have_count(1)
    expect(sue.locator(".block.hold")).to_have_count(1)
    expect(sue.locator(".block.alert")).to_have_count(1)
    shot(sue, "timeline")

    pol = tab()
    live.login(pol, "pol")
    pol.goto(f"{live.url}/footage/requests")
    pol.locator("input[name=organisation]").fill("City police, precinct 4")
    pol.locator("textarea[name=reason]").fill("Theft at the gate, case 117")
    pol.locator("input[name=camera][value=gate]").check()
    pol.locator("input[name=start]").fill(local_input(held[0]))
    pol.locator("input[name=end]").fill(local_input(held[1]))
    pol.get_by_role("button", name="Submit request").click()
    expect(pol.locator(".footage-table")).to_contain_text("Pending")

    lee = tab()
    live.login(lee, "lee")
    lee.goto(f"{live.url}/footage/requests")
    expect(lee.get_by_role("button", name="Approve")).to_be_visible()
    shot(lee, "requests")
    lee.get_by_role("button", name="Approve").click()
    expect(lee.locator(".footage-table")).to_contain_text("Approved")

    pol.goto(f"{live.url}/footage/grants")
    shot(pol, "grants")
    pol.get_by_role("link", name="Play and export").last.click()
    pol.get_by_role("button", name="Play").click()
    pol.wait_for_url("**/footage/view?ticket=*")
    video = pol.locator("#player")
    pol.wait_for_function("document.getElementById('player').readyState >= 2", timeout=20000)
    duration = video.evaluate("v => v.duration")
    assert 8.0 <= duration <= 10.5
    shot(pol, "player")

    pol.locator("input[name=end]").fill(local_input(held[1] + dt.timedelta(seconds=30)))
    pol.get_by_role("button", name="Play").click()
    expect(pol.locator("[data-error]")).to_contain_text("outside grant")

    pol.locator("input[name=end]").fill(local_input(held[1]))
    pol.get_by_role("button", name="Export (sealed)").click()
    pol.wait_for_url("**/footage/exports/*")
    expect(pol.get_by_role("link", name="Download the export (ZIP)")).to_be_visible(timeout=20000)
    shot(pol, "export")

    pol.goto(f"{live.url}/footage/grants?lang=zh")
    expect(pol.get_by_role("heading", name="我的授权")).to_be_visible()
    shot(pol, "grants-zh")

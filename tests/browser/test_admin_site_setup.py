"""End to end: from an empty database (one bootstrap admin), an administrator sets up a site entirely in
Chromium — users, a real RTSP camera (tested first) and an ONVIF camera (described, profile picked), a
zone and a privacy mask drawn on the picture, a post with its cameras and roles, and a duty-rule change
that the operator made on the users page, signing in with the one-time password, is then asked to confirm."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Page, expect

from access.roles import Role
from devices.camera import service as cameras
from shift_logs.roster import post_admin
from shift_logs.rules import store
from tests.browser.admin_support import click_at, live_with_worker
from tests.browser.conftest import Live
from tests.support.app_env import Env
from tests.support.peers import Ipycam, RtspServer, make_clip, missing_peer
from tests.support.screenshots import screenshot_dir

pytestmark = pytest.mark.slow
ONVIF_USER, ONVIF_PASSWORD = "admin", "s3cret"


@pytest.fixture(scope="module")
def rtsp() -> Iterator[RtspServer]:
    """A real RTSP server streaming a short clip at /front."""
    if not RtspServer.available():
        missing_peer("GStreamer RTSP server not loadable by /usr/bin/python3")
    clip = make_clip("admin-front", size="640x360", rate=10, seconds=20)
    server = RtspServer(["--file", f"front={clip}"]).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def onvif(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ipycam]:
    """ipycam, a virtual ONVIF camera, with a login."""
    source = make_clip("ipycam-src", size="320x180", rate=5, seconds=20)
    cam = Ipycam(source, tmp_path_factory.mktemp("ipycam"), user=ONVIF_USER, password=ONVIF_PASSWORD)
    try:
        cam.start()
    except RuntimeError as exc:
        missing_peer(f"ipycam did not start: {exc}")
    yield cam
    cam.stop()


def _users(page: Page, url: str) -> dict[str, str]:
    """Two users made on the page; their one-time passwords as shown once."""
    passwords = {}
    for username, role in (("olga", "Operator"), ("li", "Shift leader")):
        page.goto(f"{url}/admin/users")
        add = page.locator("#add-user")
        add.get_by_label("User name").fill(username)
        add.get_by_label(role).check()
        add.get_by_label("Reason (audited)").fill("new site")
        add.get_by_role("button", name="Create user").click()
        expect(page.locator("#one-time-password")).not_to_be_empty()
        passwords[username] = page.locator("#one-time-password").inner_text()
    return passwords


def _rtsp_camera(page: Page, url: str, stream: str) -> None:
    page.goto(f"{url}/admin/cameras")
    add = page.locator("#add-camera")
    add.get_by_label("Name", exact=True).fill("front")
    add.get_by_label("Title", exact=True).fill("Front door")
    add.get_by_label("Stream URL", exact=True).fill(stream)
    add.get_by_label("Key camera").check()
    add.get_by_label("Reason (audited)").fill("new site")
    page.locator("#test-stream").click()
    expect(page.locator('#test-result [data-outcome="ok"]')).to_contain_text("640×360", timeout=30000)
    expect(page.locator("#test-result img")).to_be_visible()
    add.get_by_role("button", name="Add camera").click()
    expect(page.locator("#cameras")).to_contain_text("front", timeout=10000)


def _onvif_camera(page: Page, url: str, cam: Ipycam) -> None:
    page.goto(f"{url}/admin/cameras")
    page.get_by_label("ONVIF address").fill("127.0.0.1")
    page.locator("#onvif-discover").click()  # WS-Discovery: multicast, and a unicast probe to the address
    found = page.locator("#onvif-found button", has_text="/onvif/device_service").first
    expect(found).to_contain_text("127.0.0.1", timeout=10000)
    page.get_by_label("ONVIF address").fill("")
    found.click()
    expect(page.get_by_label("ONVIF address")).to_have_value("127.0.0.1")
    # other ipycams (other test processes) share UDP 3702, so the one that answered may not be this one
    page.get_by_label("Port").fill(str(cam.onvif_port))
    add = page.locator("#add-camera")
    add.get_by_label("User name").fill(ONVIF_USER)
    add.get_by_label("Password").fill(ONVIF_PASSWORD)
    page.get_by_role("button", name="Ask the device").click()
    expect(page.locator("#onvif-profile option")).not_to_have_count(0, timeout=30000)
    expect(page.locator("#add-url")).to_have_value(f"rtsp://127.0.0.1:{cam.rtsp_port}/video_main")
    add.get_by_label("Name", exact=True).fill("yard")
    add.get_by_label("Reason (audited)").fill("new site")
    add.get_by_role("button", name="Add camera").click()
    expect(page.locator("#cameras")).to_contain_text("yard", timeout=10000)


def _zones(page: Page, url: str, camera_id: int) -> None:
    page.goto(f"{url}/admin/cameras/{camera_id}/zones")
    expect(page.locator("#overlay")).to_have_attribute("data-ready", "1", timeout=30000)
    for kind, corners in (
        ("zones", ((0.5, 0.2), (0.95, 0.2), (0.95, 0.9), (0.5, 0.9))),
        ("privacy_masks", ((0.05, 0.05), (0.3, 0.05), (0.3, 0.3))),
    ):
        page.locator("#new-kind").select_option(kind)
        page.locator("#draw").click()
        for fx, fy in corners:
            click_at(page, "#overlay", fx, fy)
        page.locator("#overlay").press("Enter")
    page.locator("#shape-name").fill("door")  # the privacy mask is selected after drawing
    page.locator("#reason").fill("new site")
    page.locator("#save").click()
    expect(page.locator("#admin-message")).to_have_text("Saved.")


def _post(page: Page, url: str) -> None:
    page.goto(f"{url}/admin/posts")
    form = page.locator("#post-form")
    form.get_by_label("Name", exact=True).fill("desk-1")
    form.get_by_label("Title").fill("Desk 1")
    form.get_by_label("front").check()
    form.get_by_label("yard").check()
    form.get_by_label("Operator").check()
    form.get_by_label("Handover checklist (one item a line)").fill("keys\nradios")
    form.get_by_label("Reason (audited)").fill("new site")
    form.get_by_role("button", name="Save").click()
    expect(page.locator("#posts")).to_contain_text("desk-1", timeout=10000)


def _rules(page: Page, url: str) -> None:
    page.goto(f"{url}/compliance")
    hours = page.locator('[data-path="rules.min_rest.params.hours"]')
    hours.fill("-2")
    page.locator("#rules-check").click()
    expect(page.locator("#rules-message")).to_contain_text("rules.min_rest.params.hours")
    expect(hours).to_have_attribute("aria-invalid", "true")
    hours.fill("10")
    page.locator("#rules-check").click()
    expect(page.locator("#rules-diff-text")).to_contain_text("+ rules.min_rest.params.hours: 10")
    page.locator("#rules-reason").fill("longer rest for night shifts")
    page.locator("#rules-save").click()
    expect(page.locator("#rules-message")).to_contain_text(re.compile(r"Saved as version \d+"))


def _operator_asked_to_confirm(page: Page, live: Live, password: str, version: int) -> None:
    """The operator made on the users page signs in with the one-time password, replaces it (the console
    holds her on /account/password until then) and is asked to confirm."""
    page.context.clear_cookies()
    page.goto(f"{live.url}/login")
    page.get_by_label("User name").fill("olga")
    page.get_by_label("Password").fill(password)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(f"{live.url}/account/password")
    form = page.locator("#password-form")
    form.get_by_label("Current password").fill(password)
    form.get_by_label("New password", exact=True).fill("olga-own-password")
    form.get_by_label("New password again").fill("olga-own-password")
    form.get_by_role("button", name="Change password").click()
    page.wait_for_url(f"{live.url}/")
    expect(page.locator('#duty-bar [data-k="rules"]')).to_contain_text(f"v{version}")
    page.goto(f"{live.url}/compliance")
    expect(page.locator("#confirm-rules")).to_be_visible()


def test_an_admin_sets_up_a_site_in_the_browser(
    make_env: Callable[..., Env], page: Page, rtsp: RtspServer, onvif: Ipycam
) -> None:
    with live_with_worker(make_env) as (live, worker):
        live.env.user(Role.ADMIN, username="root")
        live.login(page, "root")
        passwords = _users(page, live.url)
        _rtsp_camera(page, live.url, rtsp.url("front"))
        _onvif_camera(page, live.url, onvif)
        with live.env.session() as s:
            front = cameras.require_by_name(s, "front")
            yard = cameras.require_by_name(s, "yard")
            assert front.key and yard.onvif_host == "127.0.0.1" and "s3cret" not in yard.url_masked
            front_id = front.id
        worker.capture.sync_cameras()  # claim the new cameras now rather than at the next lease round
        _zones(page, live.url, front_id)
        page.screenshot(path=str(screenshot_dir() / "admin-site-zones.png"))
        _post(page, live.url)
        _rules(page, live.url)

        with live.env.session() as s:
            detect = cameras.require(s, front_id).detect
            (post,) = post_admin.list_all(s)
            rest = store.in_force(s).rules.min_rest.params.hours
            version = store.version_at(s)
            assert version is not None
            version_number = version.version
        assert [z["name"] for z in detect["zones"]] == ["zone-1"]
        assert (
            detect["privacy_masks"][0]["name"] == "door" and len(detect["privacy_masks"][0]["polygon"]) == 3
        )
        assert post.cameras == ["front", "yard"] and post.roles == ["operator"]
        assert rest == 10
        _operator_asked_to_confirm(page, live, passwords["olga"], version_number)

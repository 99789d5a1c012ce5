"""PTZ on the camera page, in Debian's Chromium against ipycam: no controls and 403 for roles without PTZ
rights; an allowed move asks for a reason, reaches the camera and lands in the audit log."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from access.audit.models import AuditEntry
from access.roles import Role
from db.session import make_session_factory
from devices.credentials import CredentialBox
from runtime.worker import Worker
from tests.browser.conftest import Live
from tests.factories.devices import make_ptz_camera
from tests.support.app_env import Env
from tests.support.live_server import LiveServer
from tests.support.onvif_peer import PtzPeer, ptz_peer
from tests.support.screenshots import screenshot_dir

SCREENSHOTS = screenshot_dir()
REASON = "following a man in a red jacket"
pytestmark = [pytest.mark.rtsp, pytest.mark.slow]


@pytest.fixture(scope="module")
def peer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PtzPeer]:
    with ptz_peer(tmp_path_factory.mktemp("ipycam")) as started:
        yield started


def _serve(env: Env, peer: PtzPeer, *, watch: bool = False) -> Iterator[tuple[Live, int]]:
    """The app with one PTZ camera (ipycam behind the repairing proxy); with `watch`, a capture worker
    reads its stream so the page shows the picture turning."""
    box = CredentialBox(env.settings.auth.secret_key.get_secret_value())
    with env.session() as s:
        camera = make_ptz_camera(
            s,
            box,
            port=peer.repaired_port,
            name="dock",
            title="Loading dock",
            url=f"rtsp://127.0.0.1:{peer.cam.rtsp_port}/video_main",
        )
        camera_id = camera.id
    worker = Worker(env.settings, make_session_factory(env.engine)) if watch else None
    if worker is not None:
        env.app.state.ctx.live = worker.capture
        worker.start()
    try:
        with LiveServer(env.app) as server:
            yield Live(env=env, url=server.url), camera_id
    finally:
        if worker is not None:
            worker.stop()


@pytest.fixture
def served(make_env: Callable[..., Env], peer: PtzPeer) -> Iterator[tuple[Live, int]]:
    yield from _serve(make_env(), peer)


@pytest.fixture
def leaders_only(make_env: Callable[..., Env], peer: PtzPeer) -> Iterator[tuple[Live, int]]:
    yield from _serve(make_env(camera_control={"ptz_roles": ["shift_leader", "supervisor"]}), peer)


@pytest.fixture
def watched(make_env: Callable[..., Env], peer: PtzPeer) -> Iterator[tuple[Live, int]]:
    yield from _serve(make_env(), peer, watch=True)


def _post_move(page: Page, camera_id: int) -> dict:
    payload = {"pan": 0.5, "seconds": 0.3, "reason": REASON}
    return dict(
        page.evaluate(
            "([url, body]) => window.controlroom.post(url, body)",
            [f"/api/v1/cameras/{camera_id}/ptz/move", payload],
        )
    )


def test_maintenance_gets_no_camera_page_and_ptz_is_refused(served: tuple[Live, int], page: Page) -> None:
    live, camera_id = served
    live.env.user(Role.MAINTENANCE, username="mike")
    live.login(page, "mike")
    response = page.goto(f"{live.url}/cameras/{camera_id}")
    assert response is not None and response.status == 403
    page.goto(f"{live.url}/")
    assert _post_move(page, camera_id)["status"] == 403


def test_an_operator_outside_ptz_roles_sees_no_controls_and_is_refused(
    leaders_only: tuple[Live, int], page: Page, peer: PtzPeer
) -> None:
    live, camera_id = leaders_only
    peer.park(0.0, 0.0)
    live.env.user(Role.OPERATOR, username="olga")
    live.login(page, "olga")
    response = page.goto(f"{live.url}/cameras/{camera_id}")
    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", level=1)).to_contain_text("Loading dock")
    expect(page.locator("#ptz")).to_have_count(0)
    expect(page.get_by_role("button", name="Pan right")).to_have_count(0)
    refused = _post_move(page, camera_id)
    assert refused["status"] == 403 and "shift_leader, supervisor" in refused["data"]["detail"]
    assert peer.position()[0] == pytest.approx(0.0, abs=0.01)


def test_an_allowed_move_asks_for_a_reason_reaches_the_camera_and_is_audited(
    watched: tuple[Live, int], page: Page, peer: PtzPeer
) -> None:
    live, camera_id = watched
    peer.park(0.0, 0.0)
    with peer.client() as client:
        str(client.ptz_call("SetPreset", {"ProfileToken": "Profile_Main", "PresetName": "gate"}))
    live.env.user(Role.OPERATOR, username="olga")
    live.login(page, "olga")
    page.goto(f"{live.url}/cameras/{camera_id}")
    ptz = page.locator("#ptz")
    expect(ptz.get_by_role("button", name="Go to preset gate")).to_be_visible(timeout=10000)

    ptz.get_by_role("button", name="Pan right").click()
    dialog = page.locator("#ptz-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading")).to_have_text("Pan right: why?")
    dialog.get_by_role("button", name="Send").click()
    expect(dialog).to_be_visible()  # the reason is required
    dialog.get_by_label("Reason (required)").fill(REASON)
    dialog.get_by_label("Reason (required)").press("Enter")
    expect(dialog).to_be_hidden()
    status = page.locator("#ptz-status")
    expect(status).to_have_text(
        re.compile(r"Pan right: done\. Returns home at .*\d\d:\d\d:\d\d\.$"), timeout=10000
    )
    assert peer.settled_position()[0] > 0.05
    with live.env.session() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "camera.ptz.move")).one()
    assert (entry.actor, entry.target, entry.detail["reason"]) == ("olga", "camera:dock", REASON)

    ptz.get_by_role("button", name="Go to preset gate").click()
    expect(dialog.get_by_label("Reason (required)")).to_have_value(REASON)  # offered again
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1600, "height": 900})
    page.wait_for_timeout(1500)  # a few frames of the turned picture for the screenshot
    page.screenshot(path=str(SCREENSHOTS / "ptz.png"))
    dialog.get_by_role("button", name="Send").click()
    expect(status).to_contain_text("Go to preset gate: done.", timeout=10000)
    assert peer.position()[:2] == pytest.approx((0.0, 0.0), abs=0.02)

    page.goto(f"{live.url}/cameras/{camera_id}?lang=zh")
    expect(page.get_by_role("heading", name="云台控制")).to_be_visible()
    expect(page.get_by_role("button", name="向右")).to_be_visible()

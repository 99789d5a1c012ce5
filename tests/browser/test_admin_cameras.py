"""/admin/cameras in Chromium with a real RTSP camera and a capture worker: the list shows health, lease
holder and last error; the stored stream is tested from the edit panel; the URL with a login, recording,
retention and key flag are edited (the password is never shown back), and a camera is disabled: every
change audited with its reason and applied to the running worker without a restart. The PTZ home preset
of an ONVIF camera (ipycam) is set from the same form: an unknown preset is refused in plain words."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Page, expect

from access.audit import service as audit
from access.roles import Role
from config.cameras import CameraConfig
from devices.camera import service as cameras
from devices.credentials import CredentialBox
from tests.browser.admin_support import live_with_worker
from tests.browser.conftest import Live
from tests.factories.devices import make_ptz_camera
from tests.support.app_env import Env
from tests.support.onvif_peer import PROFILE, PtzPeer, ptz_peer
from tests.support.peers import RtspServer, free_port, make_clip, missing_peer

pytestmark = [pytest.mark.rtsp, pytest.mark.slow]
SECRET = "pa55-w0rd-xyz"


@pytest.fixture(scope="module")
def rtsp() -> Iterator[RtspServer]:
    """A real RTSP server streaming a short clip at /front."""
    if not RtspServer.available():
        missing_peer("GStreamer RTSP server not loadable by /usr/bin/python3")
    clip = make_clip("admin-cams", size="640x360", rate=10, seconds=20)
    server = RtspServer(["--file", f"front={clip}"]).start()
    yield server
    server.stop()


def _wait(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.2)


def _edit(page: Page, name: str) -> None:
    page.locator(f'#cameras tr[data-name="{name}"] .edit-camera').click()
    expect(page.locator("#camera-panel")).to_be_visible()


def test_cameras_page_lists_health_and_applies_edits_live(
    make_env: Callable[..., Env], page: Page, rtsp: RtspServer
) -> None:
    with live_with_worker(make_env) as (live, worker):
        capture = worker.capture
        assert capture is not None
        box = CredentialBox(live.env.settings.auth.secret_key.get_secret_value())
        dead = f"rtsp://127.0.0.1:{free_port()}/gone"
        configs = [
            CameraConfig(name="front", url=rtsp.url("front")),  # type: ignore[arg-type]
            CameraConfig(name="dead", url=dead),  # type: ignore[arg-type]
        ]
        with live.env.session() as s:
            cameras.import_config(s, cameras=configs, box=box)
        capture.sync_cameras()

        def health(name: str) -> str:
            with live.env.session() as s:
                camera = cameras.require_by_name(s, name)
                return f"{camera.health} {camera.health_reason}"

        _wait(lambda: health("front").startswith("online"), 30, "front never came online")
        _wait(lambda: "refused" in health("dead"), 60, "the refused camera was never reported offline")
        live.env.user(Role.ADMIN, username="root")
        live.login(page, "root")
        page.goto(f"{live.url}/admin/cameras")
        front_row = page.locator('#cameras tr[data-name="front"]')
        dead_row = page.locator('#cameras tr[data-name="dead"]')
        expect(front_row).to_contain_text("online")
        expect(front_row).to_contain_text(capture.worker_id)  # the lease holder
        expect(dead_row).to_contain_text("offline")
        expect(dead_row).to_contain_text("refused")  # the last error, in plain words

        # the stored stream tested from the edit panel
        _edit(page, "front")
        page.locator("#test-stored").click()
        expect(page.locator('#test-result [data-outcome="ok"]')).to_contain_text("640×360", timeout=30000)

        # a new URL with a login, recording and retention, key camera
        edit = page.locator("#edit-camera")
        port = rtsp.url("front").split("//", 1)[1]
        new_url = f"rtsp://viewer:{SECRET}@{port}"
        edit.locator('input[name="url"]').fill(new_url)
        edit.locator('select[name="mode"]').select_option("events")
        edit.locator('input[name="retain_days"]').fill("7")
        edit.locator('input[name="key"]').check()
        edit.locator('input[name="reason"]').fill("new switch, recording on events")
        edit.get_by_role("button", name="Save").click()
        expect(page.locator("#admin-message")).to_have_text("Saved.")
        _wait(lambda: capture._runs["front"].url == new_url, 10, "the running reader kept the old URL")

        expect(page.locator("#camera-panel")).to_be_hidden()  # the page reloads itself after saving
        expect(front_row).to_contain_text("events · 7")
        expect(front_row).to_contain_text("viewer")
        assert SECRET not in page.content()  # never shown back
        _edit(page, "front")
        expect(edit.locator('input[name="url"]')).to_have_value("")
        with live.env.session() as s:
            front = cameras.require_by_name(s, "front")
            assert front.key and front.recording["retain_days"] == 7 and SECRET not in front.url_masked
            entries, _ = audit.list_(s, limit=1, offset=0, action="camera.update")
        detail = entries[0].detail
        assert detail["reason"] == "new switch, recording on events"
        assert {"url", "recording", "key"} <= set(detail["changed"])
        assert SECRET not in str(detail)

        # disabled: the worker lets the camera go at its next lease round, no restart
        _edit(page, "dead")
        edit.locator('input[name="enabled"]').uncheck()
        edit.locator('input[name="reason"]').fill("camera removed from the site")
        edit.get_by_role("button", name="Save").click()
        expect(page.locator("#admin-message")).to_have_text("Saved.")
        capture.sync_cameras()
        assert "dead" not in capture._runs and "front" in capture._runs
        expect(dead_row).to_contain_text("disabled")  # after the page's own reload


@pytest.fixture(scope="module")
def peer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PtzPeer]:
    """ipycam behind the repairing proxy (presets that parse)."""
    with ptz_peer(tmp_path_factory.mktemp("ipycam")) as started:
        yield started


def test_the_ptz_home_preset_is_set_from_the_edit_form(live: Live, page: Page, peer: PtzPeer) -> None:
    box = CredentialBox(live.env.settings.auth.secret_key.get_secret_value())
    with live.env.session() as s:
        camera_id = make_ptz_camera(s, box, port=peer.repaired_port, name="dock").id
    with peer.client() as client:
        gate = str(client.ptz_call("SetPreset", {"ProfileToken": PROFILE, "PresetName": "gate"}))
    live.env.user(Role.ADMIN, username="root")
    live.login(page, "root")
    page.goto(f"{live.url}/admin/cameras")
    _edit(page, "dock")
    edit = page.locator("#edit-camera")
    edit.locator('input[name="reason"]').fill("the gate is what matters at night")
    edit.locator('input[name="home_preset"]').fill("no-such-preset")
    edit.get_by_role("button", name="Save").click()
    expect(page.locator("#admin-message")).to_contain_text(
        "preset: camera 'dock' has no preset 'no-such-preset'"
    )
    edit.locator('input[name="home_preset"]').fill(gate)
    edit.get_by_role("button", name="Save").click()
    expect(page.locator("#admin-message")).to_have_text("Saved.")
    with live.env.session() as s:
        assert cameras.require(s, camera_id).home_preset == gate
        entries, _ = audit.list_(s, limit=1, offset=0, action="camera.ptz.set_home")
    assert entries[0].detail["reason"] == "the gate is what matters at night"

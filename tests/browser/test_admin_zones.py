"""The zone editor in Chromium: a privacy mask drawn with the mouse, an exclusion mask added and moved with
the keyboard, the detector preview, a zone named with its sensitivity and smallest object (a box to scale)
and another deleted, one audited save, and the next live tile blanked under the mask."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from access.audit import service as audit
from access.roles import Role
from config.cameras import CameraConfig
from devices.camera import service as cameras
from devices.credentials import CredentialBox
from tests.browser.admin_support import click_at, live_with_worker, luma
from tests.support.app_env import Env
from tests.support.screenshots import screenshot_dir

pytestmark = pytest.mark.slow
W, H = 640, 360


def test_masks_drawn_with_mouse_and_keyboard_blank_the_live_tile(
    make_env: Callable[..., Env], page: Page
) -> None:
    with live_with_worker(make_env) as (live, _worker):
        box = CredentialBox(live.env.settings.auth.secret_key.get_secret_value())
        demo = CameraConfig(name="gate", title="Gate", url="demo://gate?seed=3&people=3&light=0")  # type: ignore[arg-type]
        with live.env.session() as s:
            cameras.import_config(s, cameras=[demo], box=box)
            camera_id = cameras.require_by_name(s, "gate").id
        live.env.user(Role.ADMIN, username="root")
        operator = live.env.token(live.env.user(Role.OPERATOR, username="olga"))
        live.login(page, "root")
        page.goto(f"{live.url}/admin/cameras/{camera_id}/zones")
        expect(page.locator("#overlay")).to_have_attribute("data-ready", "1", timeout=20000)
        expect(page.locator("#overlay")).to_have_attribute("viewBox", f"0 0 {W} {H}")

        # a privacy mask with the mouse: draw, four corners, finish
        page.locator("#new-kind").select_option("privacy_masks")
        page.locator("#draw").click()
        for fx, fy in ((0.05, 0.1), (0.45, 0.1), (0.45, 0.6), (0.05, 0.6)):
            click_at(page, "#overlay", fx, fy)
        page.locator("#finish").click()
        expect(page.locator("#shapes")).to_contain_text("Privacy mask (4)")

        # an exclusion mask with the keyboard: add a square, move its first corner, add a corner
        page.locator("#new-kind").select_option("exclusion_masks")
        page.locator("#add-shape").focus()
        page.keyboard.press("Enter")
        corner = page.locator('#overlay circle[data-point="0"]')
        expect(corner).to_be_focused()
        expect(corner).to_have_attribute("aria-label", "Corner 1: 160, 90")
        for _ in range(3):
            page.keyboard.press("ArrowRight")
        page.keyboard.press("Shift+ArrowDown")
        expect(page.locator('#overlay circle[data-point="0"]')).to_have_attribute(
            "aria-label", "Corner 1: 178, 150"
        )
        page.keyboard.press("n")
        expect(page.locator("#shapes")).to_contain_text("Exclusion mask (5)")

        page.locator("#preview").click()
        expect(page.locator("#preview-result")).to_have_attribute(
            "data-boxes", re.compile(r"\d+"), timeout=30000
        )

        # a zone with its sensitivity and smallest object (a box to scale on the picture); another deleted
        page.locator("#new-kind").select_option("zones")
        for _ in range(2):
            page.locator("#add-shape").click()
        expect(page.locator("#shapes")).to_contain_text("Zone · zone-2 (4)")
        page.locator("#delete-shape").click()
        expect(page.locator("#shapes")).not_to_contain_text("zone-2")
        page.locator(".select-shape", has_text="zone-1").click()
        page.locator("#shape-name").fill("driveway")
        page.locator("#shape-sensitivity").fill("80")
        page.locator("#shape-min-area").fill("64")
        size = page.locator("#overlay rect.min-size")
        expect(size).to_have_attribute("width", "64")
        drawn, picture = size.bounding_box(), page.locator("#overlay").bounding_box()
        assert drawn is not None and picture is not None
        assert abs(drawn["width"] / picture["width"] - 64 / W) < 0.01  # to scale with the picture
        page.locator("#preview").click()  # again, with the zone: motion is looked for only inside it
        expect(page.locator("#preview-result")).to_contain_text("frames", timeout=30000)
        page.screenshot(path=str(screenshot_dir() / "admin-zones.png"), full_page=True)
        page.locator("#reason").fill("privacy of the neighbours' windows")
        page.locator("#save").click()
        expect(page.locator("#admin-message")).to_have_text("Saved.")

        with live.env.session() as s:
            detect = cameras.require(s, camera_id).detect
            entries, _ = audit.list_(s, limit=1, offset=0, action="camera.update")
        (privacy,) = detect["privacy_masks"]
        xs = [p[0] for p in privacy["polygon"]]
        ys = [p[1] for p in privacy["polygon"]]
        assert abs(min(xs) - 0.05 * W) < 6 and abs(max(xs) - 0.45 * W) < 6
        assert abs(min(ys) - 0.1 * H) < 6 and abs(max(ys) - 0.6 * H) < 6
        assert detect["exclusion_masks"][0]["polygon"][0] == [178, 150]
        (zone,) = detect["zones"]
        assert (zone["name"], zone["sensitivity"], zone["min_size_px"]) == ("driveway", 80, 64)
        assert entries[0].detail["reason"] == "privacy of the neighbours' windows"

        # the next live tile an operator sees is blanked under the privacy mask
        inside = (slice(int(0.15 * H), int(0.55 * H)), slice(int(0.08 * W), int(0.42 * W)))
        deadline = time.monotonic() + 30
        while True:
            tile = live.env.client.get(f"/api/v1/cameras/{camera_id}/snapshot", headers=operator)
            if tile.status_code == 200 and luma(tile.content)[inside].max() < 24:
                break
            assert time.monotonic() < deadline, "the live tile is not blanked under the new privacy mask"
            time.sleep(0.5)

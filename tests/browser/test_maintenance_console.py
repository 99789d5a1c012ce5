"""Maintenance in a real browser: verify an automatic fault, the second-person rule, photos, checks."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import cv2
import numpy as np
import pytest
from playwright.sync_api import Page, expect

from access.roles import Role
from config.maintenance import MaintenanceSettings
from maintenance import auto, checks, faults
from maintenance.lifecycle import Action
from maintenance.models import EquipmentKind, Fault, Severity
from tests.browser.conftest import Live
from tests.factories.alerts import make_camera
from tests.factories.maintenance import make_equipment
from tests.support.screenshots import screenshot_dir

pytestmark = pytest.mark.browser
SCREENSHOTS = screenshot_dir()
FAST = MaintenanceSettings(auto_close_after_s=30)


@pytest.fixture
def floor(live: Live, tmp_path: Path) -> dict[str, int]:
    """Two maintenance users, an auto fault (camera offline, cleared, closed), a manual one fixed by mia."""
    env = live.env
    mia = env.user(Role.MAINTENANCE, username="mia")
    env.user(Role.MAINTENANCE, username="noah")
    now = dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)
    with env.session() as s:
        camera = make_camera(s, name="gate")
        camera.location, camera.health = "North gate", "online"
        opened = auto.on_camera_health(s, "gate", "offline", "connection refused", now, FAST)
        assert opened is not None
        auto.on_camera_health(s, "gate", "online", "", now + dt.timedelta(minutes=7), FAST)
        auto.close_cleared(s, now + dt.timedelta(minutes=8), FAST)
        monitor = make_equipment(
            s, name="wall monitor 2", location="Wall B", interval_days=30, now=now - dt.timedelta(days=40)
        )
        make_equipment(
            s, name="nvr-1", kind=EquipmentKind.STORAGE, model="NVR 32ch", serial="A-1", path=str(tmp_path)
        )
        make_equipment(
            s, name="radio 4", kind=EquipmentKind.RADIO, interval_days=7, now=now - dt.timedelta(days=6.5)
        )
        manual = faults.report(
            s,
            equipment_id=monitor.id,
            title="colours washed out",
            severity=Severity.MEDIUM,
            user=mia,
            now=now,
        )
        for action in (Action.ASSIGN, Action.START, Action.FIX):
            faults.transition(
                s,
                fault_id=manual.id,
                action=action,
                user=s.merge(mia),
                settings=FAST,
                now=now,
                assignee_id=mia.id,
            )
        faults.report(
            s,
            equipment_id=monitor.id,
            title="dead pixels, lower left",
            severity=Severity.LOW,
            user=None,
            now=now,
        )
        checks.generate_due_checks(s, dt.datetime.now(dt.UTC), FAST)
        return {"auto": opened.id, "manual": manual.id}


def _state(live: Live, fault_id: int) -> str:
    with live.env.session() as s:
        return s.get(Fault, fault_id).state.value


def test_maintenance_user_verifies_an_automatic_fault_in_the_console(live: Live, page: Page, floor) -> None:
    page.set_viewport_size({"width": 1600, "height": 900})
    live.login(page, "noah")
    page.get_by_role("link", name="Maintenance").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("My faults")
    page.get_by_role("link", name="Camera offline").click()
    expect(page.get_by_test_id("fault-state")).to_have_text("fixed")
    expect(page.get_by_test_id("history")).to_contain_text("closed it: the condition cleared")
    expect(page.get_by_test_id("repair-time")).to_have_text("7.0 min")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "maintenance_fault.png"), full_page=True)
    page.get_by_role("button", name="Verify fix").click()
    expect(page.get_by_test_id("fault-state")).to_have_text("verified")
    expect(page.get_by_test_id("history")).to_contain_text("noah verified the fix")
    assert _state(live, floor["auto"]) == "verified"


def test_the_fixer_cannot_verify_and_is_told_why(live: Live, page: Page, floor) -> None:
    live.login(page, "mia")
    page.goto(f"{live.url}/faults/{floor['manual']}")
    page.get_by_role("button", name="Verify fix").click()
    expect(page.get_by_role("alert").filter(has_text="someone else must verify")).to_be_visible()
    assert _state(live, floor["manual"]) == "fixed"


def test_photo_upload_in_the_console_accepts_png_and_refuses_other_files(
    live: Live, page: Page, floor, tmp_path
) -> None:
    live.login(page, "mia")
    page.goto(f"{live.url}/faults/{floor['manual']}")
    fake = tmp_path / "notes.png"
    fake.write_bytes(b"this is not a picture")
    page.get_by_label(re.compile("Add a photo")).set_input_files(str(fake))
    page.get_by_role("button", name="Upload photo").click()
    expect(page.get_by_role("alert").filter(has_text="only JPEG or PNG")).to_be_visible()
    real = tmp_path / "screen.png"
    ok, data = cv2.imencode(".png", np.tile(np.arange(0, 256, 4, dtype=np.uint8), (48, 1)))
    assert ok
    real.write_bytes(bytes(data))
    page.get_by_label(re.compile("Add a photo")).set_input_files(str(real))
    page.get_by_role("button", name="Upload photo").click()
    expect(page.locator(".photos img")).to_have_count(1)
    expect(page.get_by_test_id("history")).to_contain_text("mia added a photo")


def test_operator_reports_a_fault_from_the_panel_in_chinese(live: Live, page: Page, floor) -> None:
    live.env.user(Role.OPERATOR, username="olga")
    page.set_viewport_size({"width": 1600, "height": 900})
    live.login(page, "olga")
    page.goto(f"{live.url}/faults?lang=zh")
    expect(page.get_by_role("heading", level=1)).to_contain_text("设备故障")
    page.get_by_label("故障现象").fill("监视器黑屏")
    page.get_by_label("严重程度").select_option("high")
    page.get_by_role("button", name="提交故障").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("监视器黑屏")
    expect(page.get_by_test_id("fault-state")).to_have_text("已报告")
    page.goto(f"{live.url}/faults?lang=en")
    page.screenshot(path=str(SCREENSHOTS / "maintenance_faults_panel.png"), full_page=True)


def test_due_check_is_completed_and_equipment_shows_health(live: Live, page: Page, floor) -> None:
    page.set_viewport_size({"width": 1600, "height": 900})
    live.login(page, "noah")
    page.goto(f"{live.url}/maintenance/equipment")
    table = page.get_by_test_id("equipment-table")
    expect(table).to_contain_text("wall monitor 2")
    expect(table.locator("tr", has_text="gate")).to_contain_text("online")
    page.screenshot(path=str(SCREENSHOTS / "maintenance_equipment.png"), full_page=True)
    page.goto(f"{live.url}/maintenance/checks")
    checks_ = page.locator("section.check")
    expect(checks_).to_have_count(2)
    expect(page.locator("section.check.overdue")).to_have_count(1)
    page.screenshot(path=str(SCREENSHOTS / "maintenance_checks.png"), full_page=True)
    radio = checks_.filter(has_text="radio 4")
    radio.get_by_role("checkbox", name="Check picture, time and recording").uncheck()
    radio.get_by_label("Note: Check picture, time and recording").fill("no screen on a radio")
    radio.get_by_role("button", name="Record check as done").click()
    expect(page.locator("section.check")).to_have_count(1)

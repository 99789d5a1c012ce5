"""From the alert queue, with the keyboard only: open an incident (I) and place an evidence hold (H)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect
from sqlalchemy import select

from access.roles import Role
from footage.models import EvidenceHold, HoldCategory
from shift_logs.incident.models import Incident
from tests.browser.conftest import Live
from tests.factories.alerts import make_alert, make_camera


def test_an_incident_and_an_evidence_hold_are_made_from_the_queue(live: Live, page: Page) -> None:
    seen = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(minutes=3)
    with live.env.session() as s:
        alert_id = make_alert(s, make_camera(s, name="yard"), kind="motion", now=seen).id
    live.env.user(Role.OPERATOR, username="olga")
    live.login(page, "olga")
    page.goto(f"{live.url}/alerts")
    row = page.locator(f'tr.alert-row[data-id="{alert_id}"]')
    expect(row).to_be_visible()
    site_day = seen.astimezone(ZoneInfo(live.env.settings.site.timezone)).date().isoformat()
    expect(row.get_by_role("link", name="Footage")).to_have_attribute(
        "href", f"/footage?camera=yard&day={site_day}"
    )

    row.focus()
    page.keyboard.press("i")
    dialog = page.locator("#incident-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Place").fill("yard north")
    dialog.get_by_role("button", name="Incident").click()
    expect(page.get_by_role("status")).to_contain_text("Incident", timeout=5000)

    row.focus()
    page.keyboard.press("h")
    hold = page.locator("#hold-dialog")
    expect(hold).to_be_visible()
    hold.get_by_label("Category").select_option("theft")
    hold.get_by_label("Minutes before the alert").fill("1")
    hold.get_by_role("button", name="Hold").click()
    expect(page.get_by_role("status").last).to_contain_text("Evidence hold", timeout=5000)

    with live.env.session() as s:
        incident = s.scalars(select(Incident).where(Incident.alert_id == alert_id)).one()
        assert incident.place == "yard north" and incident.opened_by.username == "olga"
        placed = s.scalars(select(EvidenceHold)).one()
        assert placed.category is HoldCategory.THEFT and placed.incident_ref == f"alert:{alert_id}"
        assert placed.start == seen - dt.timedelta(minutes=1)
        assert placed.end == seen + dt.timedelta(minutes=5)

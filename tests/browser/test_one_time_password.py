"""In Chromium: an administrator creates a user on /admin/users; the user signs in with the one-time
password and is held on /account/password (told why) until choosing her own; then the console opens at
her page, and the administrator's password no longer works."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from sqlalchemy import select

from access.audit.models import AuditEntry
from access.roles import Role
from tests.browser.conftest import Live


def _signs_in(live: Live, username: str, password: str) -> int:
    return live.env.client.post(
        "/api/v1/auth/login", json={"username": username, "password": password}
    ).status_code


def test_a_one_time_password_must_be_changed_before_anything_else(live: Live, page: Page) -> None:
    live.env.user(Role.ADMIN, username="root")
    live.login(page, "root")
    page.goto(f"{live.url}/admin/users")
    add = page.locator("#add-user")
    add.get_by_label("User name").fill("nina")
    add.get_by_label("Display name").fill("Nina Berg")
    add.get_by_label("Operator").check()
    add.get_by_label("Reason (audited)").fill("new operator")
    add.get_by_role("button", name="Create user").click()
    expect(page.locator("#one-time-password")).not_to_be_empty()
    one_time = page.locator("#one-time-password").inner_text()
    expect(page.locator("#one-time")).to_contain_text("must then choose their own password")
    page.goto(f"{live.url}/admin/users")
    expect(page.locator('#users tr:has-text("nina") .must-change')).to_have_text("password to be changed")

    page.context.clear_cookies()
    page.goto(f"{live.url}/login")
    page.get_by_label("User name").fill("nina")
    page.get_by_label("Password").fill(one_time)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(f"{live.url}/account/password")
    expect(page.locator("#must-change")).to_contain_text("An administrator set your password")
    expect(page.locator("header nav a")).to_have_count(0)  # no menu while the password is not hers
    page.goto(f"{live.url}/alerts")
    page.wait_for_url(f"{live.url}/account/password")
    page.goto(f"{live.url}/account/password?lang=zh")  # the reason in the reader's language
    expect(page.locator("#must-change")).to_contain_text("您的密码是管理员设置的")
    page.goto(f"{live.url}/account/password?lang=en")

    form = page.locator("#password-form")
    form.get_by_label("Current password").fill(one_time)
    form.get_by_label("New password", exact=True).fill("nina-chose-this-1")
    form.get_by_label("New password again").fill("nina-chose-this-1")
    form.get_by_role("button", name="Change password").click()
    page.wait_for_url(f"{live.url}/")  # on to her own page
    with live.env.session() as s:  # the page's own scripts made no refused calls (into the audit log)
        refused = s.scalars(
            select(AuditEntry.action).where(AuditEntry.actor == "nina", AuditEntry.outcome == "refused")
        ).all()
    assert refused == []
    alerts = page.locator("header nav").get_by_role("link", name="Alerts", exact=True)
    expect(alerts).to_be_visible()
    alerts.click()
    page.wait_for_url(f"{live.url}/alerts")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.goto(f"{live.url}/account/password")
    expect(page.locator("#must-change")).to_have_count(0)
    page.context.clear_cookies()
    live.login(page, "root")
    page.goto(f"{live.url}/admin/users")
    expect(page.locator('#users tr:has-text("nina")')).to_contain_text("Enabled")
    expect(page.locator('#users tr:has-text("nina") .must-change')).to_have_count(0)
    assert _signs_in(live, "nina", one_time) == 401  # the administrator's password no longer works
    assert _signs_in(live, "nina", "nina-chose-this-1") == 200

"""/admin/users in Chromium: create a user (one-time password shown once), the last admin refused with
the reason on the page, a user's tokens listed and revoked, a locked user unlocked and given a new
one-time password, disabled and enabled again with another language, then held on /account/password at
her sign-in until she chooses her own; filters, and the page in Chinese."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import Page, expect

from access.roles import Role
from access.users import service as users
from tests.browser.conftest import Live
from tests.support.screenshots import screenshot_dir


def _signs_in(live: Live, username: str, password: str) -> int:
    return live.env.client.post(
        "/api/v1/auth/login", json={"username": username, "password": password}
    ).status_code


def test_users_page_creates_edits_and_explains_the_last_admin(live: Live, page: Page) -> None:
    live.env.user(Role.ADMIN, username="root")
    olga = live.env.user(Role.OPERATOR, username="olga")
    live.env.token(olga)
    live.login(page, "root")
    page.get_by_role("link", name="Users").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Users and roles")

    add = page.locator("#add-user")
    add.get_by_label("User name").fill("mei")
    add.get_by_label("Display name").fill("Mei Lin")
    add.get_by_label("Shift leader").check()
    add.get_by_label("Default language").select_option("zh")
    add.get_by_label("Reason (audited)").fill("new shift leader")
    add.get_by_role("button", name="Create user").click()
    expect(page.locator("#one-time")).to_be_visible()
    password = page.locator("#one-time-password").inner_text()
    assert len(password) >= 10
    page.screenshot(path=str(screenshot_dir() / "admin-users.png"), full_page=True)

    # the last enabled admin: the page says why it refuses
    page.locator('#users tr:has-text("root") .edit-user').click()
    edit = page.locator("#edit-user")
    edit.get_by_label("Disabled (ends all sessions)").check()
    edit.get_by_label("Reason (audited)").fill("leaving")
    edit.get_by_role("button", name="Save").click()
    expect(page.locator("#admin-message")).to_contain_text("last enabled administrator")

    # olga's API token, listed and revoked
    page.reload()
    page.locator('#users tr:has-text("olga") .edit-user').click()
    expect(page.locator("#tokens tr")).to_have_count(1)
    page.locator("#edit-reason").fill("lost laptop")
    page.locator("#tokens .revoke-token").click()
    expect(page.locator("#tokens tr")).to_have_count(0)

    # olga locked out: listed as locked, unlocked, a new one-time password, disabled, then enabled in Chinese
    with live.env.session() as s:
        locked = users.require(s, olga.id)
        locked.failed_logins, locked.locked_until = 5, dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    page.goto(f"{live.url}/admin/users?state=locked")
    expect(page.locator("#users tbody tr")).to_have_count(1)
    olga_row = page.locator('#users tr:has-text("olga")')
    expect(olga_row).to_contain_text("Locked")
    olga_row.locator(".edit-user").click()
    page.locator("#edit-reason").fill("forgot her password")
    page.locator("#unlock").click()
    expect(page.locator("#admin-message")).to_have_text("Saved.")
    page.locator("#reset-password").click()
    expect(page.locator("#one-time")).to_be_visible()
    olga_password = page.locator("#one-time-password").inner_text()
    assert _signs_in(live, "olga", olga_password) == 200

    edit.get_by_label("Disabled (ends all sessions)").check()
    edit.get_by_role("button", name="Save").click()
    expect(page.locator("#admin-message")).to_have_text("Saved.")
    expect(page.locator("#edit-panel")).to_be_hidden()  # the page reloads itself after saving
    page.goto(f"{live.url}/admin/users?state=disabled")
    expect(page.locator("#users tbody tr")).to_have_count(1)
    expect(olga_row).to_contain_text("Disabled")
    assert _signs_in(live, "olga", olga_password) != 200
    olga_row.locator(".edit-user").click()
    edit.get_by_label("Disabled (ends all sessions)").uncheck()
    edit.get_by_label("Default language").select_option("zh")
    edit.get_by_label("Reason (audited)").fill("back from leave")
    edit.get_by_role("button", name="Save").click()
    expect(page.locator("#admin-message")).to_have_text("Saved.")
    expect(page.locator("#edit-panel")).to_be_hidden()
    page.goto(f"{live.url}/admin/users?q=olga")
    expect(olga_row).to_contain_text("Enabled")
    expect(olga_row).to_contain_text("zh")
    assert _signs_in(live, "olga", olga_password) == 200

    # olga signs in with the one-time password and is held on /account/password until she chooses her own
    # (in Chinese, her language)
    page.context.clear_cookies()
    page.goto(f"{live.url}/login")
    page.get_by_label("User name").or_(page.get_by_label("用户名")).fill("olga")
    page.get_by_label("Password").or_(page.get_by_label("密码")).fill(olga_password)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(f"{live.url}/account/password")
    expect(page.get_by_role("heading", level=1)).to_have_text("修改密码")
    expect(page.locator("#must-change")).to_be_visible()
    form = page.locator("#password-form")
    form.get_by_label("当前密码").fill(olga_password)
    form.get_by_label("新密码", exact=True).fill("olga-own-choice-1")
    form.get_by_label("再次输入新密码").fill("olga-own-choice-2")
    form.get_by_role("button", name="修改密码").click()
    expect(page.locator("#admin-message")).to_have_text("两次输入的新密码不一致。")
    form.get_by_label("再次输入新密码").fill("olga-own-choice-1")
    form.get_by_role("button", name="修改密码").click()
    page.wait_for_url(f"{live.url}/")  # the console opens at her page
    page.locator("header .who").click()  # her name at the top opens the form again, now without the notice
    expect(page.get_by_role("heading", level=1)).to_have_text("修改密码")
    expect(page.locator("#must-change")).to_have_count(0)
    assert _signs_in(live, "olga", olga_password) != 200  # the administrator's password no longer works
    assert _signs_in(live, "olga", "olga-own-choice-1") == 200
    page.context.clear_cookies()
    live.login(page, "root")

    page.goto(f"{live.url}/admin/users?role=shift_leader")
    expect(page.locator("#users tbody tr")).to_have_count(1)
    expect(page.locator("#users")).to_contain_text("Mei Lin")
    page.goto(f"{live.url}/admin/users?lang=zh")
    expect(page.get_by_role("heading", level=1)).to_have_text("用户与角色")

    login = live.env.client.post("/api/v1/auth/login", json={"username": "mei", "password": password})
    assert login.status_code == 200 and login.json()["user"]["language"] == "zh"


def test_only_admins_see_the_users_page(live: Live, page: Page) -> None:
    live.env.user(Role.SHIFT_LEADER, username="li")
    live.login(page, "li")
    expect(page.get_by_role("link", name="Users")).to_have_count(0)
    expect(page.get_by_role("link", name="Posts")).to_have_count(1)
    response = page.goto(f"{live.url}/admin/users")
    assert response is not None and response.status == 403

"""Signing in and out of the console, in English and Chinese, in a real browser."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from access.roles import Role
from tests.browser.conftest import Live


def test_sign_in_shows_the_overview_and_sign_out_returns_to_login(live: Live, page: Page) -> None:
    live.env.user(Role.OPERATOR, Role.SHIFT_LEADER, username="olga")
    live.login(page, "olga")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    expect(page.locator(".badge")).to_have_count(2)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{live.url}/login")
    page.goto(f"{live.url}/")
    page.wait_for_url(f"{live.url}/login?next=/")


def test_wrong_password_shows_a_message_and_no_session(live: Live, page: Page) -> None:
    live.env.user(username="olga")
    page.goto(f"{live.url}/login")
    page.get_by_label("User name").fill("olga")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("Wrong user name or password.")


def test_language_switch_to_chinese(live: Live, page: Page) -> None:
    live.env.user(username="olga")
    live.login(page, "olga")
    page.get_by_role("link", name="中文").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("欢迎")
    expect(page.get_by_role("button", name="退出登录")).to_be_visible()
    page.goto(f"{live.url}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("欢迎")

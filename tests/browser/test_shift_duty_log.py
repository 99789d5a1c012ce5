"""The duty-log page in Chinese: add an entry, correct it, filter; a refused form shows the reason."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import Page, expect

from access.roles import Role
from core.clock import utcnow
from shift_logs.roster import service as roster
from tests.browser.conftest import Live
from tests.factories.shift_logs import make_post, make_shift


def test_add_correct_and_filter_in_chinese(live: Live, page: Page) -> None:
    olga = live.env.user(Role.OPERATOR, username="olga")
    with live.env.session() as s:
        post = make_post(s, name="desk-a")
        shift = make_shift(s, starts_at=utcnow() - dt.timedelta(hours=1))
        roster.roster(
            s, shift_id=shift.id, post_id=post.id, user=s.merge(olga), now=utcnow()
        )  # R4: writers are on the post
    live.login(page, "olga")
    page.goto(f"{live.url}/duty-log?lang=zh")
    add = page.locator("form[method=post][action='/duty-log']")
    add.get_by_label("类别").select_option(label="电话")
    add.get_by_label("内容").fill("北门报告可疑人员")
    add.get_by_role("button", name="写入日志").click()
    row = page.locator("tbody tr").first
    expect(row).to_contain_text("北门报告可疑人员")
    row.locator("summary").click()
    row.get_by_label("更正内容").fill("应为东门")
    row.get_by_role("button", name="保存").click()
    expect(page.locator("tbody tr").first).to_contain_text("更正第")
    expect(page.locator("tbody tr")).to_have_count(2)
    page.locator("form.shift-filters").get_by_label("类别").select_option(label="更正")
    page.locator("form.shift-filters").get_by_role("button", name="筛选").click()
    expect(page.locator("tbody tr")).to_have_count(1)


def test_check_in_off_roster_shows_the_refusal(live: Live, page: Page) -> None:
    live.env.user(Role.OPERATOR, username="olga")
    with live.env.session() as s:
        make_post(s, name="desk-a")
    live.login(page, "olga")
    page.goto(f"{live.url}/roster")
    page.get_by_role("button", name="Check in").click()
    expect(page.get_by_role("alert")).to_contain_text("not rostered")

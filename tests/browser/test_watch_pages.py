"""Watch pages (wall, alert queue) stay signed in while open and visible to someone checked in; any other
page signs out after the idle time (the browser's clock is moved on, not waited for)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Page, expect

from core.clock import utcnow
from shift_logs.roster import presence
from shift_logs.roster import service as roster
from shift_logs.rules import service as duty_rules
from tests.browser.conftest import Live
from tests.factories.shift_logs import make_post, make_shift
from tests.support.app_env import Env
from tests.support.live_server import LiveServer


@pytest.fixture
def idle_live(make_env: Callable[..., Env]) -> Iterator[Live]:
    env = make_env(auth={"idle_minutes": 5})
    with LiveServer(env.app) as server:
        yield Live(env=env, url=server.url)


def test_the_wall_stays_signed_in_and_other_pages_sign_out(idle_live: Live, page: Page) -> None:
    live = idle_live
    olga = live.env.user(username="olga")
    now = dt.datetime.now(dt.UTC)
    with live.env.session() as s:
        post = make_post(s, name="desk")
        shift = make_shift(s, starts_at=now - dt.timedelta(minutes=1))
        user = s.merge(olga)
        roster.roster(s, shift_id=shift.id, post_id=post.id, user=user, now=utcnow())
        pending = duty_rules.needs_confirmation(s, user=user)
        presence.check_in(s, user=user, post_id=post.id, now=now, rules_version=pending)
    assert live.env.settings.auth.session_minutes >= 12 * 60  # covers the longest shift
    page.clock.install()
    live.login(page, "olga")
    page.goto(f"{live.url}/wall")
    expect(page.locator('#duty-bar [data-k="me"]')).to_contain_text("You are checked in")
    page.clock.fast_forward(20 * 60 * 1000)
    page.clock.run_for(6000)
    page.wait_for_timeout(500)
    assert page.url == f"{live.url}/wall"
    page.goto(f"{live.url}/roster")
    expect(page.locator('#duty-bar [data-k="me"]')).to_contain_text("You are checked in")
    page.clock.fast_forward(6 * 60 * 1000)
    page.clock.run_for(6000)
    # polled, not one navigation event: the sign-out goes through a redirect that may abort the first one
    expect(page).to_have_url(f"{live.url}/login", timeout=10000)


def test_a_shift_longer_than_a_session_covers_is_refused_in_the_readers_language(
    live: Live, page: Page
) -> None:
    from sqlalchemy import select

    from access.roles import Role
    from shift_logs.roster.models import Shift

    live.env.user(Role.SHIFT_LEADER, username="li")
    assert live.env.settings.auth.session_minutes == 13 * 60  # the default: 12 h shifts and their handover
    live.login(page, "li")
    page.goto(f"{live.url}/roster?lang=zh")
    form = page.locator("form[action='/roster/shifts']")
    day = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).date().isoformat()
    form.locator("input[name=name]").fill("long")
    form.locator("input[name=starts_at]").fill(f"{day}T06:00")
    form.locator("input[name=ends_at]").fill(f"{day}T20:00")  # 14 h: the session would end before it
    form.get_by_role("button").click()
    expect(form.get_by_role("alert")).to_have_text("一个班次最长 12 小时，以便控制台会话覆盖整个班次")
    form.locator("input[name=ends_at]").fill(f"{day}T18:00")  # 12 h
    with page.expect_navigation():
        form.get_by_role("button").click()
    with live.env.session() as s:
        assert [(sh.name, sh.ends_at - sh.starts_at) for sh in s.scalars(select(Shift))] == [
            ("long", dt.timedelta(hours=12))
        ]

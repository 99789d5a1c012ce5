"""The duty-rules end to end: a roster breaking a block rule is refused and a warn rule flagged, a missed
break is a violation, an admin's rule change is a new version the operator confirms, and the compliance
page shows it all in Chromium, in English and Chinese."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from access.roles import Role
from core.clock import utcnow
from shift_logs.roster import presence
from shift_logs.roster import service as roster
from shift_logs.rules.errors import DutyRuleBroken
from shift_logs.rules.live import evaluate_live
from shift_logs.rules.model import default_rules
from tests.browser.conftest import Live
from tests.factories.access import make_user
from tests.factories.shift_logs import make_post, make_shift
from tests.support.screenshots import screenshot_dir

H, M = dt.timedelta(hours=1), dt.timedelta(minutes=1)
SCREENSHOTS = screenshot_dir()


def test_roster_rules_violations_and_a_confirmed_rule_change(live: Live, page: Page) -> None:
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    start = now - 3 * H
    with live.env.session() as s:
        leader = make_user(s, username="li", roles=(Role.SHIFT_LEADER,))
        olga = make_user(s, username="olga")
        post = make_post(s, name="desk-1")
        day = make_shift(s, starts_at=start, hours=12, leader=leader)
        night = make_shift(s, starts_at=start + 12 * H, hours=12)
        roster.roster(s, shift_id=day.id, post_id=post.id, user=olga, now=utcnow())
        with pytest.raises(DutyRuleBroken) as refused:
            roster.roster(s, shift_id=night.id, post_id=post.id, user=olga, now=utcnow())
        assert refused.value.detail["rule_id"] in {"max_continuous_duty", "min_rest"}
        presence.check_in(s, user=olga, post_id=post.id, now=start)
        found = evaluate_live(s, now, live.env.settings)
    assert "screen_break" in {v.rule_id for v in found}

    admin = live.env.user(Role.ADMIN, username="root")
    rules = default_rules().model_dump(mode="json")["rules"]
    rules["inactivity"]["params"]["minutes"] = 10
    change = live.env.client.put(
        "/api/v1/duty-rules", json={"rules": rules, "reason": "night shifts"}, headers=live.env.token(admin)
    )
    assert change.status_code == 200, change.text

    live.login(page, "olga")
    expect(page.locator('#duty-bar [data-k="rules"]')).to_contain_text("v2")  # seen right after sign-in
    page.goto(f"{live.url}/compliance")
    expect(page.locator("#violations")).to_contain_text("Screen break")
    expect(page.locator("#confirm-rules")).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "compliance.png"))
    page.locator("#confirm-button").click()
    expect(page.locator("#confirm-rules")).to_have_count(0)
    page.goto(f"{live.url}/compliance?lang=zh")
    expect(page.get_by_role("heading", level=1)).to_have_text("值班规则与合规")
    expect(page.locator("#violations")).to_contain_text("有人替岗的屏幕休息")

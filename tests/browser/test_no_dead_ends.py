"""No dead ends: a console error is a page in the reader's language, and the top bar offers a role only
what it can open."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from access.roles import Role
from core.clock import utcnow
from tests.browser.conftest import Live


def test_a_refused_or_missing_page_is_html_in_the_readers_language(live: Live, page: Page) -> None:
    live.env.user(Role.MAINTENANCE, username="ma")
    live.login(page, "ma")
    response = page.goto(f"{live.url}/alerts")
    assert response is not None and response.status == 403
    assert response.headers["content-type"].startswith("text/html")
    expect(page.locator("h1")).to_have_text("Not for your role")
    response = page.goto(f"{live.url}/alerts?lang=zh")
    assert response is not None and response.status == 403
    expect(page.locator("h1")).to_have_text("您的角色无权访问")
    response = page.goto(f"{live.url}/no-such-page?lang=zh")
    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_have_text("页面不存在")
    # the API keeps answering problem+json
    api = page.request.get(f"{live.url}/api/v1/no-such", headers={"Accept": "text/html"})
    assert api.status == 404 and api.headers["content-type"].startswith("application/problem+json")


def test_the_top_bar_shows_only_what_the_role_can_open(live: Live, page: Page) -> None:
    live.env.user(Role.MAINTENANCE, username="ma")
    live.login(page, "ma")
    bar = page.locator("#duty-bar")
    expect(bar.locator('[data-k="faults"]')).to_have_count(1)
    for hidden in ("alerts", "tasks", "me", "rules", "handover"):
        expect(bar.locator(f'[data-k="{hidden}"]')).to_have_count(0)
    expect(bar).not_to_contain_text("not checked in")
    page.context.clear_cookies()
    live.env.user(Role.OPERATOR, username="olga")
    live.login(page, "olga")
    for shown in ("alerts", "tasks", "me", "faults"):
        expect(bar.locator(f'[data-k="{shown}"]')).to_have_count(1)
    expect(bar.locator('[data-k="me"]')).to_have_text("You are not checked in")


def test_duty_log_search_with_every_filter_on_any_answers_the_page(live: Live, page: Page) -> None:
    live.env.user(Role.OPERATOR, username="olga")
    live.login(page, "olga")
    page.goto(f"{live.url}/duty-log")
    with page.expect_navigation():
        page.locator("form.shift-filters button[type=submit]").click()
    assert "/duty-log?" in page.url
    expect(page.locator("form.shift-filters")).to_be_visible()
    response = page.goto(f"{live.url}/duty-log?post_id=&kind=&author=&text=&day=")
    assert response is not None and response.status == 200
    response = page.goto(f"{live.url}/duty-log?kind=nonsense")
    assert response is not None and response.status == 422
    expect(page.locator("h1")).to_have_text("Check what you entered")


def test_a_leader_gives_a_roster_entry_to_another_person_and_removes_one(live: Live, page: Page) -> None:
    import datetime as dt

    from sqlalchemy import select

    from access.audit.models import AuditEntry
    from shift_logs.roster import service as roster
    from shift_logs.roster.models import RosterEntry
    from tests.factories.shift_logs import make_post, make_shift

    leader = live.env.user(Role.SHIFT_LEADER, username="li")
    olga = live.env.user(Role.OPERATOR, username="olga")
    wang = live.env.user(Role.OPERATOR, username="wang")
    start = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    with live.env.session() as s:
        shift = make_shift(s, starts_at=start, leader=s.merge(leader))
        desk1 = make_post(s, name="desk-1")
        first = roster.roster(s, shift_id=shift.id, post_id=desk1.id, user=s.merge(olga), now=utcnow()).id
    live.login(page, "li")
    page.goto(f"{live.url}/roster?day={start.date().isoformat()}")
    row = page.locator("tr", has=page.locator(f'form[action="/roster/entries/{first}/person"]'))
    row.locator("select[name=user_id]").select_option(value=str(wang.id))
    with page.expect_navigation():
        row.get_by_role("button", name="Give to").click()
    with live.env.session() as s:
        entry = s.scalars(select(RosterEntry)).one()
        assert entry.user.username == "wang" and entry.post.name == "desk-1"
        moved = entry.id
    page.goto(f"{live.url}/roster?day={start.date().isoformat()}")
    with page.expect_navigation():
        page.locator(f'form[action="/roster/entries/{moved}/remove"] button').click()
    with live.env.session() as s:
        assert s.scalars(select(RosterEntry)).all() == []
        actions = [e.action for e in s.scalars(select(AuditEntry).where(AuditEntry.actor == "li"))]
        assert "roster.change_person" in actions and "roster.remove" in actions

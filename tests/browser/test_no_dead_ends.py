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


def test_the_demo_posts_refuse_a_role_they_do_not_allow_in_the_readers_language(
    live: Live, page: Page
) -> None:
    import datetime as dt

    from sqlalchemy import select

    from runtime.demo import ensure_demo_shift
    from shift_logs.roster import service as roster
    from shift_logs.roster.models import RosterEntry, Shift
    from tests.factories.alerts import make_camera

    people = {}
    for username, role in (
        ("leader", Role.SHIFT_LEADER),
        ("operator", Role.OPERATOR),
        ("operator2", Role.OPERATOR),
        ("ma", Role.MAINTENANCE),
        ("sam", Role.SUPERVISOR),
        ("wang", Role.OPERATOR),
    ):
        people[username] = live.env.user(role, username=username).id
    now = dt.datetime.now(dt.UTC)
    with live.env.session() as s:
        for name in ("gate", "parking", "lobby", "corridor"):
            make_camera(s, name=name)
        ensure_demo_shift(s, now=now)
        demo_end = s.scalars(select(Shift)).one().ends_at
        later = demo_end + dt.timedelta(hours=12)  # rested after the demo shift
        night = roster.create_shift(
            s, name="night", starts_at=later, ends_at=later + dt.timedelta(hours=8), leader=None
        )
        night_id = night.id
    live.login(page, "leader")
    page.goto(f"{live.url}/roster?lang=zh")
    form = page.locator("form[action='/roster/entries']")
    form.locator("select[name=shift_id]").select_option(value=str(night_id))
    form.locator("select[name=post_id]").select_option(label="Desk 1 · perimeter")
    # maintenance and a supervisor are refused on an operator post, the reason in the reader's language
    for refused in ("ma", "sam"):
        form.locator("select[name=user_id]").select_option(value=str(people[refused]))
        form.get_by_role("button").click()
        expect(form.get_by_role("alert")).to_have_text(f"{refused} 不具备岗位 desk-1 允许的角色：值班员")
    form.locator("select[name=user_id]").select_option(value=str(people["wang"]))
    with page.expect_navigation():
        form.get_by_role("button").click()
    with live.env.session() as s:
        on_night = s.scalars(select(RosterEntry).where(RosterEntry.shift_id == night_id)).all()
        assert [(e.user.username, e.post.name) for e in on_night] == [("wang", "desk-1")]

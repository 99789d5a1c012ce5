"""Done-when of the reports from the public, in Chromium: a phone report taken by an operator, accepted in
writing, transferred to an outside unit, supervised past the unit's deadline (overdue flagged, unit
reminded), answered by the unit through its link, concluded as a false accusation with a clarification,
answered, dissatisfied at the return visit, reviewed; then the disposal report printed in both languages.

Screenshots go to a temporary folder, or to docs/screenshots through scripts/refresh-screenshots."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from access.roles import Role
from core.clock import FixedClock
from shift_logs.incident import service as incidents
from tests.browser.conftest import Live
from tests.support.app_env import Env
from tests.support.live_server import LiveServer
from tests.support.screenshots import screenshot_dir

pytestmark = pytest.mark.browser
START = dt.datetime(2026, 11, 3, 1, 0, tzinfo=dt.UTC)  # 09:00 in Shanghai
TZ = "Asia/Shanghai"


@pytest.fixture
def site(make_env: Callable[..., Env]) -> Iterator[Live]:
    env = make_env(site={"timezone": TZ, "name": "East Gate control room"})
    env.app.state.ctx.clock = FixedClock(START)
    env.user(Role.SHIFT_LEADER, username="lena")
    env.user(Role.OPERATOR, username="olga")
    with LiveServer(env.app) as server:
        yield Live(env=env, url=server.url)


@pytest.fixture
def tabs(browser: Browser, site: Live) -> Iterator[Callable[[str | None], Page]]:
    contexts = []

    def open_as(username: str | None) -> Page:
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
        contexts.append(context)
        tab = context.new_page()
        tab.set_default_timeout(30_000)
        if username:
            site.login(tab, username)
        return tab

    yield open_as
    for context in contexts:
        context.close()


def _step(tab: Page, action: str, stage: str, **fields: str) -> None:
    form = tab.locator(f"#step-{action}")
    for name, value in fields.items():
        field = form.locator(f"[name={name}]")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    form.locator("button[type=submit]").click()
    # a step is a POST, a redirect and a page: on a loaded CI machine that once took longer than 5 s
    expect(tab.locator("#stage")).to_have_text(stage, timeout=20_000)


def _at(site: Live, moment: dt.datetime, tab: Page, username: str) -> None:
    """Days later by the site's clock: the session of the day before has expired, so `username` signs in again."""
    site.env.app.state.ctx.clock = FixedClock(moment)
    site.login(tab, username)


def test_a_report_from_phone_to_review_in_the_console(site: Live, tabs: Any) -> None:
    url, shots = site.url, screenshot_dir()
    lena, olga = tabs("lena"), tabs("olga")
    lena.goto(f"{url}/units")
    lena.locator("#unit-form [name=name]").fill("Parks department")
    lena.locator("#unit-form [name=external]").check()
    lena.locator("#unit-form [name=reply_days]").fill("5")
    lena.locator("#unit-form button").click()
    expect(lena.locator("table")).to_contain_text("Parks department")

    olga.goto(f"{url}/incidents")
    intake = olga.locator("form[action='/incidents/reports']")
    intake.locator("[name=channel]").select_option("phone")
    intake.locator("[name=report_type]").select_option("accusation")
    intake.locator("[name=reporter_name]").fill("Wang Fang")
    intake.locator("[name=reporter_contact]").fill("138 0000 0000")
    intake.locator("[name=category]").fill("conduct")
    intake.locator("[name=place]").fill("north gate")
    intake.locator("[name=content]").fill("The guard at the north gate took a bicycle.")
    intake.locator("button[type=submit]").click()
    olga.wait_for_url(f"{url}/incidents/*")
    expect(olga.locator("#stage")).to_have_text("Received")
    expect(olga.locator("#reporter")).to_contain_text("withheld")
    report_url, code = olga.url, olga.locator("#ref-code").inner_text()

    _at(site, START + dt.timedelta(days=1), lena, "lena")
    lena.goto(report_url)
    expect(lena.locator("#reporter")).to_contain_text("Wang Fang")
    _step(lena, "accept", "Accepted", decision="Accepted in writing; result promised within 60 days.")
    _step(lena, "transfer", "Transferred", note="Please check the gate records.", link_days="10")
    link = lena.locator("#reply-link code").inner_text()

    _at(site, START + dt.timedelta(days=7), olga, "olga")  # the unit's 5 days have passed
    with site.env.session() as s:
        assert len(incidents.flag_overdue(s, now=START + dt.timedelta(days=7))) == 1
    olga.goto(report_url)
    expect(olga.locator("#overdue")).to_contain_text("Unit replies by")
    _step(olga, "remind", "Transferred", note="Phoned the parks department.")

    unit = tabs(None)
    unit.goto(f"{url}{link}")
    expect(unit.locator("body")).to_contain_text("took a bicycle")
    expect(unit.locator("body")).not_to_contain_text("Wang Fang")
    unit.locator("#reply-form textarea").fill("Gate records show the bicycle was moved by its owner.")
    unit.locator("#reply-form button").click()
    expect(unit.locator("#reply-done")).to_be_visible()

    _at(site, START + dt.timedelta(days=9), lena, "lena")
    lena.goto(report_url)
    expect(lena.locator("#stage")).to_have_text("Unit replied")
    _step(
        lena, "conclude", "Concluded", finding="false_accusation",
        summary="The guard did not take the bicycle.",
        clarification="Guard Li cleared in writing and at the team meeting on 13 Nov.",
    )  # fmt: skip
    _at(site, START + dt.timedelta(days=10), olga, "olga")
    olga.goto(report_url)
    _step(olga, "answer", "Answered", via="phone", note="Told the reporter the result.")
    _at(site, START + dt.timedelta(days=14), olga, "olga")
    olga.goto(report_url)
    _step(olga, "visit", "Under review", satisfied="no", note="Reporter insists.")
    _at(site, START + dt.timedelta(days=16), lena, "lena")
    lena.goto(report_url)
    _step(lena, "review", "Closed", result="Review upheld the finding; reporter informed.")
    actions = lena.locator("#timeline ol li").evaluate_all("items => items.map(i => i.dataset.action)")
    assert actions == [
        "receive",
        "accept",
        "transfer",
        "remind",
        "unit_reply",
        "conclude",
        "answer",
        "visit",
        "review",
    ]
    late = lena.locator("#timeline ol li").evaluate_all(
        "items => items.map(i => i.querySelector('[data-late]')?.dataset.late ?? '')"
    )
    assert late == ["", "no", "no", "", "yes", "no", "", "no", "no"]  # the unit replied after its 5 days
    expect(lena.locator('#timeline li[data-action="unit_reply"] [data-late]')).to_contain_text("late")
    expect(lena.locator('#timeline li[data-action="conclude"]')).to_contain_text(
        "False accusation: The guard"
    )
    expect(lena.locator("#clarification")).to_contain_text("Guard Li cleared")
    lena.screenshot(path=str(shots / "report-timeline.png"), full_page=True)

    public = tabs(None)
    public.goto(f"{url}/public/reports?code={code}")
    expect(public.locator("#public-stage")).to_have_text("Closed")
    expect(public.locator("body")).not_to_contain_text("Wang")

    # the leader writes the two free-text parts on /reports and prints the disposal report (a new tab)
    lena.goto(f"{url}/reports?period=month&at=2026-11")
    form = lena.locator("#disposal-form")
    for lang, heading in (("zh", "信访举报办理情况报告"), ("en", "Report on the handling")):
        if not form.evaluate("e => e.open"):
            form.locator("summary").click()
        form.locator("[name=problems]").fill("One unit replied late.")
        form.locator("[name=next_steps]").fill("Agree reply times with the parks department.")
        form.locator("[name=lang]").select_option(lang)
        with lena.context.expect_page() as opened:
            form.locator("button[type=submit]").click()
        doc = opened.value
        doc.wait_for_load_state()
        expect(doc.locator("h1")).to_contain_text(heading)
        expect(doc.locator('tr[data-key="received"] td').nth(1)).to_have_text("1")
        expect(doc.locator('tr[data-key="transferred"] td').nth(1)).to_have_text("1")
        expect(doc.locator('tr[data-key="false_accusation"] td').nth(1)).to_have_text("1")
        expect(doc.locator('tr[data-key="clarified"] td').nth(1)).to_have_text("1")
        expect(doc.locator('tr[data-key="satisfaction_share"] td').nth(1)).to_have_text("0.0%")
        expect(doc.locator('tr[data-key="satisfaction_share"] td').nth(2)).to_have_text("—")
        expect(doc.locator("#problems")).to_have_text("One unit replied late.")
        expect(doc.locator("body")).not_to_contain_text("Wang Fang")
        doc.screenshot(path=str(shots / f"disposal-print-{lang}.png"), full_page=True)
        doc.close()

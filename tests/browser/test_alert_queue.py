"""The alert queue an operator lives in: one order under live updates, filters and pages, groups of repeats,
several rows acknowledged at once (each audited), focus after an action, only actions that apply, a logged mute."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import Page, expect
from sqlalchemy import select

from access.audit.models import AuditEntry
from access.roles import Role
from alerts import service as alerts
from alerts.models import Alert, AlertState, Priority
from config.alerting import AlertSettings
from tests.browser.conftest import Live
from tests.factories.alerts import make_alert, make_camera

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


def order_of(page: Page) -> list[tuple[str, str]]:
    rows = page.locator("tr.alert-row:not([hidden])")
    return [(r.get_attribute("data-priority") or "", r.get_attribute("data-state") or "") for r in rows.all()]


def ranked(order: list[tuple[str, str]]) -> bool:
    keys = [({"high": 0, "normal": 1}[p], {"new": 0, "acknowledged": 1}[s]) for p, s in order]
    return keys == sorted(keys)


def test_order_holds_under_live_updates_and_focus_moves_on(live: Live, page: Page) -> None:
    with live.env.session() as s:
        cams = [make_camera(s, name=f"c{i}") for i in range(6)]
        for i, cam in enumerate(cams):
            prio = Priority.HIGH if i % 2 else Priority.NORMAL
            make_alert(s, cam, priority=prio, now=NOW - dt.timedelta(minutes=10 - i))
    live.env.user(Role.OPERATOR, username="olga")
    live.login(page, "olga")
    page.goto(f"{live.url}/alerts")
    expect(page.locator("#stream-state.ok")).to_be_visible(timeout=10000)
    assert ranked(order_of(page)) and order_of(page)[0][0] == "high"
    # server rows carry what the script sorts on
    assert page.locator("tr.alert-row[data-priority][data-state][data-last-seen]").count() == 6
    # one date format, the server's, in the site's zone (the browser runs en-US)
    times = page.locator('tr.alert-row [data-f="first_seen"] time').all_inner_texts()
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", x) for x in times), times

    # live: a repeat on an old normal alert (newest last_seen) must not jump above the high ones
    with live.env.session() as s:
        make_alert(s, cams[0], priority=Priority.NORMAL, now=dt.datetime.now(dt.UTC))
        make_alert(s, make_camera(s, name="late"), priority=Priority.NORMAL, now=dt.datetime.now(dt.UTC))
    expect(page.locator("tr.alert-row")).to_have_count(8, timeout=10000)
    page.wait_for_timeout(500)
    assert ranked(order_of(page)), order_of(page)

    # A on the first row: it moves below (acknowledged) and the keyboard stays on the row that was second
    first, second = (
        page.locator("tr.alert-row:not([hidden])").nth(0),
        page.locator("tr.alert-row:not([hidden])").nth(1),
    )
    first_id, second_id = first.get_attribute("data-id"), second.get_attribute("data-id")
    first.focus()
    page.keyboard.press("a")
    expect(page.locator(f'tr.alert-row[data-id="{first_id}"]')).to_have_attribute(
        "data-state", "acknowledged"
    )
    expect(page.locator(f'tr.alert-row[data-id="{second_id}"]')).to_be_focused()
    assert ranked(order_of(page)), order_of(page)
    page.keyboard.press("ArrowDown")
    expect(page.locator("tr.alert-row:not([hidden])").nth(1)).to_be_focused()
    # F (false alarm) on it: the row leaves the queue and the keyboard goes to the row that was below it
    shown = page.locator("tr.alert-row:not([hidden])")
    closed_id, below_id = shown.nth(1).get_attribute("data-id"), shown.nth(2).get_attribute("data-id")
    page.keyboard.press("f")
    expect(page.locator(f'tr.alert-row:not([hidden])[data-id="{closed_id}"]')).to_have_count(0)
    expect(page.locator(f'tr.alert-row[data-id="{below_id}"]')).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(shown.nth(2)).to_be_focused()


def test_filters_pages_and_groups_keep_working_live(live: Live, page: Page) -> None:
    with live.env.session() as s:
        gate, yard = make_camera(s, name="gate"), make_camera(s, name="yard")
        for i in range(30):  # separate alerts (beyond the cooldown): repeats of one camera and kind
            make_alert(s, yard, now=NOW - dt.timedelta(minutes=90 - 2 * i))
        make_alert(s, gate, kind="covered", priority=Priority.HIGH, now=NOW - dt.timedelta(minutes=5))
    live.env.user(Role.OPERATOR, username="olga")
    live.login(page, "olga")
    page.goto(f"{live.url}/alerts")
    shown = page.locator("tr.alert-row:not([hidden])")
    # grouped: the 30 yard alerts are one row with a count
    expect(shown).to_have_count(2)
    group = shown.nth(1).locator('[data-f="group"]')
    expect(group).to_have_text("+29 repeats")
    group.click()
    # expanded: 31 rows, paged by 25
    expect(shown).to_have_count(25)
    expect(page.locator("#pager")).to_contain_text("Page 1 of 2")
    page.locator('#pager [data-page="next"]').click()
    expect(shown).to_have_count(6)
    # a filter applies to rows that arrive live
    page.locator("#alert-filters select[name=camera]").select_option("gate")
    expect(shown).to_have_count(1)
    with live.env.session() as s:
        make_alert(s, make_camera(s, name="dock"), now=dt.datetime.now(dt.UTC))
    expect(page.locator("tr.alert-row")).to_have_count(32, timeout=10000)
    expect(shown).to_have_count(1)
    page.locator("#alert-filters select[name=priority]").select_option("normal")
    expect(shown).to_have_count(0)
    page.locator("#alert-filters select[name=camera]").select_option("")
    page.locator("#alert-filters input[name=grouped]").uncheck()
    expect(page.locator("#pager")).to_contain_text("31 shown")


def test_several_alerts_acknowledged_together_each_audited(live: Live, page: Page) -> None:
    with live.env.session() as s:
        ids = [
            make_alert(s, make_camera(s, name=f"m{i}"), now=NOW - dt.timedelta(minutes=i)).id
            for i in range(4)
        ]
    live.env.user(Role.OPERATOR, username="olga")
    live.login(page, "olga")
    page.goto(f"{live.url}/alerts")
    for alert_id in ids[:3]:
        page.locator(f'tr.alert-row[data-id="{alert_id}"]').focus()
        page.keyboard.press(" ")
    expect(page.locator("#bulk")).to_contain_text("3 selected")
    page.locator("#bulk").get_by_role("button", name="Acknowledge").click()
    for alert_id in ids[:3]:
        expect(page.locator(f'tr.alert-row[data-id="{alert_id}"]')).to_have_attribute(
            "data-state", "acknowledged"
        )
    expect(page.locator("#bulk")).to_be_hidden()
    with live.env.session() as s:
        states = {a.id: a.state for a in s.scalars(select(Alert))}
        assert [states[i] for i in ids] == [AlertState.ACKNOWLEDGED] * 3 + [AlertState.NEW]
        targets = {
            e.target
            for e in s.scalars(
                select(AuditEntry).where(AuditEntry.outcome == "ok", AuditEntry.actor == "olga")
            )
        }
        assert {f"alert:{i}" for i in ids[:3]} <= targets and f"alert:{ids[3]}" not in targets, targets


def test_actions_that_do_not_apply_are_not_offered_and_mute_is_logged(live: Live, page: Page) -> None:
    with live.env.session() as s:
        cam_alert = make_alert(s, make_camera(s, name="yard"), now=NOW).id
        post_alert = alerts.raise_alert(
            s,
            kind="duty_rule",
            camera_id=None,
            camera_name="desk1",
            zone="ack_targets",
            priority=Priority.HIGH,
            score=1.0,
            title="rule",
            settings=AlertSettings(),
            now=NOW,
        ).alert.id
    live.env.user(Role.OPERATOR, username="olga")
    live.login(page, "olga")
    page.goto(f"{live.url}/alerts")
    rule_row = page.locator(f'tr.alert-row[data-id="{post_alert}"]')
    expect(rule_row.locator('[data-f="what"]')).to_have_text("Duty rule broken · Acknowledgement targets")
    expect(rule_row.locator('[data-act="hold"]')).to_be_hidden()
    expect(rule_row.locator('[data-act="snapshot"]')).to_be_hidden()
    rule_row.focus()
    page.keyboard.press("h")
    page.keyboard.press("s")
    expect(page.locator("#hold-dialog")).to_be_hidden()
    expect(page.locator("#snapshot-dialog")).to_be_hidden()
    # the hold category has no silent default
    cam_row = page.locator(f'tr.alert-row[data-id="{cam_alert}"]')
    cam_row.focus()
    page.keyboard.press("h")
    expect(page.locator("#hold-dialog")).to_be_visible()
    assert page.locator("#hold-dialog select[name=category]").input_value() == ""
    page.locator("#hold-dialog").get_by_role("button", name="Cancel").click()
    # mute is logged
    page.locator("#mute").click()
    expect(page.locator("#mute")).to_have_attribute("aria-pressed", "true")
    with live.env.session() as s:
        assert (
            s.scalars(select(AuditEntry).where(AuditEntry.action == "alerts.sound_muted")).one().actor
            == "olga"
        )
    # in Chinese, no raw key
    page.goto(f"{live.url}/alerts?lang=zh")
    expect(page.locator(f'tr.alert-row[data-id="{post_alert}"] [data-f="what"]')).to_have_text(
        "违反值班规则 · 告警确认时限"
    )


TONES = """
window.__tones = [];
const start = OscillatorNode.prototype.start;
OscillatorNode.prototype.start = function (when) {
  window.__tones.push(Math.round(this.frequency.value));
  return start.call(this, when);
};
"""


def test_the_sound_is_per_priority_and_repeats_until_acknowledged(live: Live, page: Page) -> None:
    with live.env.session() as s:
        high = make_alert(s, make_camera(s, name="gate"), priority=Priority.HIGH, now=NOW).id
        normal = make_alert(s, make_camera(s, name="yard"), now=NOW - dt.timedelta(minutes=1)).id
    live.env.user(Role.OPERATOR, username="olga")
    page.clock.install()
    live.login(page, "olga")
    page.add_init_script(TONES)
    page.goto(f"{live.url}/alerts")
    table = page.locator("table[data-sounding]")
    expect(table).to_have_attribute("data-sounding", "high")
    tones = lambda: page.evaluate("window.__tones")  # noqa: E731
    assert tones() == [988, 988, 988]  # high: three tones at once
    page.clock.run_for(5000)
    assert tones() == [988] * 6  # and again 5 s later, nobody having acknowledged
    page.locator(f'tr.alert-row[data-id="{high}"]').focus()
    page.keyboard.press("a")
    expect(page.locator(f'tr.alert-row[data-id="{high}"]')).to_have_attribute("data-state", "acknowledged")
    page.clock.run_for(5000)
    expect(table).to_have_attribute("data-sounding", "normal")
    assert tones() == [988] * 6 + [660]  # a normal alert still waits: one low tone
    page.locator(f'tr.alert-row[data-id="{normal}"]').focus()
    page.keyboard.press("a")
    expect(page.locator(f'tr.alert-row[data-id="{normal}"]')).to_have_attribute("data-state", "acknowledged")
    page.clock.run_for(10000)
    expect(table).to_have_attribute("data-sounding", "")
    assert tones() == [988] * 6 + [660]  # silent once every alert is acknowledged


# the browser's autoplay policy, which headless Chromium does not apply: audio made before any gesture
# starts suspended and sounds only once the page resumes it
SUSPENDED_AUDIO = """
window.__resumed = 0;
const Real = window.AudioContext;
window.AudioContext = class extends Real {
  constructor() { super(); this.__state = "suspended"; window.__audio = this; }
  get state() { return this.__state; }
  resume() { window.__resumed += 1; this.__state = "running"; return super.resume(); }
};
"""


def test_the_first_key_lets_a_sound_made_before_any_gesture_play(live: Live, page: Page) -> None:
    with live.env.session() as s:
        make_alert(s, make_camera(s, name="gate"), priority=Priority.HIGH, now=NOW)
    live.env.user(Role.OPERATOR, username="olga")
    live.login(page, "olga")
    page.add_init_script(SUSPENDED_AUDIO)
    page.goto(f"{live.url}/alerts")
    expect(page.locator("table[data-sounding]")).to_have_attribute("data-sounding", "high")
    assert page.evaluate("window.__audio.state") == "suspended"  # sounded at load, before any gesture
    page.keyboard.press("ArrowDown")
    page.wait_for_function("window.__resumed > 0 && window.__audio.state === 'running'")

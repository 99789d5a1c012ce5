"""Issue #18 item 8: README's "A shift, step by step" walked in Chromium at 1920x1080 by every role, in English
and in Chinese: check in, alerts with the keyboard, incident, hold, leave and substitute, duty-log search,
footage request, approval, play and export of footage recorded from a real RTSP stream, fault, handover signed,
accepted and countersigned. The footage is a demo camera's (`demo://`, H.264 encoded with PyAV) recorded by
stream copy through the footage runtime, as `controlroom demo` records it. Every page is screenshotted (a temporary folder; scripts/refresh-screenshots
writes them to docs/screenshots). One browser, one tab per person, no fixed sleeps.

The selectors are structural (form actions, field names) so that the same walk runs in both languages; each
page is also checked for its language (the <html lang> and one translated heading)."""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from access.roles import Role
from access.users.models import User
from config.detection import DetectConfig
from core.clock import utcnow
from db.session import make_session_factory
from devices.adapters.factory import open_source
from devices.camera.models import Camera
from devices.credentials import CredentialBox
from footage.models import Segment
from footage.runtime import FootageRuntime
from maintenance.models import EquipmentKind
from runtime.camera_run import CameraRun
from shift_logs.roster import service as roster
from tests.browser.conftest import Live
from tests.factories.access import DEFAULT_PASSWORD
from tests.factories.alerts import make_alert
from tests.factories.maintenance import make_equipment
from tests.support.app_env import Env
from tests.support.live_server import LiveServer
from tests.support.screenshots import screenshot_dir

pytestmark = [pytest.mark.browser, pytest.mark.slow]
DEMO = "demo://gate?seed=3&fps=8&width=320&height=180&people=2&light=600"  # light on a loaded machine

SHOTS = screenshot_dir()
PEOPLE = {
    "lena": (Role.SHIFT_LEADER, "Lena Hoffmann"),
    "olga": (Role.OPERATOR, "Olga Petrova"),
    "hu": (Role.OPERATOR, "Hu Jun"),
    "ivan": (Role.OPERATOR, "Ivan Chen"),
    "sun": (Role.SUPERVISOR, "Sun Li"),
    "pol": (Role.MAINTENANCE, "Pol Martí"),
    "ada": (Role.ADMIN, "Ada Wong"),
}
HEADINGS = {  # one heading per language, to know the page is in the reader's language
    "en": {"roster": "Roster", "handover": "Handover"},
    "zh": {"roster": "排班", "handover": "交接班"},
}


def _utc_input(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _segments(env: Env) -> list[Segment]:
    with env.session() as s:
        return list(s.scalars(select(Segment).order_by(Segment.start)))


def _wait_segments(env: Env, count: int, timeout: float = 90) -> list[Segment]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = _segments(env)
        if len(found) >= count:
            return found
        time.sleep(0.2)
    raise AssertionError(f"only {len(_segments(env))} recorded segments after {timeout} s")


@pytest.fixture
def floor(make_env: Any, tmp_path: Any) -> Iterator[tuple[Live, dict[str, Any]]]:
    """The site: two posts, a day and a night shift, the people, and the demo camera `gate` recorded in 2 s
    segments (through the footage runtime, as a worker records)."""
    env = make_env(data_dir=tmp_path / "data", footage={"segment_s": 2})
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    box = CredentialBox(env.settings.auth.secret_key.get_secret_value())
    ids: dict[str, Any] = {}
    with env.session() as s:
        camera = Camera(
            name="gate",
            title="Gate",
            url_sealed=box.seal(DEMO),
            url_masked=DEMO,
            worker_id="w1",
            recording={"mode": "continuous"},
        )
        s.add(camera)
        s.flush()
        ids["camera"] = camera.id
        make_equipment(s, name="Monitor wall 1", kind=EquipmentKind.MONITOR)
    users = {name: env.user(role, username=name) for name, (role, _) in PEOPLE.items()}
    with env.session() as s:
        a = roster.create_post(s, name="desk-a", title="Desk A", checklist=["keys", "radios"])
        b = roster.create_post(s, name="desk-b", title="Desk B")
        leader = s.merge(users["lena"])
        day = roster.create_shift(
            s,
            name="day",
            starts_at=now - dt.timedelta(minutes=3),
            ends_at=now + dt.timedelta(hours=11),
            leader=leader,
        )
        night = roster.create_shift(
            s,
            name="night",
            starts_at=day.ends_at,
            ends_at=day.ends_at + dt.timedelta(hours=12),
            leader=leader,
        )
        roster.roster(s, shift_id=day.id, post_id=a.id, user=s.merge(users["olga"]), now=utcnow())
        roster.roster(s, shift_id=day.id, post_id=b.id, user=s.merge(users["hu"]), now=utcnow())
        roster.roster(s, shift_id=night.id, post_id=a.id, user=s.merge(users["ivan"]), now=utcnow())
        ids.update(desk_a=a.id, desk_b=b.id, hu=users["hu"].id)
    with env.session() as s:  # (last: merging the detached users above would put their old names back)
        for user in s.scalars(select(User).where(User.username.in_(list(PEOPLE)))):
            user.display_name = PEOPLE[user.username][1]
    # the camera's reader encodes what it renders and tees the packets into the camera's feed (as the capture
    # worker does); the recorder copies them from there
    source = open_source(DEMO, camera_id="gate", realtime=True, encode=True)
    camera = CameraRun(camera_id=0, name="gate", title="Gate", key=False, detect=DetectConfig())
    source.packet_tap = camera.tee
    reading = threading.Event()

    def read() -> None:
        with source:
            while not reading.is_set():
                source.read()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    runtime = FootageRuntime(env.settings, make_session_factory(env.engine), worker_id="w1")
    runtime.feeds = {"gate": camera.feed}.get
    runtime.sync()
    try:
        with LiveServer(env.app) as server:
            yield Live(env=env, url=server.url), ids
    finally:
        runtime.stop()
        reading.set()
        reader.join(10)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_whole_shift_by_every_role_in_chromium(browser: Browser, floor: Any, lang: str) -> None:
    live, ids = floor
    env, url = live.env, live.url
    contexts = []
    shots: list[str] = []

    def person(username: str) -> Page:
        context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="en-US")
        context.add_cookies([{"name": "cr_lang", "value": lang, "url": url}])
        contexts.append(context)
        tab = context.new_page()
        live.login(tab, username)
        expect(tab.locator("html")).to_have_attribute("lang", re.compile(f"^{lang}"))
        return tab

    def shot(tab: Page, name: str) -> None:
        path = SHOTS / f"shift-{lang}-{len(shots) + 1:02d}-{name}.png"
        tab.screenshot(path=str(path))
        shots.append(path.name)

    def submit(tab: Page, form: str) -> None:
        with tab.expect_navigation():
            tab.locator(f"{form} button[type=submit]").first.click()

    try:
        # 1. the leader looks at the roster; 2. the operator checks in (confirming the duty rules)
        lena = person("lena")
        lena.goto(f"{url}/roster")
        expect(lena.get_by_role("heading", level=1)).to_contain_text(HEADINGS[lang]["roster"])
        shot(lena, "leader-roster")
        olga = person("olga")
        olga.goto(f"{url}/roster")
        check_in = olga.locator("form[action='/roster/check-in']")
        check_in.locator("select[name=post_id]").select_option(str(ids["desk_a"]))
        if check_in.locator("input[name=rules_version]").count():
            check_in.locator("input[name=rules_version]").check()
        submit(olga, "form[action='/roster/check-in']")
        expect(olga.locator("form[action='/roster/check-out']")).to_be_visible()
        shot(olga, "operator-checked-in")
        hu = person("hu")
        hu.goto(f"{url}/roster")
        hu.locator("form[action='/roster/check-in'] select[name=post_id]").select_option(str(ids["desk_b"]))
        rules = hu.locator("form[action='/roster/check-in'] input[name=rules_version]")
        if rules.count():
            rules.check()
        submit(hu, "form[action='/roster/check-in']")
        expect(hu.locator("form[action='/roster/check-out']")).to_be_visible()

        # 3. alerts with the keyboard: acknowledge (A), an incident (I), an evidence hold (H)
        with env.session() as s:
            camera = s.get(Camera, ids["camera"])
            first = make_alert(s, camera, kind="motion", now=dt.datetime.now(dt.UTC)).id
            second = make_alert(s, camera, kind="covered", now=dt.datetime.now(dt.UTC)).id
        olga.goto(f"{url}/alerts")
        row = olga.locator(f'tr.alert-row[data-id="{first}"]')
        row.focus()
        olga.keyboard.press("a")
        expect(row).to_have_attribute("data-state", "acknowledged")
        other = olga.locator(f'tr.alert-row[data-id="{second}"]')
        other.focus()
        olga.keyboard.press("i")
        dialog = olga.locator("#incident-dialog")
        expect(dialog).to_be_visible()
        dialog.locator("textarea[name=content]").fill("person at the gate fence")
        dialog.locator("input[name=place]").fill("gate east")
        dialog.locator("button[value=send]").click()
        expect(dialog).to_be_hidden()
        other.focus()
        olga.keyboard.press("h")
        hold = olga.locator("#hold-dialog")
        expect(hold).to_be_visible()
        hold.locator("select[name=category]").select_option("other")
        hold.locator("input[name=incident_ref]").fill("INC-1")
        hold.locator("button[value=send]").click()
        expect(hold).to_be_hidden()
        expect(olga.get_by_role("status").last).not_to_be_empty()
        shot(olga, "operator-alerts")
        olga.goto(f"{url}/incidents")
        expect(olga.locator("main")).to_contain_text("gate east")
        shot(olga, "operator-incidents")

        # 4. leave the post with hu as substitute; the leader approves; olga returns
        olga.goto(f"{url}/roster")
        leave = olga.locator("form[action='/roster/leave']")
        leave.locator("select[name=substitute_id]").select_option(str(ids["hu"]))
        leave.locator("input[name=reason]").fill("first-aid room")
        submit(olga, "form[action='/roster/leave']")
        lena.goto(f"{url}/roster")
        approve = lena.locator("form[action^='/roster/leave/'][action$='/approve']")
        expect(approve).to_have_count(1)
        action = approve.get_attribute("action")
        submit(lena, f"form[action='{action}']")
        shot(lena, "leader-leave-approved")
        olga.goto(f"{url}/roster")
        back = olga.locator("form[action^='/roster/leave/'][action$='/return']")
        expect(back).to_have_count(1)
        submit(olga, f"form[action='{back.get_attribute('action')}']")

        # 5. the duty log: an entry, then a search with the filters left at "any"
        olga.goto(f"{url}/duty-log")
        olga.locator("form[action='/duty-log'][method=post] textarea[name=text]").fill(
            "patrol 2 to the north gate"
        )
        submit(olga, "form[action='/duty-log'][method=post]")
        olga.locator("form.shift-filters input[name=text]").fill("north gate")
        submit(olga, "form.shift-filters")
        assert "text=north+gate" in olga.url
        expect(olga.locator("main")).to_contain_text("patrol 2 to the north gate")
        shot(olga, "operator-duty-log-search")

        # 6. footage: maintenance asks for a range of what was recorded, the leader approves
        recorded = _wait_segments(env, 3)
        start, end = recorded[0].start, recorded[1].end
        pol = person("pol")
        pol.goto(f"{url}/footage/requests")
        ask = pol.locator("form[action='/footage/requests']")
        ask.locator("input[name=organisation]").fill("City police, precinct 4")
        ask.locator("textarea[name=reason]").fill("Intrusion at the gate, INC-1")
        ask.locator("input[name=camera][value=gate]").check()
        ask.locator("input[name=start]").fill(_utc_input(start))
        ask.locator("input[name=end]").fill(_utc_input(end))
        submit(pol, "form[action='/footage/requests']")
        shot(pol, "maintenance-footage-request")
        lena.goto(f"{url}/footage/requests")
        submit(lena, "form[action^='/footage/requests/'][action$='/approve']")
        shot(lena, "leader-footage-approved")

        # 7. play and export the recorded footage under the grant
        pol.goto(f"{url}/footage/grants")
        with pol.expect_navigation():
            pol.locator("a[href^='/footage/view?grant=']").first.click()
        with pol.expect_navigation():
            pol.locator("#play-form button[type=submit]:not([formaction])").click()
        pol.wait_for_function("document.getElementById('player').readyState >= 2", timeout=30000)
        assert pol.locator("#player").evaluate("v => v.duration") > 1.0
        shot(pol, "maintenance-footage-play")
        with pol.expect_navigation():
            pol.locator("#play-form button[formaction='/footage/exports']").click()
        expect(pol.locator("a[href$='/download']")).to_be_visible(timeout=30000)
        shot(pol, "maintenance-footage-export")

        # 8. the supervisor sees the camera's timeline (standing access), the held span included
        sun = person("sun")
        sun.goto(f"{url}/footage?camera=gate&day={start.date().isoformat()}")
        expect(sun.locator(".block.rec").first).to_be_visible()
        shot(sun, "supervisor-footage-timeline")

        # 9. a fault is reported and seen by maintenance
        olga.goto(f"{url}/faults")
        fault = olga.locator("form[action='/faults']")
        fault.locator("input[name=title]").fill("monitor 3 flickers")
        fault.locator("select[name=severity]").select_option("high")
        submit(olga, "form[action='/faults']")
        expect(olga.get_by_role("heading", level=1)).to_contain_text("monitor 3 flickers")
        pol.goto(f"{url}/faults")
        expect(pol.locator("main")).to_contain_text("monitor 3 flickers")
        shot(pol, "maintenance-faults")

        # 10. the handover: drafted and signed by olga, accepted by ivan, countersigned by lena
        olga.goto(f"{url}/handovers")
        submit(olga, "form[action='/handovers']")
        handover = olga.url.rsplit("/", 1)[1]
        expect(olga.get_by_role("heading", level=1)).to_contain_text(HEADINGS[lang]["handover"])
        edit = f"form[action='/handovers/{handover}']"
        for select in olga.locator(f"{edit} select[name=ok]").all():
            select.select_option("yes")
        olga.locator(f"{edit} textarea[name=remarks]").fill("Incident at the gate still open.")
        submit(olga, edit)
        olga.locator(f"form[action='/handovers/{handover}/sign'] input[name=password]").fill(DEFAULT_PASSWORD)
        submit(olga, f"form[action='/handovers/{handover}/sign']")
        expect(olga.locator(".badge.state-signed")).to_be_visible()
        shot(olga, "operator-handover-signed")
        ivan = person("ivan")
        ivan.goto(f"{url}/handovers/{handover}")
        ivan.locator(f"form[action='/handovers/{handover}/accept'] input[name=password]").fill(
            DEFAULT_PASSWORD
        )
        submit(ivan, f"form[action='/handovers/{handover}/accept']")
        expect(ivan.locator(".badge.state-accepted")).to_be_visible()
        lena.goto(f"{url}/handovers/{handover}")
        lena.locator(f"form[action='/handovers/{handover}/countersign'] input[name=password]").fill(
            DEFAULT_PASSWORD
        )
        submit(lena, f"form[action='/handovers/{handover}/countersign']")
        expect(lena.locator(".badge.state-countersigned")).to_be_visible()
        shot(lena, "leader-handover-countersigned")

        # 11. the admin's overview closes the day
        ada = person("ada")
        ada.goto(f"{url}/")
        shot(ada, "admin-overview")
    finally:
        for context in contexts:
            context.close()
    assert len(shots) == 15, shots
    assert all((SHOTS / name).stat().st_size > 10_000 for name in shots)  # a page, not a blank

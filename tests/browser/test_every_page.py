"""Every console page, as every role, in both languages: served with the security headers, no CSP violation,
no raw message key, and (in Chinese) no English sentence left from the catalogue nor any system-written text
(duty-log entries, presence problems, duty-rule violations and alerts, handover open items, camera health)
in its stored English; the searches with every filter on "Any" answer their page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page
from sqlalchemy import select

from access.roles import Role
from alerts import service as alerts
from alerts.models import Priority
from api.console.i18n import translations
from config.alerting import AlertSettings
from core.clock import utcnow
from devices.camera import service as cameras
from devices.camera.models import Camera
from maintenance import auto as maintenance_auto
from shift_logs.duty_log.models import DutyEntry
from shift_logs.handover.models import Handover
from shift_logs.roster import presence
from shift_logs.roster import service as roster
from shift_logs.roster.models import PresenceFlag
from shift_logs.rules import store as rule_versions
from shift_logs.rules.live import evaluate_live
from shift_logs.rules.models import Violation
from tests.browser.conftest import Live
from tests.factories.access import make_user
from tests.factories.alerts import make_alert, make_camera
from tests.factories.shift_logs import make_crew, make_handover, make_post, make_report

pytestmark = pytest.mark.slow

EN, ZH = translations("en"), translations("zh")
KEY_PREFIXES = {key.split(".", 1)[0] for key in EN}
KEY_TOKEN = re.compile(r"(?<![\w/.:-])([a-z][a-z_]*(?:\.[a-z_]+)+)(?![\w/])")
# English phrases (several words, no parameters) that have a Chinese translation of their own
ENGLISH_PHRASES = sorted(
    {
        en
        for key, en in EN.items()
        if " " in en.strip() and "{" not in en and ZH.get(key) and ZH[key] != en and len(en) > 8
    },
    key=len,
    reverse=True,
)
# dates in another format than the site's one (2026-11-25 18:04): dd/mm/yyyy, US m/d/yyyy, raw ISO
OTHER_DATES = re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b|\b\d{4}-\d\d-\d\dT\d\d:\d\d")
ROLES = (Role.OPERATOR, Role.SHIFT_LEADER, Role.SUPERVISOR, Role.MAINTENANCE, Role.ADMIN)


def raw_keys(text: str) -> list[str]:
    """Tokens of the page text that look like catalogue keys."""
    return sorted({m for m in KEY_TOKEN.findall(text) if m in EN or m.split(".", 1)[0] in KEY_PREFIXES})


def english_left(text: str) -> list[str]:
    return [phrase for phrase in ENGLISH_PHRASES if phrase in text]


def check_page(where: str, status: int, headers: dict[str, str], text: str, lang: str) -> list[str]:
    """What is wrong with one page: status, security headers, raw keys, English left in Chinese."""
    problems = []
    if status >= 400:
        problems.append(f"{where}: HTTP {status}")
    if "script-src 'self'" not in headers.get("content-security-policy", ""):
        problems.append(f"{where}: no CSP")
    if headers.get("x-frame-options") != "DENY" or headers.get("x-content-type-options") != "nosniff":
        problems.append(f"{where}: frame/sniff headers missing")
    if keys := raw_keys(text):
        problems.append(f"{where}: raw keys {keys}")
    if dates := OTHER_DATES.findall(text):
        problems.append(f"{where}: dates not in the site's format {dates[:3]}")
    if lang == "zh" and (left := english_left(text)):
        problems.append(f"{where}: English left {left[:5]}")
    return problems


HEALTH_REASON = "frozen picture: identical frames for 12 s"


def seed_system_texts(live: Live, now: dt.datetime) -> tuple[list[str], list[str]]:
    """A room where the system has written: a late check-in (duty log, presence problem, its alert), an
    unstaffed post and an unacknowledged alert found by the duty rules (violations, alerts, a presence
    problem), a report opened at a post, a handover draft listing the open alerts, a frozen camera. Returns
    the stored English of every text that has a message, and the pages that show them."""
    settings = live.env.settings
    with live.env.session() as s:
        gate = make_camera(s, name="gate")
        cameras.set_health(s, name="gate", status="frozen", reason=HEALTH_REASON, since=now)
        fault = maintenance_auto.on_camera_health(
            s, "gate", "frozen", HEALTH_REASON, now, settings.maintenance
        )  # an automatic equipment fault, listed in the handover and on /faults
        assert fault is not None
        make_alert(s, gate, kind="motion", priority=Priority.HIGH, now=now - dt.timedelta(minutes=5))
        crew = make_crew(s, start=now - dt.timedelta(minutes=40))
        version = rule_versions.current(s)
        presence.check_in(
            s,
            user=crew.outgoing,
            post_id=crew.post.id,
            now=now,
            alert_settings=AlertSettings(),
            rules_version=version.version if version is not None else None,
        )
        empty = make_post(s, name="desk-empty")
        roster.roster(
            s, shift_id=crew.first.id, post_id=empty.id, user=make_user(s, username="absent"), now=utcnow()
        )
        make_report(s, opened_by=crew.outgoing, now=now, post_id=crew.post.id)
        evaluate_live(s, now, settings)
        handover = make_handover(s, crew, now=now)
        found = {
            "duty log": [e.text for e in s.scalars(select(DutyEntry).where(DutyEntry.message.is_not(None)))],
            "presence problems": [
                f.detail for f in s.scalars(select(PresenceFlag).where(PresenceFlag.message.is_not(None)))
            ],
            "violations": [
                v.message for v in s.scalars(select(Violation).where(Violation.said.is_not(None)))
            ],
            "open items": [i["title"] for i in s.get_one(Handover, handover.id).open_items if i.get("said")],
        }
        pages = [f"/handovers/{handover.id}", f"/cameras/{gate.id}", f"/faults/{fault.id}"]
    assert all(found.values()), found  # the room really holds system-written texts of each kind
    english = [text for texts in found.values() for text in texts] + [HEALTH_REASON]
    return sorted(set(english), key=len, reverse=True), pages


def search_with_any(page: Page, url: str, lang: str) -> list[str]:
    """Apply each search form as it comes (every filter on "Any"): the page answers, never a 422."""
    problems = []
    for path in ("/duty-log", "/incidents"):
        page.goto(f"{url}{path}?lang={lang}")
        with page.expect_navigation() as nav:
            page.locator("form.shift-filters:has(select) button[type=submit]").click()
        response = nav.value
        if response is None or response.status != 200 or path not in page.url:
            problems.append(f"{lang} {path} search on Any: {response.status if response else 'no answer'}")
    return problems


def test_every_page_every_role_both_languages(live: Live, browser: Browser) -> None:
    now = dt.datetime.now(dt.UTC)
    english_texts, system_pages = seed_system_texts(live, now)
    with live.env.session() as s:
        make_alert(
            s,
            s.scalars(select(Camera).where(Camera.name == "gate")).one(),
            kind="covered",
            priority=Priority.HIGH,
            now=now,
        )
        alerts.raise_alert(
            s,
            kind="duty_rule",
            camera_id=None,
            camera_name="desk1",
            zone="ack_targets",
            priority=Priority.NORMAL,
            score=1.0,
            title="rule",
            settings=AlertSettings(),
            now=now,
        )
    problems: list[str] = []
    for role in ROLES:
        live.env.user(role, username=role.value)
        context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="en-US")
        page = context.new_page()
        # the reports page draws its charts: slow on a loaded machine
        page.set_default_navigation_timeout(120_000)
        violations: list[str] = []

        def on_console(message: ConsoleMessage, sink: list[str] = violations) -> None:
            if "Content Security Policy" in message.text:
                sink.append(message.text)

        page.on("console", on_console)
        live.login(page, role.value)
        links = page.locator("header nav a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
        if role in (Role.OPERATOR, Role.SHIFT_LEADER):
            links += system_pages
        for lang in ("en", "zh"):
            for href in links:
                response = page.goto(f"{live.url}{href}?lang={lang}")
                assert response is not None
                page.wait_for_timeout(300)  # live rows and the duty bar fill in
                # the site's own name is configuration, not a catalogue string
                text = page.locator("body").inner_text().replace(live.env.settings.site.name, "")
                problems += check_page(
                    f"{role.value} {lang} {href}", response.status, response.headers, text, lang
                )
                if lang == "zh" and (left := [e for e in english_texts if e in text]):
                    problems.append(f"{role.value} zh {href}: system text in English {left[:3]}")
            if role is Role.OPERATOR:
                problems += search_with_any(page, live.url, lang)
        if violations:
            problems.append(f"{role.value}: CSP violations {violations[:3]}")
        context.close()
    assert not problems, "\n".join(problems)

"""Every console page, as every role, in both languages: served with the security headers, no CSP violation,
no raw message key, and (in Chinese) no English sentence left from the catalogue."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Browser, ConsoleMessage

from access.roles import Role
from alerts import service as alerts
from alerts.models import Priority
from api.console.i18n import translations
from config.alerting import AlertSettings
from tests.browser.conftest import Live
from tests.factories.alerts import make_alert, make_camera

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
    if lang == "zh" and (left := english_left(text)):
        problems.append(f"{where}: English left {left[:5]}")
    return problems


def test_every_page_every_role_both_languages(live: Live, browser: Browser) -> None:
    now = dt.datetime.now(dt.UTC)
    with live.env.session() as s:
        make_alert(s, make_camera(s, name="gate"), kind="covered", priority=Priority.HIGH, now=now)
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
        violations: list[str] = []

        def on_console(message: ConsoleMessage, sink: list[str] = violations) -> None:
            if "Content Security Policy" in message.text:
                sink.append(message.text)

        page.on("console", on_console)
        live.login(page, role.value)
        links = page.locator("header nav a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
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
        if violations:
            problems.append(f"{role.value}: CSP violations {violations[:3]}")
        context.close()
    assert not problems, "\n".join(problems)

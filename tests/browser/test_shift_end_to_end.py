"""Done-when: a whole shift through the API and the console, ending in DB tampering caught by `log verify`."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
from typing import Any

from playwright.sync_api import expect
from sqlalchemy import make_url, select

from access.roles import Role
from access.users.models import User
from core.clock import FixedClock
from tests.browser.conftest import Live
from tests.factories.access import DEFAULT_PASSWORD
from tests.factories.alerts import make_alert, make_camera
from tests.support.app_env import Env
from tests.support.screenshots import screenshot_dir

SCREENSHOTS = screenshot_dir()
START = dt.datetime(2026, 11, 25, 6, 0, tzinfo=dt.UTC)


class Api:
    """JSON calls as one user (bearer token)."""

    def __init__(self, env: Env, user: Any) -> None:
        self.env, self.headers = env, env.token(user)

    def post(self, path: str, body: dict[str, Any] | None = None, status: int = 200) -> Any:
        response = self.env.client.post(f"/api/v1{path}", json=body or {}, headers=self.headers)
        assert response.status_code == status, response.text
        return response.json()

    def get(self, path: str) -> Any:
        response = self.env.client.get(f"/api/v1{path}", headers=self.headers)
        assert response.status_code == 200, response.text
        return response.json()


def _name(env: Env, names: dict[str, str]) -> None:
    with env.session() as s:
        for user in s.scalars(select(User).where(User.username.in_(list(names)))):
            user.display_name = names[user.username]


def _iso(at: dt.datetime) -> str:
    return at.isoformat()


def test_a_whole_shift_through_api_and_console_then_tampering_is_caught(live: Live, tabs: Any) -> None:
    env, url = live.env, live.url
    clock = FixedClock(START + dt.timedelta(minutes=2))
    env.app.state.ctx.clock = clock
    sup = env.user(Role.SUPERVISOR, username="sun")
    leader = env.user(Role.SHIFT_LEADER, username="lena")
    olga, ivan, hu = (env.user(Role.OPERATOR, username=n) for n in ("olga", "ivan", "hu"))
    a = Api(env, sup).post(
        "/posts", {"name": "desk-a", "title": "Desk A", "checklist": ["keys", "radios", "room clean"]}, 201
    )
    b = Api(env, sup).post("/posts", {"name": "desk-b", "title": "Desk B"}, 201)
    lead = Api(env, leader)
    day = lead.post(
        "/shifts",
        {
            "name": "day",
            "starts_at": _iso(START),
            "ends_at": _iso(START + dt.timedelta(hours=12)),
            "leader_id": leader.id,
        },
        201,
    )
    night_end = START + dt.timedelta(hours=24)
    night = lead.post(
        "/shifts",
        {
            "name": "night",
            "starts_at": _iso(START + dt.timedelta(hours=12)),
            "ends_at": _iso(night_end),
            "leader_id": leader.id,
        },
        201,
    )
    lead.post("/roster", {"shift_id": day["id"], "post_id": a["id"], "user_id": olga.id}, 201)
    lead.post("/roster", {"shift_id": day["id"], "post_id": b["id"], "user_id": hu.id}, 201)
    lead.post("/roster", {"shift_id": night["id"], "post_id": a["id"], "user_id": ivan.id}, 201)
    olga_api, hu_api = Api(env, olga), Api(env, hu)

    # check in: olga in the console, hu through the API
    olga_tab = tabs("olga")
    olga_tab.goto(f"{url}/roster")
    olga_tab.locator("form[action='/roster/check-in'] select").select_option(label="Desk A")
    olga_tab.get_by_role("button", name="Check in").click()
    expect(olga_tab.get_by_text("Checked in at Desk A")).to_be_visible()
    hu_api.post("/presence/check-in", {"post_id": b["id"]}, 201)

    # a task assigned by the leader; an alert turned into an incident
    task = lead.post("/tasks", {"title": "check gate 3 lamp", "post_id": a["id"]}, 201)
    with env.session() as s:
        alert_id = make_alert(s, make_camera(s), now=START).id
    from_alert = olga_api.post(
        "/incidents/alerts",
        {
            "alert_id": alert_id,
            "category": "intrusion",
            "content": "person at the fence",
            "place": "fence east",
            "post_id": a["id"],
        },
        201,
    )

    # a phone report with a confidential reporter, taken in the console
    olga_tab.goto(f"{url}/incidents")
    form = olga_tab.locator("form[action='/incidents/reports']")
    form.get_by_label("Channel").select_option("phone")
    form.get_by_label("Reporter's name").fill("Wang Fang")
    form.get_by_label("Reporter's contact").fill("138 0000 0000")
    form.get_by_label("Category").fill("theft")
    form.get_by_label("Place").fill("north gate")
    form.get_by_label("What happened").fill("bicycle taken")
    form.get_by_role("button", name="Open the incident").click()
    expect(olga_tab.locator("#reporter")).to_have_text("withheld")
    report_id = int(olga_tab.url.rsplit("/", 1)[1])
    assert lead.get(f"/incidents/{report_id}")["reporter_name"] == "Wang Fang"

    # leave the post with a substitute on duty; the leader approves in the console
    leave = olga_api.post("/leave", {"substitute_id": hu.id, "reason": "to the first-aid room"}, 201)
    lena_tab = tabs("lena")
    lena_tab.goto(f"{url}/roster")
    lena_tab.locator(f"form[action='/roster/leave/{leave['id']}/approve'] button").click()
    expect(lena_tab.get_by_text("approved")).to_be_visible()
    olga_api.post(f"/leave/{leave['id']}/return")

    # a visitor: registered, approved, and leaving in the console
    visit = olga_api.post(
        "/visits",
        {"post_id": a["id"], "name": "Li Lei", "organisation": "City Power", "reason": "UPS service"},
        201,
    )
    lead.post(f"/visits/{visit['id']}/approve")
    olga_tab.goto(f"{url}/visitors")
    olga_tab.locator(f"form[action='/visitors/{visit['id']}/leave'] button").click()
    expect(olga_tab.get_by_text("left", exact=True)).to_be_visible()
    olga_api.post(
        "/duty-log", {"post_id": a["id"], "kind": "patrol", "text": "patrol 2 sent to the north gate"}, 201
    )

    # end of the day shift: olga drafts and signs the handover in the console
    clock.advance(dt.timedelta(hours=11, minutes=45))
    live.login(olga_tab, "olga")  # the clock jumped 11 hours: her idle session has expired
    olga_tab.goto(f"{url}/handovers")
    olga_tab.get_by_role("button", name="Start the handover").click()
    olga_tab.wait_for_url(f"{url}/handovers/*")
    handover_id = int(olga_tab.url.rsplit("/", 1)[1])
    expect(olga_tab.get_by_text(f"task:{task['id']}")).to_be_visible()
    expect(olga_tab.get_by_text(f"incident:{from_alert['id']}")).to_be_visible()
    for item, verdict in (("keys", "In order"), ("radios", "Not in order"), ("room clean", "In order")):
        olga_tab.get_by_label(item, exact=True).select_option(label=verdict)
    olga_tab.get_by_label("Note: radios").fill("radio 2 battery weak")
    olga_tab.get_by_label("Remarks").fill("Quiet shift. Incident from the north gate still open.")
    with olga_tab.expect_navigation():
        olga_tab.get_by_role("button", name="Save").click()
    expect(olga_tab.get_by_label("Remarks")).to_have_value(
        "Quiet shift. Incident from the north gate still open."
    )
    olga_tab.get_by_label("Your password (signature)").fill(DEFAULT_PASSWORD)
    olga_tab.get_by_role("button", name="Sign as outgoing").click()
    expect(olga_tab.get_by_text("content intact")).to_be_visible()

    # ivan checks in for the night and accepts with a reservation; the leader countersigns
    clock.advance(dt.timedelta(minutes=20))
    Api(env, ivan).post("/presence/check-in", {"post_id": a["id"]}, 201)
    ivan_tab = tabs("ivan")
    ivan_tab.goto(f"{url}/handovers/{handover_id}")
    ivan_tab.get_by_label("Accept with reservations").check()
    ivan_tab.get_by_label("Reservations, one per line").fill("replace radio 2 battery")
    ivan_tab.get_by_label("Your password (signature)").fill("wrong password")
    ivan_tab.get_by_role("button", name="Sign as incoming").click()
    expect(ivan_tab.get_by_role("alert")).to_contain_text("password does not match")
    ivan_tab.get_by_label("Your password (signature)").fill(DEFAULT_PASSWORD)
    ivan_tab.get_by_role("button", name="Sign as incoming").click()
    expect(ivan_tab.locator(".badge.state-accepted")).to_be_visible()
    live.login(lena_tab, "lena")
    lena_tab.goto(f"{url}/handovers/{handover_id}")
    lena_tab.get_by_label("Your password (signature)").fill(DEFAULT_PASSWORD)
    lena_tab.get_by_role("button", name="Countersign").click()
    expect(lena_tab.locator(".badge.state-countersigned")).to_be_visible()
    # (names set last: env.token() merges the detached user objects back)
    _name(
        env,
        {
            "sun": "Sun Li",
            "lena": "Lena Hoffmann",
            "olga": "Olga Petrova",
            "ivan": "Ivan Chen",
            "hu": "Hu Jun",
        },
    )
    lena_tab.reload()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    lena_tab.set_viewport_size({"width": 1440, "height": 1000})
    lena_tab.screenshot(path=str(SCREENSHOTS / "handover.png"), full_page=False)
    lena_tab.goto(f"{url}/handovers/{handover_id}?lang=zh")
    expect(lena_tab.get_by_text("值班长已签")).to_be_visible()
    lena_tab.screenshot(path=str(SCREENSHOTS / "handover-zh.png"), full_page=False)

    done = lead.get(f"/handovers/{handover_id}")
    assert done["state"] == "countersigned" and done["content_intact"] is True
    tasks = lead.get("/tasks?state=open")["items"]
    assert {"check gate 3 lamp", "replace radio 2 battery"} <= {t["title"] for t in tasks}
    assert lead.get("/duty-log/verify")["ok"] is True

    # someone edits one duty entry behind the application's back: `log verify` names it
    database = make_url(env.settings.database.url.get_secret_value()).database
    assert database is not None
    with sqlite3.connect(database) as conn:
        conn.execute("DROP TRIGGER duty_log_no_update")
        seq = conn.execute("SELECT seq FROM duty_log WHERE text LIKE 'patrol 2%'").fetchone()[0]
        conn.execute("UPDATE duty_log SET text = 'nothing to report' WHERE text LIKE 'patrol 2%'")
    environ = {
        **os.environ,
        "CONTROLROOM_DATABASE__URL": env.settings.database.url.get_secret_value(),
        "CONTROLROOM_LOGGING__JSON": "false",
    }
    result = subprocess.run(
        [sys.executable, "-m", "runtime.cli", "log", "verify"],
        capture_output=True,
        text=True,
        env=environ,
        timeout=60,
    )
    assert result.returncode == 1
    assert f"duty:{a['id']} BROKEN at entry {seq}: content does not match its hash (altered)" in result.stderr

    # and a signed handover rewritten in the database no longer matches the hash chained at signing
    with sqlite3.connect(database) as conn:
        conn.execute("UPDATE shift_handovers SET remarks = 'all fine' WHERE id = ?", (handover_id,))
    assert lead.get(f"/handovers/{handover_id}")["content_intact"] is False

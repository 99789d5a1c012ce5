"""Every shift-log console page renders for the room's roles, in English and Chinese, with every string translated."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from access.roles import Role
from core.clock import FixedClock
from shift_logs.handover import signing
from tests.factories.access import DEFAULT_PASSWORD
from tests.factories.alerts import make_alert, make_camera
from tests.factories.shift_logs import T0, check_in, make_crew, make_handover, make_report
from tests.support.app_env import Env

LOCALES = Path(__file__).resolve().parents[2] / "api" / "console" / "locales"
PAGES = ("/duty-log", "/handovers", "/roster", "/tasks", "/incidents", "/visitors")


def test_english_and_chinese_have_the_same_keys() -> None:
    en = json.loads((LOCALES / "en" / "shift_logs.json").read_text(encoding="utf-8"))
    zh = json.loads((LOCALES / "zh" / "shift_logs.json").read_text(encoding="utf-8"))
    assert set(en) == set(zh)
    assert all(zh[k] and zh[k] != en[k] for k in en if not k.endswith(".count"))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_pages_render_for_operator_and_leader_with_no_missing_strings(env: Env, lang: str) -> None:
    env.app.state.ctx.clock = FixedClock(T0 + dt.timedelta(hours=11, minutes=50))
    with env.session() as s:
        crew = make_crew(s)
        check_in(s, crew.outgoing, crew.post, T0)
        report = make_report(s, opened_by=crew.outgoing, post_id=crew.post.id)
        handover = make_handover(s, crew)
        signing.sign(
            s,
            handover_id=handover.id,
            signer=crew.outgoing,
            password=DEFAULT_PASSWORD,
            now=T0 + dt.timedelta(hours=12),
        )
    pages = (
        *PAGES,
        f"/handovers/{handover.id}",
        f"/handovers/{handover.id}/print",
        f"/incidents/{report.id}",
    )
    for who in (crew.outgoing, crew.leader):
        for page in pages:
            response = env.client.get(f"{page}?lang={lang}", headers=env.token(who))
            assert response.status_code == 200, f"{page}: {response.text[:300]}"
            assert "shift." not in response.text.replace("shift_", ""), f"untranslated key on {page}"
    maint = env.user(Role.MAINTENANCE)
    assert env.client.get("/duty-log", headers=env.token(maint)).status_code == 403


def test_leader_and_operator_forms_work_through_the_console(env: Env) -> None:
    env.app.state.ctx.clock = FixedClock(T0 + dt.timedelta(minutes=5))
    with env.session() as s:
        crew = make_crew(s)
        check_in(s, crew.outgoing, crew.post, T0)
        alert_id = make_alert(s, make_camera(s)).id
    lead, op = env.token(crew.leader), env.token(crew.outgoing)

    def form(path: str, headers: dict[str, str], **data: object) -> None:
        response = env.client.post(path, data=data, headers=headers, follow_redirects=False)
        assert response.status_code == 303, f"{path}: {response.text[:300]}"

    form("/roster/shifts", lead, name="late", starts_at="2026-11-26T20:00", ends_at="2026-11-27T08:00")
    form(
        "/tasks",
        lead,
        title="walk the fence",
        post_id=str(crew.post.id),
        due_at="2026-11-25T10:00",
        standing="true",
    )
    tasks = env.client.get("/api/v1/tasks?state=open", headers=lead).json()["items"]
    assert tasks[0]["standing"] is True and tasks[0]["due_at"].startswith("2026-11-25T10:00")
    form(f"/tasks/{tasks[0]['id']}/done", op, outcome="fence intact")
    form("/incidents/alerts", op, alert_id=str(alert_id), category="intrusion", content="person at the fence")
    incident = env.client.get("/api/v1/incidents", headers=lead).json()["items"][0]
    form(f"/incidents/{incident['id']}/acknowledge", lead)
    form(f"/incidents/{incident['id']}/close", lead, outcome="patrol found nobody")
    form("/visitors", op, post_id=str(crew.post.id), name="Li Lei", reason="UPS service")
    visit = env.client.get("/api/v1/visits", headers=lead).json()["items"][0]
    form(f"/visitors/{visit['id']}/refuse", lead)
    form("/duty-log", op, post_id=str(crew.post.id), kind="equipment", text="monitor 3 flickers")
    refused = env.client.post(
        "/duty-log", data={"post_id": crew.post.id, "kind": "handover", "text": "x"}, headers=op
    )
    assert refused.status_code == 422
    log = env.client.get(f"/api/v1/duty-log?post_id={crew.post.id}", headers=lead).json()["items"]
    assert log[0]["text"] == "monitor 3 flickers"

"""The reports API: roles on deciding steps, 409 naming the stage, 422 naming the field, no identity
in public status, reply links or lookups; concurrent accepts give one 200 and one 409."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy import select

from access.audit.models import AuditEntry
from access.roles import Role
from core.clock import FixedClock
from tests.factories.shift_logs import T0
from tests.support.app_env import Env

REPORT = {
    "channel": "phone",
    "reporter_name": "Wang Fang",
    "reporter_contact": "138 0000 0000",
    "category": "conduct",
    "content": "guard was rude at the north gate",
    "report_type": "accusation",
}


def _post(env: Env, path: str, user: Any, body: dict[str, Any] | None = None) -> Any:
    return env.client.post(path, json=body or {}, headers=env.token(user))


def test_deciding_steps_need_a_leader_and_out_of_order_steps_name_the_stage(env: Env) -> None:
    env.app.state.ctx.clock = FixedClock(T0)
    op, lead = env.user(Role.OPERATOR), env.user(Role.SHIFT_LEADER)
    created = _post(env, "/api/v1/incidents/reports", op, REPORT)
    assert created.status_code == 201, created.text
    rid, code = created.json()["id"], created.json()["ref_code"]
    assert created.json()["stage"] == "received" and created.json()["due_kind"] == "acceptance"
    assert _post(env, f"/api/v1/incidents/{rid}/accept", op, {"decision": "ok"}).status_code == 403
    early = _post(env, f"/api/v1/incidents/{rid}/answer", op, {"via": "phone"})
    assert early.status_code == 409 and "received" in early.json()["detail"]
    bad = _post(env, f"/api/v1/incidents/{rid}/accept", lead, {"decision": ""})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "body.decision"
    assert _post(env, f"/api/v1/incidents/{rid}/accept", lead, {"decision": "accepted"}).status_code == 200
    found = env.client.get(f"/api/v1/incidents/by-code/{code.lower()}", headers=env.token(op)).json()
    assert found["id"] == rid and found["reporter_name"] is None
    steps = env.client.get(f"/api/v1/incidents/{rid}/steps", headers=env.token(op)).json()
    assert [(s["action"], s["due_kind"], s["late"]) for s in steps] == [
        ("receive", None, None),
        ("accept", "acceptance", False),
    ]
    with env.session() as s:
        audited = s.execute(
            select(AuditEntry.action, AuditEntry.outcome).where(AuditEntry.target == f"incident:{rid}")
        ).all()
    assert ("report.accept", "ok") in audited and any(a == "report.answer" and o != "ok" for a, o in audited)


def test_false_accusation_needs_a_clarification_field(env: Env) -> None:
    env.app.state.ctx.clock = FixedClock(T0)
    lead = env.user(Role.SHIFT_LEADER)
    rid = _post(env, "/api/v1/incidents/reports", lead, REPORT).json()["id"]
    _post(env, f"/api/v1/incidents/{rid}/accept", lead, {"decision": "ok"})
    refused = _post(
        env, f"/api/v1/incidents/{rid}/conclude", lead, {"finding": "false_accusation", "summary": "untrue"}
    )
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "clarification"


def test_an_outside_unit_replies_once_through_its_link_and_never_sees_the_reporter(env: Env) -> None:
    env.app.state.ctx.clock = FixedClock(T0)
    lead = env.user(Role.SHIFT_LEADER)
    created = _post(env, "/api/v1/incidents/reports", lead, REPORT).json()
    rid, code = created["id"], created["ref_code"]
    unit = _post(env, "/api/v1/units", lead, {"name": "Parks dept", "external": True, "reply_days": 5})
    assert unit.status_code == 201
    _post(env, f"/api/v1/incidents/{rid}/accept", lead, {"decision": "ok"})
    sent = _post(
        env, f"/api/v1/incidents/{rid}/transfer", lead, {"unit_id": unit.json()["id"], "link_days": 3}
    )
    assert sent.status_code == 200, sent.text
    token = sent.json()["reply_token"]
    assert "Wang" not in sent.text
    public = env.client.get(f"/api/v1/public/reports/{code}")
    assert public.status_code == 200 and public.json() == {
        "ref_code": code,
        "stage": "transferred",
        "unit": "Parks dept",
    }
    matter = env.client.get(f"/api/v1/public/reply/{token}")
    assert matter.status_code == 200 and "Wang" not in matter.text and "138" not in matter.text
    assert env.client.post(f"/api/v1/public/reply/{token}", json={"reply": "checked"}).status_code == 204
    again = env.client.post(f"/api/v1/public/reply/{token}", json={"reply": "again"})
    assert again.status_code == 404
    assert env.client.get(f"/api/v1/public/reports/{code}").json()["stage"] == "replied"
    assert env.client.get("/api/v1/public/reports/RNOSUCH").status_code == 404


def test_two_concurrent_accepts_give_one_success_and_one_conflict(env: Env) -> None:
    env.app.state.ctx.clock = FixedClock(T0 + dt.timedelta(hours=1))
    a, b = env.user(Role.SHIFT_LEADER), env.user(Role.SUPERVISOR)
    rid = _post(env, "/api/v1/incidents/reports", a, REPORT).json()["id"]
    with ThreadPoolExecutor(2) as pool:
        results = list(
            pool.map(lambda u: _post(env, f"/api/v1/incidents/{rid}/accept", u, {"decision": "ok"}), (a, b))
        )
    assert sorted(r.status_code for r in results) == [200, 409]
    loser = next(r for r in results if r.status_code == 409)
    assert "accepted" in loser.json()["detail"]

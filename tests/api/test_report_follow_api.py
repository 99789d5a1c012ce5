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


def test_a_matter_owned_by_a_named_leader_is_checked_investigated_and_closed_and_a_refusal_is_final(
    env: Env,
) -> None:
    env.app.state.ctx.clock = FixedClock(T0)
    op, lead = env.user(Role.OPERATOR), env.user(Role.SHIFT_LEADER, username="lena")
    h_op, h_lead = env.token(op), env.token(lead)
    rid = _post(env, "/api/v1/incidents/reports", op, REPORT).json()["id"]
    _post(env, f"/api/v1/incidents/{rid}/accept", lead, {"decision": "accepted"})
    for owner in (op.id, 999_999):  # an operator, or nobody, cannot own a matter
        refused = _post(env, f"/api/v1/incidents/{rid}/check", op, {"note": "first look", "owner_id": owner})
        assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "owner_id", refused.text
    page = env.client.get(f"/incidents/{rid}", headers=h_op).text
    assert f'<option value="{lead.id}">' in page.split('id="step-check"', 1)[1].split("</form>", 1)[0]
    assert f'<option value="{op.id}">' not in page

    def form(step: str, **data: str) -> None:
        response = env.client.post(f"/incidents/{rid}/steps/{step}", data=data, headers=h_op)
        assert response.status_code == 200, response.text[:300]

    form("check", note="important: the gate team", owner_id=str(lead.id))
    form("open_case", note="the check warrants a case")
    concluded = _post(
        env, f"/api/v1/incidents/{rid}/conclude", lead, {"finding": "substantiated", "summary": "it happened"}
    )
    assert concluded.status_code == 200 and concluded.json()["owner_id"] == lead.id
    form("answer", via="letter")
    form("visit", satisfied="yes", note="content")
    page = env.client.get(f"/incidents/{rid}", headers=h_op).text
    assert "lena" in page.split('id="owner"', 1)[1].split("</dd>", 1)[0] and 'id="steps"' not in page
    steps = env.client.get(f"/api/v1/incidents/{rid}/steps", headers=h_op).json()
    assert [s["to_stage"] for s in steps] == [
        "received", "accepted", "checking", "investigating", "concluded", "answered", "closed",
    ]  # fmt: skip

    other = _post(env, "/api/v1/incidents/reports", op, REPORT).json()
    assert (
        _post(env, f"/api/v1/incidents/{other['id']}/refuse", lead, {"decision": "not ours"}).status_code
        == 200
    )
    assert _post(env, f"/api/v1/incidents/{other['id']}/accept", lead, {"decision": "x"}).status_code == 409
    assert 'id="steps"' not in env.client.get(f"/incidents/{other['id']}", headers=h_lead).text
    assert env.client.get(f"/api/v1/public/reports/{other['ref_code']}").json()["stage"] == "refused"

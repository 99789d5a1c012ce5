"""The duty-rules API: rules in force, changes only by admin with a reason (new audited version),
contradictory edits refused with 422 naming the field, confirmations, the compliance record."""

from __future__ import annotations

from access.roles import Role
from shift_logs.rules.model import default_rules
from tests.conftest import Env


def _rules(**params: dict[str, object]) -> dict[str, object]:
    data = default_rules().model_dump(mode="json")["rules"]
    for rule_id, values in params.items():
        data[rule_id]["params"].update(values)
    return data


def test_admin_changes_a_rule_into_a_new_version_and_others_may_not(env: Env) -> None:
    admin, op = env.user(Role.ADMIN), env.user(Role.OPERATOR)
    body = {"rules": _rules(inactivity={"minutes": 10}), "reason": "night shifts"}
    assert env.client.put("/api/v1/duty-rules", json=body, headers=env.token(op)).status_code == 403
    made = env.client.put("/api/v1/duty-rules", json=body, headers=env.token(admin))
    assert made.status_code == 200, made.text
    assert made.json()["diff"] == [{"path": "rules.inactivity.params.minutes", "old": 20, "new": 10}]
    now = env.client.get("/api/v1/duty-rules", headers=env.token(op)).json()
    assert (
        now["rules"]["inactivity"]["params"]["minutes"] == 10
        and now["version"]["changed_by"] == admin.username
    )
    confirm = env.client.post(
        "/api/v1/duty-rules/confirm", json={"version": now["version"]["version"]}, headers=env.token(op)
    )
    assert confirm.status_code == 204


def test_a_contradictory_edit_is_422_naming_the_field(env: Env) -> None:
    admin = env.user(Role.ADMIN)
    body = {"rules": _rules(screen_break={"after_minutes": 900}), "reason": "longer"}
    refused = env.client.put("/api/v1/duty-rules", json=body, headers=env.token(admin))
    assert refused.status_code == 422
    assert "rules.screen_break.params.after_minutes" in refused.text
    unknown = {"rules": {**_rules(), "nap_time": {"clause": "D2"}}, "reason": "x"}
    assert (
        "unknown rule id" in env.client.put("/api/v1/duty-rules", json=unknown, headers=env.token(admin)).text
    )


def test_the_compliance_record_lists_for_leaders(env: Env) -> None:
    lead = env.user(Role.SHIFT_LEADER)
    listed = env.client.get("/api/v1/duty-rules/violations?state=open", headers=env.token(lead))
    assert listed.status_code == 200 and listed.json()["total"] == 0

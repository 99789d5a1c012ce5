"""The duty-rules API: rules in force, changes only by admin with a reason (new audited version),
contradictory edits refused with 422 naming the field, confirmations, the compliance record."""

from __future__ import annotations

import datetime as dt

from access.roles import Role
from core.clock import FixedClock
from shift_logs.rules.model import default_rules
from tests.conftest import Env
from tests.factories.shift_logs import T0, make_crew


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
        and now["changed_by"] == admin.username
        and now["version"] == made.json()["version"]
    )
    confirm = env.client.post(
        "/api/v1/duty-rules/confirm", json={"version": now["version"]}, headers=env.token(op)
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


def test_version_is_one_integer_in_every_route_and_check_in_takes_it(env: Env) -> None:
    admin = env.user(Role.ADMIN)
    env.app.state.ctx.clock = FixedClock(T0 + dt.timedelta(minutes=5))
    with env.session() as s:
        crew = make_crew(s)
    body = {"rules": _rules(inactivity={"minutes": 10}), "reason": "night shifts"}
    made = env.client.put("/api/v1/duty-rules", json=body, headers=env.token(admin)).json()
    got = env.client.get("/api/v1/duty-rules", headers=env.token(crew.outgoing)).json()
    listed = env.client.get("/api/v1/duty-rules/versions", headers=env.token(admin)).json()["items"]
    assert type(got["version"]) is int and got["version"] == made["version"] == listed[0]["version"]
    check_in = "/api/v1/presence/check-in"
    unconfirmed = env.client.post(check_in, json={"post_id": crew.post.id}, headers=env.token(crew.outgoing))
    assert unconfirmed.status_code == 422 and unconfirmed.json()["errors"][0]["field"] == "rules_version"
    confirmed = env.client.post(
        check_in,
        json={"post_id": crew.post.id, "rules_version": got["version"]},
        headers=env.token(crew.outgoing),
    )
    assert confirmed.status_code == 201, confirmed.text

"""The shift-log API: bad input is a clear 409/422 that changes nothing; confidential reporters; the duty log."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select

from access.audit.models import AuditEntry
from access.roles import Role
from access.signin.models import LoginFailure
from core.clock import FixedClock
from shift_logs.duty_log.models import DutyEntry
from shift_logs.handover.models import Handover
from shift_logs.incident.models import Incident
from shift_logs.roster import presence
from shift_logs.roster.models import Presence, RosterEntry
from tests.factories.access import DEFAULT_PASSWORD
from tests.factories.alerts import make_alert, make_camera
from tests.factories.shift_logs import T0, Crew, check_in, make_crew
from tests.support.app_env import Env

PW = DEFAULT_PASSWORD


def _crew(env: Env, at: dt.datetime) -> tuple[Crew, FixedClock]:
    clock = FixedClock(at)
    env.app.state.ctx.clock = clock
    with env.session() as s:
        crew = make_crew(s)
    return crew, clock


def _counts(env: Env) -> tuple[int, ...]:
    with env.session() as s:
        return tuple(
            s.scalar(select(func.count()).select_from(model)) or 0
            for model in (DutyEntry, Handover, RosterEntry, Presence)
        )


def _states(env: Env) -> list[tuple[str, str | None]]:
    with env.session() as s:
        return [(str(h.state), h.content_hash) for h in s.scalars(select(Handover).order_by(Handover.id))]


def _post(env: Env, path: str, user: Any, body: dict[str, Any] | None = None) -> Any:
    return env.client.post(path, json=body or {}, headers=env.token(user))


def _refused(
    env: Env, response: Any, status: int, code: str, before: tuple[int, ...], states: list[Any]
) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == code
    assert _counts(env) == before and _states(env) == states


def test_bad_signatures_and_edits_are_clear_409s_and_change_nothing(env: Env) -> None:
    crew, _ = _crew(env, T0 + dt.timedelta(hours=11, minutes=50))
    body = {"post_id": crew.post.id, "checklist": {"keys": {"ok": True}, "radios": {"ok": True}}}
    h = _post(env, "/api/v1/handovers", crew.outgoing, body).json()
    url = f"/api/v1/handovers/{h['id']}"
    before, states = _counts(env), _states(env)
    accept = {"password": PW, "verdict": "accept"}
    _refused(
        env, _post(env, f"{url}/sign", crew.incoming, {"password": PW}), 409, "wrong_signer", before, states
    )
    _refused(env, _post(env, f"{url}/accept", crew.incoming, accept), 409, "handover_state", before, states)
    _refused(
        env,
        _post(env, f"{url}/sign", crew.outgoing, {"password": "nope"}),
        422,
        "bad_signature",
        before,
        states,
    )
    with env.session() as s:  # the wrong signature password counts toward the sign-in throttle
        failures = s.scalars(select(LoginFailure.username)).all()
        assert failures == [crew.outgoing.username.lower()]
    assert _post(env, f"{url}/sign", crew.outgoing, {"password": PW}).status_code == 200
    before, states = _counts(env), _states(env)
    _refused(
        env,
        _post(env, f"{url}/sign", crew.outgoing, {"password": PW}),
        409,
        "handover_signed",
        before,
        states,
    )
    patch = env.client.patch(url, json={"remarks": "rewritten"}, headers=env.token(crew.outgoing))
    _refused(env, patch, 409, "handover_signed", before, states)
    countersign = _post(env, f"{url}/countersign", crew.leader, {"password": PW})
    _refused(env, countersign, 409, "handover_state", before, states)
    _refused(env, _post(env, f"{url}/accept", crew.leader, accept), 409, "wrong_signer", before, states)
    countersign = _post(env, f"{url}/countersign", crew.outgoing, {"password": PW})
    _refused(env, countersign, 403, "forbidden", before, states)
    refused = [e.outcome for e in _audit(env, "handover.sign")]
    assert refused.count("refused") == 3 and refused.count("ok") == 1


def _audit(env: Env, action: str) -> list[AuditEntry]:
    with env.session() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)))


def test_check_in_off_roster_and_overlapping_roster_are_409_and_change_nothing(env: Env) -> None:
    crew, _ = _crew(env, T0 + dt.timedelta(minutes=5))
    before, states = _counts(env), _states(env)
    response = _post(env, "/api/v1/presence/check-in", crew.incoming, {"post_id": crew.post.id})
    _refused(env, response, 409, "not_rostered", before, states)
    clash = {"shift_id": crew.first.id, "post_id": crew.post.id, "user_id": crew.incoming.id}
    _refused(env, _post(env, "/api/v1/roster", crew.leader, clash), 409, "roster_overlap", before, states)
    response = _post(env, "/api/v1/roster", crew.leader, {**clash, "post_id": 999})
    _refused(env, response, 404, "post_not_found", before, states)


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/duty-log", {"post_id": 1, "kind": "handover", "text": "x"}, "body.kind"),
        ("/api/v1/duty-log", {"post_id": 1, "kind": "call", "text": ""}, "body.text"),
        (
            "/api/v1/incidents/reports",
            {"channel": "pigeon", "reporter_name": "a", "category": "c", "content": "c"},
            "body.channel",
        ),
        ("/api/v1/roster", {"shift_id": 1, "post_id": 1, "user_id": 1, "extra": 1}, "body.extra"),
        ("/api/v1/tasks", {"title": "t", "assignee_id": 0}, "body.assignee_id"),
    ],
)
def test_malformed_bodies_are_422_naming_the_field(
    env: Env, path: str, body: dict[str, Any], field: str
) -> None:
    leader = env.user(Role.SHIFT_LEADER)
    response = _post(env, path, leader, body)
    assert response.status_code == 422, response.text
    assert field in [e["field"] for e in response.json()["errors"]]


def test_reporter_is_withheld_from_operators_and_shown_to_leaders_with_an_audit_row(env: Env) -> None:
    crew, _ = _crew(env, T0 + dt.timedelta(minutes=5))
    report = {
        "channel": "phone",
        "reporter_name": "Wang Fang",
        "reporter_contact": "138 0000 0000",
        "category": "theft",
        "content": "bicycle taken",
        "place": "north gate",
        "post_id": crew.post.id,
    }
    created = _post(env, "/api/v1/incidents/reports", crew.outgoing, report)
    assert created.status_code == 201 and created.json()["reporter_withheld"] is True
    url = f"/api/v1/incidents/{created.json()['id']}"
    as_operator = env.client.get(url, headers=env.token(crew.outgoing)).json()
    assert as_operator["reporter_name"] is None and as_operator["reporter_withheld"] is True
    assert "Wang Fang" not in env.client.get("/api/v1/incidents", headers=env.token(crew.leader)).text
    assert _audit(env, "incident.reporter.view") == []
    as_leader = env.client.get(url, headers=env.token(crew.leader)).json()
    assert as_leader["reporter_name"] == "Wang Fang" and as_leader["reporter_contact"] == "138 0000 0000"
    views = _audit(env, "incident.reporter.view")
    assert [(v.actor, v.target) for v in views] == [(crew.leader.username, f"incident:{as_leader['id']}")]
    log = env.client.get(f"/api/v1/duty-log?post_id={crew.post.id}", headers=env.token(crew.leader)).text
    assert "Wang Fang" not in log and "theft" in log
    close = _post(env, f"{url}/close", crew.outgoing, {"outcome": ""})
    assert close.status_code == 422


def test_duty_log_append_correct_and_verify(env: Env) -> None:
    crew, _ = _crew(env, T0 + dt.timedelta(minutes=5))
    entry = _post(
        env,
        "/api/v1/duty-log",
        crew.outgoing,
        {"post_id": crew.post.id, "kind": "call", "text": "patrol called"},
    )
    assert entry.status_code == 201 and entry.json()["seq"] == 1
    fix = _post(
        env, f"/api/v1/duty-log/{entry.json()['id']}/corrections", crew.outgoing, {"text": "patrol 2 called"}
    )
    assert fix.status_code == 201 and fix.json()["corrects_id"] == entry.json()["id"]
    listed = env.client.get(
        f"/api/v1/duty-log?post_id={crew.post.id}&kind=correction", headers=env.token(crew.outgoing)
    )
    assert listed.json()["total"] == 1
    assert env.client.get("/api/v1/duty-log/verify", headers=env.token(crew.outgoing)).status_code == 403
    verify = env.client.get("/api/v1/duty-log/verify", headers=env.token(crew.leader)).json()
    assert verify["ok"] is True and verify["logs"][0]["checked"] == 2
    missing = _post(env, "/api/v1/duty-log", crew.outgoing, {"post_id": 999, "kind": "call", "text": "x"})
    assert missing.status_code == 404


def test_an_incident_for_an_unknown_alert_is_422_naming_the_field_and_writes_nothing(env: Env) -> None:
    op = env.user(Role.OPERATOR)
    body = {"alert_id": 424242, "category": "x", "content": "y", "place": "z"}
    response = env.client.post("/api/v1/incidents/alerts", json=body, headers=env.token(op))
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "alert_id"
    with env.session() as s:
        assert s.scalar(select(func.count()).select_from(Incident)) == 0


def test_the_queue_marks_alerts_routed_to_the_viewer(env: Env) -> None:
    with env.session() as s:
        crew = make_crew(s)
        check_in(s, crew.outgoing, crew.post, T0)
        alert = make_alert(s, make_camera(s, name="yard"))
        presence.route_alert(s, alert=alert, now=T0)
    mine = env.client.get("/alerts?lang=en", headers=env.token(crew.outgoing))
    assert mine.status_code == 200
    assert f"for {crew.outgoing.username}" in mine.text and "state-new mine" in mine.text
    theirs = env.client.get("/alerts?lang=zh", headers=env.token(crew.leader))
    assert f"由 {crew.outgoing.username} 处理" in theirs.text and "state-new mine" not in theirs.text
    read = env.client.get(f"/api/v1/alerts/{alert.id}", headers=env.token(crew.leader)).json()
    assert read["routed_to"] == crew.outgoing.username


def test_a_post_naming_an_unknown_camera_is_422_naming_the_item(env: Env) -> None:
    with env.session() as s:
        make_camera(s, name="gate")
    admin = env.token(env.user(Role.ADMIN))
    body = {"name": "desk-9", "cameras": ["gate", "nowhere"]}
    response = env.client.post("/api/v1/posts", json=body, headers=admin)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "cameras[1]"
    made = env.client.post("/api/v1/posts", json={"name": "desk-9", "cameras": ["gate"]}, headers=admin)
    assert made.status_code == 201 and made.json()["cameras"] == ["gate"]

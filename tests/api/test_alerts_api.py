"""The alert queue over HTTP, and the SSE stream that consoles resume with Last-Event-ID."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select

from access.audit.models import AuditEntry
from access.roles import Role
from tests.factories.access import DEFAULT_PASSWORD
from tests.factories.alerts import make_alert, make_camera
from tests.support.app_env import Env
from tests.support.live_server import LiveServer


def _alert(env: Env, **kw: object) -> int:
    with env.session() as s:
        return make_alert(s, make_camera(s), **kw).id  # type: ignore[arg-type]


def test_operator_acknowledges_and_a_second_operator_gets_409_with_who(env: Env) -> None:
    alert_id = _alert(env)
    olga, wang = env.user(Role.OPERATOR, username="olga"), env.user(Role.OPERATOR, username="wang")
    ok = env.client.post(f"/api/v1/alerts/{alert_id}/acknowledge", headers=env.token(olga))
    assert ok.status_code == 200 and ok.json()["acknowledged_by"] == "olga"
    again = env.client.post(f"/api/v1/alerts/{alert_id}/acknowledge", headers=env.token(wang))
    assert again.status_code == 409
    assert again.json()["info"]["by"] == "olga" and "olga" in again.json()["detail"]
    with env.session() as s:
        actions = s.scalars(select(AuditEntry.outcome).where(AuditEntry.action == "alert.acknowledge")).all()
    assert sorted(actions) == ["ok", "refused"]


def test_unknown_alert_is_404_and_maintenance_cannot_acknowledge(env: Env) -> None:
    op = env.user(Role.OPERATOR)
    assert env.client.post("/api/v1/alerts/999/acknowledge", headers=env.token(op)).status_code == 404
    alert_id = _alert(env)
    fixer = env.user(Role.MAINTENANCE)
    assert (
        env.client.post(f"/api/v1/alerts/{alert_id}/acknowledge", headers=env.token(fixer)).status_code == 403
    )


def test_dispatch_validates_responders(env: Env) -> None:
    alert_id = _alert(env)
    op = env.token(env.user(Role.OPERATOR))
    bad = env.client.post(f"/api/v1/alerts/{alert_id}/dispatch", json={"responders": ["army"]}, headers=op)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "body.responders[0]"
    empty = env.client.post(f"/api/v1/alerts/{alert_id}/dispatch", json={"responders": []}, headers=op)
    assert empty.status_code == 422
    ok = env.client.post(f"/api/v1/alerts/{alert_id}/dispatch", json={"responders": ["patrol"]}, headers=op)
    assert ok.status_code == 200 and ok.json()["dispatched_to"] == ["patrol"]


def test_list_is_paged_and_filtered(env: Env) -> None:
    for _ in range(3):
        _alert(env)
    op = env.token(env.user(Role.OPERATOR))
    page = env.client.get("/api/v1/alerts?limit=2", headers=op).json()
    assert page["total"] == 3 and len(page["items"]) == 2
    assert env.client.get("/api/v1/alerts?state=bogus", headers=op).status_code == 422


def _events(response: httpx.Response, count: int) -> Iterator[tuple[int, dict]]:
    seen = 0
    event_id = None
    for line in response.iter_lines():
        if line.startswith("id: "):
            event_id = int(line[4:])
        elif line.startswith("data: ") and event_id is not None:
            yield event_id, json.loads(line[6:])
            seen += 1
            if seen == count:
                return


@pytest.mark.slow
def test_sse_streams_changes_and_resumes_after_reconnect(env: Env) -> None:
    op = env.user(Role.OPERATOR)
    headers = env.token(op)
    first = _alert(env)
    with (
        LiveServer(env.app) as server,
        httpx.Client(base_url=server.url, headers=headers, timeout=10) as http,
    ):
        with http.stream("GET", "/api/v1/alerts/stream") as stream:
            [(last_id, event)] = list(_events(stream, 1))
        assert event["action"] == "created" and event["alert"]["id"] == first
        # while the console is away: an acknowledgement and a new alert
        assert http.post(f"/api/v1/alerts/{first}/acknowledge").status_code == 200
        second = _alert(env)
        with http.stream("GET", "/api/v1/alerts/stream", headers={"Last-Event-ID": str(last_id)}) as stream:
            missed = [e for _, e in _events(stream, 2)]
    assert [(e["action"], e["alert"]["id"]) for e in missed] == [("acknowledged", first), ("created", second)]


@pytest.mark.slow
def test_an_open_sse_stream_ends_when_its_session_logs_out(env: Env) -> None:
    env.user(Role.OPERATOR, username="olga")
    with LiveServer(env.app) as server, httpx.Client(base_url=server.url, timeout=10) as http:
        login = http.post("/api/v1/auth/login", json={"username": "olga", "password": DEFAULT_PASSWORD})
        csrf = {"X-CSRF-Token": login.json()["csrf_token"]}
        with http.stream("GET", "/api/v1/alerts/stream") as stream:
            lines = stream.iter_lines()
            assert next(lines).startswith("retry:")
            started = time.monotonic()
            with httpx.Client(base_url=server.url, cookies=http.cookies, timeout=10) as other:
                assert other.post("/api/v1/auth/logout", headers=csrf).status_code == 204
            rest = list(lines)  # the server ends the stream by itself
        assert "event: ended" in rest and time.monotonic() - started < 8
        assert http.get("/api/v1/alerts/stream").status_code == 401

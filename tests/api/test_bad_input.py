"""Bad requests get a 4xx problem body naming the field; nothing is written."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from access.roles import Role
from access.users.models import User
from tests.support.app_env import Env
from tests.support.own_pg import own_pg_url

__all__ = ["own_pg_url"]  # the fixture, imported for pytest


def _user_count(env: Env) -> int:
    with env.session() as s:
        return s.scalar(select(func.count()).select_from(User)) or 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": 5, "password": "long enough pw", "roles": ["operator"]}, "body.username"),
        ({"password": "long enough pw", "roles": ["operator"]}, "body.username"),
        ({"username": "bob", "password": "long enough pw", "roles": ["janitor"]}, "body.roles[0]"),
        ({"username": "b" * 65, "password": "long enough pw", "roles": ["operator"]}, "body.username"),
        ({"username": "bob", "password": "long enough pw", "roles": []}, "body.roles"),
        (
            {"username": "bob", "password": "long enough pw", "roles": ["operator"], "admin": True},
            "body.admin",
        ),
        ({"username": "bob", "password": "short", "roles": ["operator"]}, "password"),
        ({"username": "bad name!", "password": "long enough pw", "roles": ["operator"]}, "body.username"),
    ],
)
def test_invalid_user_is_422_naming_the_field_and_nothing_is_written(
    env: Env, body: dict, field: str
) -> None:
    admin = env.user(Role.ADMIN)
    before = _user_count(env)
    response = env.client.post("/api/v1/users", json=body, headers=env.token(admin))
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["status"] == 422 and problem["type"].startswith("/problems/")
    assert field in [e["field"] for e in problem["errors"]]
    assert _user_count(env) == before


def test_malformed_json_is_422(env: Env) -> None:
    admin = env.user(Role.ADMIN)
    headers = {**env.token(admin), "content-type": "application/json"}
    response = env.client.post("/api/v1/users", content=b"{not json", headers=headers)
    assert response.status_code == 422


@pytest.mark.parametrize(
    "query",
    ["since=not-a-date", "since=99999-01-01T00:00:00Z", "limit=0", "limit=100000", "offset=-1", "limit=abc"],
)
def test_bad_query_parameters_are_422(env: Env, query: str) -> None:
    admin = env.user(Role.ADMIN)
    response = env.client.get(f"/api/v1/audit?{query}", headers=env.token(admin))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"].startswith("query.")


def test_duplicate_username_is_409(env: Env) -> None:
    admin = env.user(Role.ADMIN)
    body = {"username": "dup", "password": "long enough pw", "roles": ["operator"]}
    assert env.client.post("/api/v1/users", json=body, headers=env.token(admin)).status_code == 201
    again = env.client.post("/api/v1/users", json=body, headers=env.token(admin))
    assert again.status_code == 409 and again.json()["code"] == "username_taken"


def test_unknown_user_is_404_problem(env: Env) -> None:
    admin = env.user(Role.ADMIN)
    response = env.client.get("/api/v1/users/999999", headers=env.token(admin))
    assert response.status_code == 404 and response.json()["code"] == "user_not_found"


def test_refused_change_is_audited_separately(env: Env) -> None:
    operator = env.user(Role.OPERATOR)
    body = {"username": "x1", "password": "long enough pw", "roles": ["operator"]}
    assert env.client.post("/api/v1/users", json=body, headers=env.token(operator)).status_code == 403
    admin = env.user(Role.ADMIN)
    page = env.client.get("/api/v1/audit?action=create_user", headers=env.token(admin)).json()
    assert page["items"][0]["outcome"] == "refused"
    assert page["items"][0]["actor"] == operator.username
    assert page["items"][0]["detail"]["status"] == 403


# --- issue 16: no input gives a 500 -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/alerts?since=2026-12-03T00:00:00", "query.since"),
        ("/api/v1/audit?until=2026-12-03T00:00:00", "query.until"),
        ("/api/v1/duty-log?since=2026-12-03T00:00:00", "query.since"),
        ("/api/v1/shifts?since=2026-12-03T00:00:00", "query.since"),
        ("/api/v1/presence/flags?since=2026-12-03T00:00:00", "query.since"),
        ("/api/v1/duty-rules?at=2026-12-03T00:00:00", "query.at"),
        ("/api/v1/duty-rules/violations?since=2026-12-03T00:00:00", "query.since"),
        ("/api/v1/alerts?since=0001-01-01T00:00:00%2B14:00", "query.since"),
        ("/api/v1/alerts?until=9999-12-31T23:59:59-12:00", "query.until"),
    ],
)
def test_times_without_a_zone_or_off_the_calendar_are_422_naming_the_field(
    env: Env, path: str, field: str
) -> None:
    supervisor = env.user(Role.SUPERVISOR, Role.ADMIN)
    response = env.client.get(path, headers=env.token(supervisor))
    assert response.status_code == 422, response.text
    assert field in [e["field"] for e in response.json()["errors"]]


def test_a_due_time_without_a_zone_in_a_body_is_422(env: Env) -> None:
    leader = env.user(Role.SHIFT_LEADER)
    body = {"title": "check the gate", "due_at": "2026-12-03T10:00:00"}
    response = env.client.post("/api/v1/tasks", json=body, headers=env.token(leader))
    assert response.status_code == 422, response.text
    assert "body.due_at" in [e["field"] for e in response.json()["errors"]]


@pytest.mark.parametrize("alert_id", ["2147483648", "99999999999999999999", "0", "-1"])
def test_ids_out_of_range_are_422_on_sqlite(env: Env, alert_id: str) -> None:
    operator = env.user(Role.OPERATOR)
    response = env.client.get(f"/api/v1/alerts/{alert_id}", headers=env.token(operator))
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "path.alert_id"


@pytest.mark.postgres
def test_ids_out_of_range_are_422_on_postgresql_never_503(make_env, own_pg_url: str) -> None:
    env = make_env(own_pg_url)
    operator = env.user(Role.OPERATOR)
    for alert_id in ("2147483648", "99999999999999999999"):
        response = env.client.get(f"/api/v1/alerts/{alert_id}", headers=env.token(operator))
        assert response.status_code == 422, response.text
    leader = env.user(Role.SHIFT_LEADER)
    body = {"title": "x", "post_id": 2147483647}
    assert env.client.post("/api/v1/tasks", json=body, headers=env.token(leader)).status_code in (404, 409)
    body["post_id"] = 2147483648
    assert env.client.post("/api/v1/tasks", json=body, headers=env.token(leader)).status_code == 422


def test_null_where_an_object_is_required_is_422(env: Env) -> None:
    admin = env.user(Role.ADMIN)
    body = {"name": "gate", "url": "rtsp://10.0.0.5/s", "reason": "new gate camera"}
    camera = env.client.post("/api/v1/cameras", json=body, headers=env.token(admin)).json()
    for field in ("detect", "recording", "enabled"):
        response = env.client.patch(
            f"/api/v1/cameras/{camera['id']}",
            json={field: None, "reason": "try a null"},
            headers=env.token(admin),
        )
        assert response.status_code == 422, response.text
        assert f"body.{field}" in [e["field"] for e in response.json()["errors"]]


def _boom() -> None:
    raise RuntimeError("a bug, not an input")


def test_a_500_carries_the_request_id_and_the_problem_body_and_the_connection_stays(env: Env) -> None:
    env.app.add_api_route("/api/v1/test-boom", _boom)
    response = env.client.get("/api/v1/test-boom", headers={"X-Request-ID": "req-500-test"})
    assert response.status_code == 500
    assert response.headers["X-Request-ID"] == "req-500-test"
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "internal_error" and problem["request_id"] == "req-500-test"
    assert "req-500-test" in problem["detail"]
    assert env.client.get("/healthz").status_code == 200


# --- issue 16: bounded requests -----------------------------------------------------------------------------


def test_a_body_over_the_limit_is_413_before_it_is_read(make_env) -> None:
    env = make_env(limits={"max_body_bytes": 10_000})
    huge = b'{"username": "' + b"a" * 20_000 + b'", "password": "x"}'
    response = env.client.post(
        "/api/v1/auth/login", content=huge, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413, response.text
    assert response.json()["code"] == "payload_too_large" and "X-Request-ID" in response.headers

    def chunks():  # no Content-Length: the bytes are counted as they arrive
        for _ in range(20):
            yield b"a" * 1_000

    streamed = env.client.post(
        "/api/v1/auth/login", content=chunks(), headers={"content-type": "application/json"}
    )
    assert streamed.status_code == 413, streamed.text
    small = env.client.post("/api/v1/auth/login", json={"username": "nobody", "password": "wrong password"})
    assert small.status_code == 401


def test_a_token_cannot_mint_tokens_and_lives_at_most_the_configured_days(env: Env) -> None:
    user = env.user(Role.OPERATOR)
    minted = env.client.post("/api/v1/auth/tokens", json={"name": "x", "days": 30}, headers=env.token(user))
    assert minted.status_code == 403, minted.text
    csrf = env.login(user.username)
    headers = {"X-CSRF-Token": csrf}
    too_long = env.client.post("/api/v1/auth/tokens", json={"name": "x", "days": 3650}, headers=headers)
    assert too_long.status_code == 422, too_long.text
    assert too_long.json()["errors"][0]["field"] == "body.days"
    ok = env.client.post("/api/v1/auth/tokens", json={"name": "x", "days": 90}, headers=headers)
    assert ok.status_code == 201, ok.text


def test_an_evidence_hold_is_bounded_unless_a_supervisor_gives_a_reason(env: Env) -> None:
    admin = env.user(Role.ADMIN)
    body = {"name": "gate", "url": "rtsp://10.0.0.5/s", "reason": "new gate camera"}
    assert env.client.post("/api/v1/cameras", json=body, headers=env.token(admin)).status_code == 201
    hold = {
        "camera": "gate",
        "start": "0001-01-02T00:00:00Z",
        "end": "2026-12-01T00:00:00Z",
        "incident_ref": "INC-9",
        "category": "theft",
    }
    operator, supervisor = env.user(Role.OPERATOR), env.user(Role.SUPERVISOR)
    ancient = env.client.post("/api/v1/footage/holds", json=hold, headers=env.token(operator))
    assert ancient.status_code == 422 and ancient.json()["errors"][0]["field"] == "body.start"
    hold["start"] = "2026-01-01T00:00:00Z"
    refused = env.client.post("/api/v1/footage/holds", json=hold, headers=env.token(operator))
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "body.end"
    no_reason = env.client.post("/api/v1/footage/holds", json=hold, headers=env.token(supervisor))
    assert no_reason.status_code == 422
    hold["long_hold_reason"] = "court case needs the whole year"
    kept = env.client.post("/api/v1/footage/holds", json=hold, headers=env.token(supervisor))
    assert kept.status_code == 201, kept.text
    assert "court case" in kept.json()["note"]


def test_an_integer_beyond_64_bits_in_a_body_is_422_not_500(env: Env) -> None:
    """Found by the fuzzer: a body id no schema bounds (incident transfer's unit) overflowed SQLite's driver."""
    leader = env.user(Role.SHIFT_LEADER)
    body = {"link_days": None, "unit_id": 2101391176870518809643135795200, "note": ""}
    response = env.client.post("/api/v1/incidents/1/transfer", json=body, headers=env.token(leader))
    assert response.status_code in (404, 422), response.text

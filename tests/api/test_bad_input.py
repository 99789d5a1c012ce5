"""Bad requests get a 4xx problem body naming the field; nothing is written."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from access.roles import Role
from access.users.models import User
from tests.support.app_env import Env


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

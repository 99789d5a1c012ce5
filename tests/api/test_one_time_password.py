"""A password someone else set (an administrator's one-time password: created on /admin/users or through
the API, or reset) signs in, but the session may only change it or sign out: the API answers 403
password_change_required, console pages lead to /account/password. The user's change lifts the mark
(audited); their own change never sets it. On SQLite and on PostgreSQL (the run's shared database: names
are unique per test and the users removed after)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, text

from access.audit import service as audit
from access.roles import Role
from access.users.models import User
from db.session import make_engine
from runtime.migrate import upgrade
from tests.conftest import make_settings
from tests.factories.access import DEFAULT_PASSWORD
from tests.support.app_env import Env

WHY = {"reason": "new starter"}
NEW = "my very own password"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_env(request: pytest.FixtureRequest, make_env: Callable[..., Env]) -> Iterator[tuple[Env, str]]:
    """The app on SQLite or PostgreSQL, and a suffix that makes this test's user names unique."""
    suffix = uuid.uuid4().hex[:6]
    if request.param == "sqlite":
        yield make_env(), suffix
        return
    request.getfixturevalue("pg_engine")
    env = make_env(request.getfixturevalue("pg_url"))
    try:
        yield env, suffix
    finally:
        with env.session() as s:
            for user in s.scalars(select(User).where(User.username.like(f"%{suffix}"))):
                s.delete(user)


def _audit(env: Env, action: str, target: str) -> dict:
    with env.session() as s:
        rows, _ = audit.list_(s, limit=50, offset=0, action=action)
        return next({"target": r.target, **r.detail} for r in rows if r.target == target)


def _refused(response: object) -> bool:
    assert hasattr(response, "status_code") and hasattr(response, "json") and hasattr(response, "headers")
    return (
        response.status_code == 403
        and response.headers["content-type"].startswith("application/problem+json")
        and response.json()["code"] == "password_change_required"
    )


def test_a_one_time_password_allows_only_changing_it_until_changed(db_env: tuple[Env, str]) -> None:
    env, sfx = db_env
    admin = env.token(env.user(Role.ADMIN, username=f"root{sfx}"))
    body = {"username": f"mei{sfx}", "roles": ["operator"], "language": "zh", **WHY}
    created = env.client.post("/admin/users", json=body, headers=admin)
    assert created.status_code == 201, created.text
    one_time = created.json()["password"]
    assert _audit(env, "user.create", f"user:mei{sfx}")["after"]["must_change_password"] is True

    signed_in = env.client.post("/api/v1/auth/login", json={"username": f"mei{sfx}", "password": one_time})
    assert signed_in.status_code == 200 and signed_in.json()["user"]["must_change_password"] is True
    csrf = {"X-CSRF-Token": signed_in.json()["csrf_token"]}
    assert _refused(env.client.get("/api/v1/cameras"))
    assert _refused(env.client.get("/api/v1/alerts"))
    # no bearer token can be minted with it (one that existed would be refused the same way)
    assert _refused(env.client.post("/api/v1/auth/tokens", json={"name": "bot", "days": 1}, headers=csrf))
    assert env.client.get("/api/v1/auth/me").json()["must_change_password"] is True
    html = {"Accept": "text/html"}
    for page in ("/", "/alerts", "/wall"):
        moved = env.client.get(page, headers=html, follow_redirects=False)
        assert moved.status_code == 303 and moved.headers["location"] == "/account/password", page
    form = env.client.get("/account/password", headers=html)
    assert form.status_code == 200 and 'id="must-change"' in form.text
    assert "您的密码是管理员设置的" in form.text  # the reader's language (zh)
    assert 'href="/alerts"' not in form.text  # no menu that leads to refusals

    wrong = env.client.post(
        "/api/v1/auth/password", json={"current_password": "nope", "new_password": NEW}, headers=csrf
    )
    assert wrong.status_code == 401
    changed = env.client.post(
        "/api/v1/auth/password", json={"current_password": one_time, "new_password": NEW}, headers=csrf
    )
    assert changed.status_code == 204, changed.text
    assert env.client.get("/api/v1/cameras").status_code == 200
    assert env.client.get("/", headers=html, follow_redirects=False).status_code == 200
    entry = _audit(env, "user.password_change", f"user:mei{sfx}")
    assert entry["before"] == {"must_change_password": True} and entry["after"] == {
        "must_change_password": False
    }
    again = env.client.post("/api/v1/auth/login", json={"username": f"mei{sfx}", "password": one_time})
    assert again.status_code == 401
    mine = env.client.post("/api/v1/auth/login", json={"username": f"mei{sfx}", "password": NEW})
    assert mine.status_code == 200 and mine.json()["user"]["must_change_password"] is False


def test_a_reset_marks_the_password_and_the_users_own_change_never_does(db_env: tuple[Env, str]) -> None:
    env, sfx = db_env
    admin = env.token(env.user(Role.ADMIN, username=f"root{sfx}"))
    olga = env.user(Role.OPERATOR, username=f"olga{sfx}")  # an existing user: not marked
    olga_bearer = env.token(olga)
    csrf = {"X-CSRF-Token": env.login(f"olga{sfx}")}
    assert env.client.get("/api/v1/cameras").status_code == 200
    own = {"current_password": DEFAULT_PASSWORD, "new_password": NEW}
    assert env.client.post("/api/v1/auth/password", json=own, headers=csrf).status_code == 204
    assert env.client.get("/api/v1/auth/me").json()["must_change_password"] is False
    assert env.client.get("/api/v1/cameras").status_code == 200
    assert _audit(env, "user.password_change", f"user:olga{sfx}")["before"] == {"must_change_password": False}

    reset = env.client.post(f"/admin/users/{olga.id}/password", json=WHY, headers=admin)
    assert reset.status_code == 200
    entry = _audit(env, "user.password_reset", f"user:olga{sfx}")
    assert entry["before"]["must_change_password"] is False and entry["after"]["must_change_password"] is True
    assert env.client.get("/api/v1/cameras", headers=olga_bearer).status_code == 401  # tokens ended
    login = env.client.post(
        "/api/v1/auth/login", json={"username": f"olga{sfx}", "password": reset.json()["password"]}
    )
    assert login.status_code == 200
    csrf = {"X-CSRF-Token": login.json()["csrf_token"]}
    assert _refused(env.client.get("/api/v1/cameras"))
    assert env.client.post("/api/v1/auth/logout", headers=csrf).status_code == 204
    assert env.client.get("/api/v1/auth/me").status_code == 401


def test_a_user_created_through_the_api_changes_the_password_unless_told_otherwise(
    db_env: tuple[Env, str],
) -> None:
    env, sfx = db_env
    admin = env.token(env.user(Role.ADMIN, username=f"root{sfx}"))
    base = {"password": "chosen by the admin", "roles": ["operator"]}
    marked = env.client.post("/api/v1/users", json={"username": f"ann{sfx}", **base}, headers=admin)
    assert marked.status_code == 201 and marked.json()["must_change_password"] is True
    unmarked = env.client.post(
        "/api/v1/users",
        json={"username": f"bob{sfx}", **base, "must_change_password": False},
        headers=admin,
    )
    assert unmarked.status_code == 201 and unmarked.json()["must_change_password"] is False
    env.login(f"ann{sfx}", base["password"])
    assert _refused(env.client.get("/api/v1/cameras"))
    env.login(f"bob{sfx}", base["password"])
    assert env.client.get("/api/v1/cameras").status_code == 200


def test_the_migration_leaves_existing_users_unmarked(tmp_path: Path) -> None:
    engine = make_engine(make_settings(f"sqlite:///{tmp_path}/m.db").database)
    try:
        upgrade(engine, "0171")
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO users (id, username, display_name, password_hash, language, disabled, "
                    "failed_logins) VALUES (1, 'olga', 'Olga', 'x', 'en', 0, 0)"
                )
            )
        upgrade(engine)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT must_change_password FROM users")).scalar_one() in (0, False)
    finally:
        engine.dispose()

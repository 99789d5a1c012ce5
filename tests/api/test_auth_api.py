"""Logins, sessions, CSRF, lockout, password change and disabling, through the HTTP API."""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import select

from access.audit.models import AuditEntry
from access.roles import Role
from access.users.models import User
from tests.factories.access import DEFAULT_PASSWORD
from tests.support.app_env import Env


def _audit(env: Env, action: str) -> list[AuditEntry]:
    with env.session() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)))


def test_login_sets_http_only_strict_cookie_and_me_works(env: Env) -> None:
    env.user(Role.OPERATOR, username="olga")
    response = env.client.post("/api/v1/auth/login", json={"username": "olga", "password": DEFAULT_PASSWORD})
    assert response.status_code == 200
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    me = env.client.get("/api/v1/auth/me")
    assert me.status_code == 200 and me.json()["username"] == "olga"
    assert [e.outcome for e in _audit(env, "auth.login")] == ["ok"]


def test_wrong_password_is_401_and_audited_as_refused(env: Env) -> None:
    env.user(username="olga")
    response = env.client.post("/api/v1/auth/login", json={"username": "olga", "password": "nope"})
    assert response.status_code == 401
    assert response.json()["code"] == "login_refused"
    entries = _audit(env, "auth.login")
    assert [(e.outcome, e.detail["reason"]) for e in entries] == [("refused", "login_refused")]


def test_cookie_session_needs_csrf_header_for_changes(env: Env) -> None:
    env.user(username="olga")
    csrf = env.login("olga")
    body = {"name": "integration", "days": 1}
    refused = env.client.post("/api/v1/auth/tokens", json=body)
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    accepted = env.client.post("/api/v1/auth/tokens", json=body, headers={"X-CSRF-Token": csrf})
    assert accepted.status_code == 201
    token = accepted.json()["token"]
    assert env.client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_repeated_failures_back_off_instead_of_locking_the_account(make_env: Callable[..., Env]) -> None:
    env = make_env(auth={"lockout_attempts": 3, "lockout_minutes": 5})
    env.user(username="olga")
    for _ in range(3):
        bad = env.client.post("/api/v1/auth/login", json={"username": "olga", "password": "wrong"})
        assert bad.status_code == 401
    held = env.client.post("/api/v1/auth/login", json={"username": "olga", "password": DEFAULT_PASSWORD})
    assert held.status_code == 429 and held.json()["code"] == "login_throttled"
    assert 1 <= int(held.headers["retry-after"]) <= 2
    with env.session() as s:
        user = s.scalars(select(User).where(User.username == "olga")).one()
        assert user.locked_until is None  # the account itself is never locked
    time.sleep(int(held.headers["retry-after"]) + 0.2)
    assert env.login("olga")


def test_disabling_a_user_ends_their_sessions(env: Env) -> None:
    admin = env.user(Role.ADMIN, username="root")
    olga = env.user(username="olga")
    env.login("olga")
    assert env.client.get("/api/v1/auth/me").status_code == 200
    patch = env.client.patch(f"/api/v1/users/{olga.id}", json={"disabled": True}, headers=env.token(admin))
    assert patch.status_code == 200 and patch.json()["disabled"] is True
    assert env.client.get("/api/v1/auth/me").status_code == 401
    again = env.client.post("/api/v1/auth/login", json={"username": "olga", "password": DEFAULT_PASSWORD})
    assert again.status_code == 401


def test_password_change_checks_current_and_rules(env: Env) -> None:
    env.user(username="olga")
    csrf = {"X-CSRF-Token": env.login("olga")}
    wrong = env.client.post(
        "/api/v1/auth/password",
        json={"current_password": "x", "new_password": "another long one"},
        headers=csrf,
    )
    assert wrong.status_code == 401
    short = env.client.post(
        "/api/v1/auth/password",
        json={"current_password": DEFAULT_PASSWORD, "new_password": "short"},
        headers=csrf,
    )
    assert short.status_code == 422 and short.json()["errors"][0]["field"] == "password"
    ok = env.client.post(
        "/api/v1/auth/password",
        json={"current_password": DEFAULT_PASSWORD, "new_password": "another long one"},
        headers=csrf,
    )
    assert ok.status_code == 204
    assert env.client.get("/api/v1/auth/me").status_code == 200  # this session stays
    env.client.cookies.clear()
    assert env.login("olga", "another long one")


def test_logout_ends_the_session(env: Env) -> None:
    env.user(username="olga")
    csrf = env.login("olga")
    assert env.client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    assert env.client.get("/api/v1/auth/me").status_code == 401


def test_tokens_can_be_listed_and_revoked_by_their_owner_or_an_admin(env: Env) -> None:
    olga, bob = env.user(username="olga"), env.user(username="bob")
    admin = env.token(env.user(Role.ADMIN, username="ada"))
    mine = env.token(olga)
    minted = env.client.post("/api/v1/auth/tokens", json={"name": "nvr", "days": 5}, headers=mine).json()
    listed = env.client.get("/api/v1/auth/tokens", headers=mine)
    assert listed.status_code == 200
    assert {t["name"] for t in listed.json()} >= {"nvr"} and all(
        t["user_id"] == olga.id for t in listed.json()
    )
    assert "token" not in listed.json()[0] and "token_hash" not in listed.text
    bobs = env.token(bob)
    assert env.client.get(f"/api/v1/auth/tokens?user_id={olga.id}", headers=bobs).status_code == 403
    assert env.client.delete(f"/api/v1/auth/tokens/{minted['id']}", headers=bobs).status_code == 404
    nvr = {"Authorization": f"Bearer {minted['token']}"}
    assert env.client.get("/api/v1/auth/me", headers=nvr).status_code == 200
    assert env.client.delete(f"/api/v1/auth/tokens/{minted['id']}", headers=mine).status_code == 204
    assert env.client.get("/api/v1/auth/me", headers=nvr).status_code == 401
    others = env.client.get(f"/api/v1/auth/tokens?user_id={olga.id}", headers=admin).json()
    assert minted["id"] not in {t["id"] for t in others}
    [other] = others
    assert env.client.delete(f"/api/v1/auth/tokens/{other['id']}", headers=admin).status_code == 204
    assert env.client.get("/api/v1/auth/me", headers=mine).status_code == 401
    assert [e.action for e in _audit(env, "token.revoke")] == ["token.revoke", "token.revoke"]

"""The audit records substance, not noise: anonymous refusals and unknown paths stay out of the chain
(counted instead); creating users, changing roles, minting tokens and changing cameras store before/after;
the last enabled admin can be neither disabled nor demoted."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select

from access.audit.models import AuditEntry
from access.roles import Role
from tests.support.app_env import Env


def _count(env: Env) -> int:
    with env.session() as s:
        return int(s.scalar(select(func.count()).select_from(AuditEntry)) or 0)


def _last(env: Env, action: str) -> AuditEntry:
    with env.session() as s:
        entry = s.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq.desc())
        ).first()
        assert entry is not None, action
        return entry


def test_anonymous_refusals_and_unknown_paths_are_counted_not_chained(make_env: Callable[..., Env]) -> None:
    env = make_env(metrics={"token": "scrape-token-for-prometheus"})
    before = _count(env)
    for _ in range(40):
        assert env.client.post("/api/v1/duty-log", json={}).status_code == 401
    for i in range(10):
        assert env.client.post(f"/api/v1/no-such-thing/{i}", json={}).status_code in (404, 405)
    assert _count(env) == before
    metrics = env.client.get("/metrics", headers={"Authorization": "Bearer scrape-token-for-prometheus"}).text
    assert 'controlroom_http_refused_total{reason="anonymous"} 40.0' in metrics
    assert 'controlroom_http_refused_total{reason="unknown_path"} 10.0' in metrics
    # a signed-in caller's refusal is substance, and still chained
    operator = env.user(Role.OPERATOR, username="olga")
    body = {"username": "x1", "password": "long enough pw", "roles": ["operator"]}
    assert env.client.post("/api/v1/users", json=body, headers=env.token(operator)).status_code == 403
    assert _count(env) == before + 1


def test_user_changes_and_token_mints_store_what_changed(env: Env) -> None:
    admin = env.token(env.user(Role.ADMIN, username="ada"))
    body = {"username": "olga", "password": "long enough pw", "roles": ["operator"], "display_name": "Olga"}
    created = env.client.post("/api/v1/users", json=body, headers=admin)
    assert created.status_code == 201
    entry = _last(env, "user.create")
    assert entry.target == "user:olga" and entry.detail["after"]["roles"] == ["operator"]
    assert body["password"] not in str(entry.detail) and "hash" not in str(entry.detail)
    assert entry.detail["after"]["must_change_password"] is True  # the admin chose it: olga changes it
    patch = {"roles": ["operator", "shift_leader"]}
    assert (
        env.client.patch(f"/api/v1/users/{created.json()['id']}", json=patch, headers=admin).status_code
        == 200
    )
    entry = _last(env, "user.update")
    assert entry.detail == {
        "before": {"roles": ["operator"]},
        "after": {"roles": ["operator", "shift_leader"]},
    }
    csrf = {"X-CSRF-Token": env.login("ada")}  # tokens are minted from a console session, not with a token
    minted = env.client.post("/api/v1/auth/tokens", json={"name": "nvr", "days": 5}, headers=csrf)
    assert minted.status_code == 201
    entry = _last(env, "token.create")
    assert entry.detail["after"]["name"] == "nvr" and entry.detail["after"]["token_id"] == minted.json()["id"]
    assert minted.json()["token"] not in str(entry.detail)


def test_camera_changes_store_before_and_after_with_secrets_masked(env: Env) -> None:
    admin = env.token(env.user(Role.ADMIN, username="ada"))
    body = {"name": "gate", "url": "rtsp://u:Secret1@10.0.0.5/a", "reason": "new"}
    camera = env.client.post("/api/v1/cameras", json=body, headers=admin).json()
    change = {"url": "rtsp://u:Secret2@10.0.0.6/a", "title": "Gate", "reason": "moved"}
    assert env.client.patch(f"/api/v1/cameras/{camera['id']}", json=change, headers=admin).status_code == 200
    detail = _last(env, "camera.update").detail
    assert detail["before"] == {"url": "rtsp://u:***@10.0.0.5/a", "title": ""}
    assert detail["after"] == {"url": "rtsp://u:***@10.0.0.6/a", "title": "Gate"}
    assert "Secret" not in str(detail)


def test_the_last_enabled_admin_can_neither_disable_nor_demote_themself(env: Env) -> None:
    ada = env.user(Role.ADMIN, username="ada")
    headers = env.token(ada)
    for change in ({"disabled": True}, {"roles": ["operator"]}):
        refused = env.client.patch(f"/api/v1/users/{ada.id}", json=change, headers=headers)
        assert refused.status_code == 409, refused.text
        assert refused.json()["code"] == "last_admin" and "last_admin" in refused.json()["detail"]
    bob = env.user(Role.ADMIN, username="bob")
    assert (
        env.client.patch(f"/api/v1/users/{ada.id}", json={"roles": ["operator"]}, headers=headers).status_code
        == 200
    )
    bob_headers = env.token(bob)
    assert (
        env.client.patch(f"/api/v1/users/{bob.id}", json={"disabled": True}, headers=bob_headers).status_code
        == 409
    )

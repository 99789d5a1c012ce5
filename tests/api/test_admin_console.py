"""The administration pages' JSON actions: users (one-time passwords, the last admin, unlock, reset,
tokens), posts with allowed roles, the duty-rules draft check, camera stream test and zone preview."""

from __future__ import annotations

import datetime as dt

import pytest

from access.audit import service as audit
from access.roles import Role
from access.users import service as users
from config.cameras import CameraConfig
from core.clock import utcnow
from devices.camera import service as cameras
from devices.credentials import CredentialBox
from shift_logs.roster import service as roster
from shift_logs.roster.errors import WrongRoleForPost
from shift_logs.rules.model import default_rules
from tests.factories.shift_logs import make_post, make_shift
from tests.support.app_env import Env
from tests.support.peers import free_port

WHY = {"reason": "staff change"}


def _demo_camera(env: Env, url: str) -> int:
    """A built-in demo camera called gate (as the config file registers them; the API takes stream URLs)."""
    box = CredentialBox(env.settings.auth.secret_key.get_secret_value())
    with env.session() as s:
        cameras.import_config(s, cameras=[CameraConfig(name="gate", url=url)], box=box)  # type: ignore[arg-type]
        return cameras.require_by_name(s, "gate").id


def _last_audit(env: Env, action: str) -> dict:
    with env.session() as s:
        rows, _ = audit.list_(s, limit=1, offset=0, action=action)
        return {"target": rows[0].target, **rows[0].detail}


def test_a_new_user_gets_a_one_time_password_and_the_change_is_audited(env: Env) -> None:
    admin = env.token(env.user(Role.ADMIN, username="root"))
    body = {"username": "mei", "display_name": "Mei", "roles": ["operator"], "language": "zh", **WHY}
    created = env.client.post("/admin/users", json=body, headers=admin)
    assert created.status_code == 201, created.text
    password = created.json()["password"]
    assert len(password) >= 10
    signed_in = env.client.post("/api/v1/auth/login", json={"username": "mei", "password": password})
    assert signed_in.status_code == 200
    entry = _last_audit(env, "user.create")
    assert entry["target"] == "user:mei" and entry["reason"] == "staff change"
    assert entry["before"] is None and entry["after"]["roles"] == ["operator"]
    assert password not in str(entry)


def test_the_last_enabled_admin_can_be_neither_disabled_nor_demoted(env: Env) -> None:
    root = env.user(Role.ADMIN, username="root")
    admin = env.token(root)
    for change in ({"disabled": True}, {"roles": ["operator"]}):
        refused = env.client.patch(f"/admin/users/{root.id}", json={**change, **WHY}, headers=admin)
        assert refused.status_code == 409 and refused.json()["code"] == "last_admin", refused.text
    second = env.user(Role.ADMIN, username="deputy")
    demoted = env.client.patch(
        f"/admin/users/{second.id}", json={"roles": ["supervisor"], **WHY}, headers=admin
    )
    assert demoted.status_code == 200
    assert _last_audit(env, "user.update")["before"]["roles"] == ["admin"]
    assert _last_audit(env, "user.update")["after"]["roles"] == ["supervisor"]


def test_unlock_reset_and_revoke_tokens(env: Env) -> None:
    admin = env.token(env.user(Role.ADMIN, username="root"))
    olga = env.user(Role.OPERATOR, username="olga")
    olga_token = env.token(olga)
    with env.session() as s:
        user = users.require(s, olga.id)
        user.failed_logins, user.locked_until = 5, dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    listed = env.client.get("/admin/users?state=locked", headers=admin)
    assert "olga" in listed.text and "root" not in listed.text.split('id="users"')[1]
    assert env.client.post(f"/admin/users/{olga.id}/unlock", json=WHY, headers=admin).status_code == 200
    tokens = env.client.get(f"/admin/users/{olga.id}/tokens", headers=admin).json()
    assert [t["kind"] for t in tokens] == ["api"]
    revoked = env.client.post(
        f"/admin/users/{olga.id}/tokens/{tokens[0]['id']}/revoke", json=WHY, headers=admin
    )
    assert revoked.status_code == 200
    assert env.client.get("/api/v1/cameras", headers=olga_token).status_code == 401
    revoke_entry = _last_audit(env, "user.token_revoke")
    assert revoke_entry["before"]["revoked"] is False and revoke_entry["after"]["revoked"] is True
    reset = env.client.post(f"/admin/users/{olga.id}/password", json=WHY, headers=admin)
    assert reset.status_code == 200
    login = {"username": "olga", "password": reset.json()["password"]}
    assert env.client.post("/api/v1/auth/login", json=login).status_code == 200
    reset_entry = _last_audit(env, "user.password_reset")
    assert reset_entry["reason"] == "staff change" and reset_entry["before"]["roles"] == ["operator"]
    assert reset_entry["after"]["password"] == "one-time, shown once"
    assert reset.json()["password"] not in str(reset_entry)
    no_reason = env.client.post(f"/admin/users/{olga.id}/unlock", json={}, headers=admin)
    assert no_reason.status_code == 422 and no_reason.json()["errors"][0]["field"] == "body.reason"


def test_only_admins_manage_users(env: Env) -> None:
    leader = env.token(env.user(Role.SHIFT_LEADER, username="li"))
    assert env.client.get("/admin/users", headers=leader).status_code == 403
    assert env.client.post("/admin/users", json={}, headers=leader).status_code == 403


def test_a_post_allows_only_its_roles_and_shift_leaders_edit_posts(env: Env) -> None:
    leader = env.user(Role.SHIFT_LEADER, username="li")
    body = {"name": "desk-9", "title": "Desk 9", "roles": ["operator"], "checklist": ["keys"], **WHY}
    created = env.client.post("/admin/posts", json=body, headers=env.token(leader))
    assert created.status_code == 201, created.text
    post_id = created.json()["id"]
    sam = env.user(Role.SUPERVISOR, username="sam")
    with env.session() as s, pytest.raises(WrongRoleForPost):
        shift = make_shift(s, starts_at=dt.datetime(2026, 12, 1, 8, tzinfo=dt.UTC))
        roster.roster(s, shift_id=shift.id, post_id=post_id, user=s.merge(sam), now=utcnow())
    edit = {"roles": [], "cameras": ["nope"], **WHY}
    refused = env.client.patch(f"/admin/posts/{post_id}", json=edit, headers=env.token(leader))
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "cameras[0]"
    edited = env.client.patch(f"/admin/posts/{post_id}", json={"roles": [], **WHY}, headers=env.token(leader))
    assert edited.status_code == 200 and edited.json()["roles"] == []
    assert _last_audit(env, "post.update")["before"]["roles"] == ["operator"]
    operator = env.token(env.user(Role.OPERATOR, username="olga"))
    assert env.client.patch(f"/admin/posts/{post_id}", json=WHY, headers=operator).status_code == 403
    with env.session() as s:
        assert make_post(s, name="desk-10").roles == []


def test_a_rules_draft_is_checked_like_the_yaml_and_diffed(env: Env) -> None:
    admin = env.token(env.user(Role.ADMIN, username="root"))
    rules = default_rules().model_dump(mode="json")["rules"]
    rules["min_rest"]["params"]["hours"] = -1
    bad = env.client.post("/compliance/rules/check", json={"rules": rules}, headers=admin).json()
    assert not bad["ok"] and bad["errors"][0]["field"] == "rules.min_rest.params.hours"
    rules["min_rest"]["params"]["hours"] = 10
    good = env.client.post("/compliance/rules/check", json={"rules": rules}, headers=admin).json()
    assert good["ok"] and good["diff"] == [{"path": "rules.min_rest.params.hours", "old": 8.0, "new": 10}]
    operator = env.token(env.user(Role.OPERATOR, username="olga"))
    assert (
        env.client.post("/compliance/rules/check", json={"rules": rules}, headers=operator).status_code == 403
    )


@pytest.mark.parametrize(("change_roles", "may"), [(["admin"], False), (["admin", "supervisor"], True)])
def test_a_supervisor_edits_the_rules_only_where_change_roles_allows(
    make_env, change_roles: list[str], may: bool
) -> None:
    env = make_env(duty_rules={"change_roles": change_roles})
    supervisor = env.token(env.user(Role.SUPERVISOR, username="sam"))
    page = env.client.get("/compliance", headers=supervisor)
    assert page.status_code == 200 and ('id="rules-editor"' in page.text) is may
    rules = default_rules().model_dump(mode="json")["rules"]
    rules["min_rest"]["params"]["hours"] = 10
    checked = env.client.post("/compliance/rules/check", json={"rules": rules}, headers=supervisor)
    assert checked.status_code == (200 if may else 403)
    saved = env.client.put("/api/v1/duty-rules", json={"rules": rules, **WHY}, headers=supervisor)
    assert saved.status_code == (200 if may else 403), saved.text


def test_stream_test_shows_a_picture_or_says_why_not(env: Env) -> None:
    admin = env.token(env.user(Role.ADMIN, username="root"))
    ok = env.client.post("/admin/cameras/test", json={"url": "demo://gate?seed=1"}, headers=admin).json()
    assert ok["ok"] and ok["picture"].startswith("data:image/jpeg;base64,") and ok["width"] > 0
    url = f"rtsp://127.0.0.1:{free_port()}/x"
    failed = env.client.post("/admin/cameras/test", json={"url": url}, headers=admin).json()
    assert not failed["ok"] and failed["reason"] == "connection refused"
    local = env.client.post("/admin/cameras/test", json={"url": "/etc/passwd"}, headers=admin)
    assert local.status_code == 422 and local.json()["errors"][0]["field"] == "url"


def test_zone_preview_runs_the_detector_on_the_draft(env: Env) -> None:
    admin = env.token(env.user(Role.ADMIN, username="root"))
    camera_id = _demo_camera(env, "demo://gate?seed=1&people=4&light=0")
    snap = env.client.get(f"/admin/cameras/{camera_id}/zones/snapshot", headers=admin)
    assert snap.status_code == 200 and snap.headers["content-type"] == "image/jpeg"
    whole = {"zones": [], "motion": {"sensitivity": 90, "min_area": 0.0001}}
    found = env.client.post(
        f"/admin/cameras/{camera_id}/zones/preview", json={"detect": whole}, headers=admin
    )
    assert found.status_code == 200, found.text
    result = found.json()
    assert result["frames"] >= 2 and result["width"] > 0
    masked = {
        "exclusion_masks": [
            {
                "polygon": [
                    [0, 0],
                    [result["width"], 0],
                    [result["width"], result["height"]],
                    [0, result["height"]],
                ]
            }
        ]
    }
    none = env.client.post(
        f"/admin/cameras/{camera_id}/zones/preview", json={"detect": masked}, headers=admin
    )
    assert none.json()["boxes"] == []
    with env.session() as s:
        assert cameras.require(s, camera_id).url_masked.startswith("demo://")
    bad = {"detect": {"zones": [{"name": "a b", "polygon": [[0, 0], [1, 1]]}]}}
    refused = env.client.post(f"/admin/cameras/{camera_id}/zones/preview", json=bad, headers=admin)
    assert refused.status_code == 422


@pytest.mark.parametrize(
    ("path", "english", "chinese"),
    [
        ("/admin/users", "Users and roles", "用户与角色"),
        ("/admin/cameras", "Add a camera", "添加摄像机"),
        ("/admin/cameras/{id}/zones", "Zones and masks · gate", "区域与遮挡 · gate"),
        ("/admin/posts", "Roles allowed", "允许的角色"),
        ("/compliance", "Change the duty rules", "修改值班规则"),
        ("/account/password", "Change your password", "修改密码"),
    ],
)
def test_every_admin_page_in_both_languages(env: Env, path: str, english: str, chinese: str) -> None:
    admin = env.token(env.user(Role.ADMIN, username="root"))
    camera_id = _demo_camera(env, "demo://gate")
    url = path.replace("{id}", str(camera_id))
    assert english in env.client.get(url, headers=admin).text
    assert chinese in env.client.get(f"{url}?lang=zh", headers=admin).text

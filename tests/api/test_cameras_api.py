"""The camera registry: credentials are stored sealed, never returned, and every change needs a reason."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from access.audit.models import AuditEntry
from access.roles import Role
from devices.camera.models import Camera
from tests.support.app_env import Env

URL = "rtsp://viewer:Sup3rSecret@10.0.0.5/stream1"


def _create(env: Env, headers: dict[str, str], **extra: object) -> dict:
    body = {"name": "gate", "url": URL, "onvif_password": "OnvifPw!", "reason": "new gate camera", **extra}
    response = env.client.post("/api/v1/cameras", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_credentials_are_sealed_and_never_returned(env: Env) -> None:
    admin = env.token(env.user(Role.ADMIN))
    created = _create(env, admin)
    assert created["url_masked"] == "rtsp://viewer:***@10.0.0.5/stream1"
    assert "Sup3rSecret" not in str(created) and "OnvifPw!" not in str(created)
    listing = env.client.get("/api/v1/cameras", headers=env.token(env.user(Role.OPERATOR))).text
    assert "Sup3rSecret" not in listing
    with env.session() as s:
        row = s.scalars(select(Camera)).one()
        assert "Sup3rSecret" not in row.url_sealed and "OnvifPw!" not in row.onvif_password_sealed
        audit = s.scalars(select(AuditEntry).where(AuditEntry.action == "camera.create")).one()
        assert audit.detail == {"reason": "new gate camera"} and "Sup3rSecret" not in str(audit.detail)


def test_changes_need_a_reason_and_are_audited_by_field(env: Env) -> None:
    admin = env.token(env.user(Role.ADMIN))
    cam = _create(env, admin)
    no_reason = env.client.patch(f"/api/v1/cameras/{cam['id']}", json={"key": True}, headers=admin)
    assert no_reason.status_code == 422 and no_reason.json()["errors"][0]["field"] == "body.reason"
    body = {"key": True, "url": "rtsp://viewer:Other@10.0.0.5/stream1", "reason": "key camera per D2"}
    changed = env.client.patch(f"/api/v1/cameras/{cam['id']}", json=body, headers=admin)
    assert changed.status_code == 200 and changed.json()["key"] is True
    with env.session() as s:
        audit = s.scalars(select(AuditEntry).where(AuditEntry.action == "camera.update")).one()
    assert audit.detail["reason"] == "key camera per D2" and sorted(audit.detail["changed"]) == ["key", "url"]


def test_only_admins_change_cameras(env: Env) -> None:
    leader = env.token(env.user(Role.SHIFT_LEADER))
    body = {"name": "x", "url": URL, "reason": "testing"}
    assert env.client.post("/api/v1/cameras", json=body, headers=leader).status_code == 403


def test_bad_camera_input_names_the_field(env: Env) -> None:
    admin = env.token(env.user(Role.ADMIN))
    bad_fps = {"name": "x", "url": URL, "reason": "testing", "detect": {"fps": 0}}
    response = env.client.post("/api/v1/cameras", json=bad_fps, headers=admin)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "body.detect.fps"
    _create(env, admin)
    dup = env.client.post(
        "/api/v1/cameras", json={"name": "gate", "url": URL, "reason": "again"}, headers=admin
    )
    assert dup.status_code == 409


def test_snapshot_without_a_reader_is_503(env: Env) -> None:
    admin = env.token(env.user(Role.ADMIN))
    cam = _create(env, admin)
    op = env.token(env.user(Role.OPERATOR))
    assert env.client.get(f"/api/v1/cameras/{cam['id']}/snapshot", headers=op).status_code == 503


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("fz5abcdefgh", "must start with one of rtsp://"),
        ("x" * 100_000, "at most 2048 characters"),
        ("rtsp://", "must name a host"),
        ("ftp://cam.example/a", "must start with one of"),
        ("rtsp://u:Secret9@cam:notaport/a", "not a valid URL"),
    ],
)
def test_camera_urls_are_validated_naming_the_field(env: Env, url: str, says: str) -> None:
    admin = env.token(env.user(Role.ADMIN))
    created = env.client.post(
        "/api/v1/cameras", json={"name": "gate", "url": url, "reason": "new"}, headers=admin
    )
    assert created.status_code == 422, created.text
    [error] = created.json()["errors"]
    assert error["field"].endswith("url") and says in error["message"]
    assert "Secret9" not in created.text and "fz5abcdefgh" not in created.text
    good = {"name": "gate", "url": "rtsp://cam.example/a", "reason": "new"}
    camera = env.client.post("/api/v1/cameras", json=good, headers=admin).json()
    patched = env.client.patch(
        f"/api/v1/cameras/{camera['id']}", json={"sub_url": url, "reason": "sub"}, headers=admin
    )
    assert patched.status_code == 422 and patched.json()["errors"][0]["field"].endswith("sub_url")

"""PTZ and add-from-ONVIF over HTTP against a real ONVIF camera (ipycam, and ipycam behind the repairing proxy for presets):
configured roles only, a reason on every command, every command audited, device faults as clear 503s."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from access.audit.models import AuditEntry
from access.roles import Role
from core.clock import FixedClock
from db.session import make_session_factory
from devices.camera.models import Camera
from devices.credentials import CredentialBox
from runtime.ptz_home import ReturnHomeJob
from tests.factories.devices import make_ptz_camera
from tests.support.app_env import Env
from tests.support.onvif_peer import PtzPeer, ptz_peer
from tests.support.peers import free_port

pytestmark = pytest.mark.rtsp

REASON = "following a person seen at the gate"


@pytest.fixture(scope="module")
def peer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PtzPeer]:
    with ptz_peer(tmp_path_factory.mktemp("ipycam")) as started:
        yield started


def _camera(env: Env, port: int | None, **extra: object) -> Camera:
    box = CredentialBox(env.settings.auth.secret_key.get_secret_value())
    with env.session() as s:
        return make_ptz_camera(s, box, port=port, **extra)  # type: ignore[arg-type]


def _audit(env: Env, action: str) -> list[AuditEntry]:
    with env.session() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)))


def _row(env: Env, camera_id: int) -> Camera:
    with env.session() as s:
        row = s.get(Camera, camera_id)
        assert row is not None
        return row


def test_a_move_with_a_reason_turns_the_camera_and_is_audited(env: Env, peer: PtzPeer) -> None:
    peer.park(0.0, 0.0)
    cam = _camera(env, peer.port)
    op = env.token(env.user(Role.OPERATOR, username="olga"))
    body = {"pan": 0.5, "tilt": 0, "zoom": 0, "seconds": 0.4, "reason": REASON}
    response = env.client.post(f"/api/v1/cameras/{cam.id}/ptz/move", json=body, headers=op)
    assert response.status_code == 200, response.text
    pan, tilt, _ = peer.settled_position()  # turned right, and stopped after `seconds`
    assert pan > 0.05 and tilt == pytest.approx(0.0, abs=0.01)
    moved_at = _row(env, cam.id).ptz_moved_at
    assert moved_at is not None
    return_at = dt.datetime.fromisoformat(response.json()["return_home_at"])
    assert return_at == moved_at + dt.timedelta(seconds=env.settings.camera_control.return_home_s)
    [entry] = _audit(env, "camera.ptz.move")
    assert (entry.actor, entry.target, entry.outcome) == ("olga", f"camera:{cam.name}", "ok")
    assert entry.detail["reason"] == REASON
    assert entry.detail["command"] == {"action": "move", "pan": 0.5, "tilt": 0.0, "zoom": 0.0, "seconds": 0.4}


def test_a_command_without_a_reason_is_refused_before_the_camera_moves(env: Env, peer: PtzPeer) -> None:
    peer.park(0.0, 0.0)
    cam = _camera(env, peer.port)
    op = env.token(env.user(Role.OPERATOR))
    for body in ({"pan": 1.0}, {"pan": 1.0, "reason": "  x "}):
        response = env.client.post(f"/api/v1/cameras/{cam.id}/ptz/move", json=body, headers=op)
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "body.reason"
    too_fast = {"pan": 2.0, "reason": REASON}
    response = env.client.post(f"/api/v1/cameras/{cam.id}/ptz/move", json=too_fast, headers=op)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "body.pan"
    assert peer.position()[0] == pytest.approx(0.0, abs=0.01)
    assert _row(env, cam.id).ptz_moved_at is None


def test_roles_outside_ptz_roles_are_refused_naming_the_roles(make_env, peer: PtzPeer) -> None:
    env = make_env(camera_control={"ptz_roles": ["shift_leader", "supervisor"]})
    peer.park(0.0, 0.0)
    cam = _camera(env, peer.port)
    body = {"pan": 0.5, "seconds": 0.2, "reason": REASON}
    op = env.token(env.user(Role.OPERATOR, username="olga"))
    refused = env.client.post(f"/api/v1/cameras/{cam.id}/ptz/move", json=body, headers=op)
    assert refused.status_code == 403
    assert refused.json()["code"] == "ptz_not_allowed"
    assert "shift_leader, supervisor" in refused.json()["detail"]
    maintenance = env.token(env.user(Role.MAINTENANCE))
    assert (
        env.client.post(f"/api/v1/cameras/{cam.id}/ptz/move", json=body, headers=maintenance).status_code
        == 403
    )
    presets = env.client.get(f"/api/v1/cameras/{cam.id}/ptz/presets", headers=op)
    assert presets.status_code == 403
    assert peer.position()[0] == pytest.approx(0.0, abs=0.01)
    refusals = _audit(env, "camera.ptz.move")
    assert [e.outcome for e in refusals][:1] == ["refused"]
    assert refusals[0].detail["reason"] == REASON and refusals[0].actor == "olga"
    leader = env.token(env.user(Role.SHIFT_LEADER))
    assert env.client.post(f"/api/v1/cameras/{cam.id}/ptz/move", json=body, headers=leader).status_code == 200


def test_device_faults_are_clear_503s_and_a_camera_without_onvif_is_409(env: Env, peer: PtzPeer) -> None:
    op = env.token(env.user(Role.OPERATOR))
    body = {"pan": 0.5, "seconds": 0.2, "reason": REASON}
    cases = {
        "no_onvif": (_camera(env, None), 409, "has no ONVIF"),
        "refused": (_camera(env, free_port()), 503, "connection refused"),
        "password": (_camera(env, peer.port, password="wrong"), 503, "auth refused"),
    }
    for case, (cam, status, words) in cases.items():
        response = env.client.post(f"/api/v1/cameras/{cam.id}/ptz/move", json=body, headers=op)
        assert response.status_code == status, case
        assert response.headers["content-type"] == "application/problem+json"
        assert words in response.json()["detail"], case
        assert "wrong" not in response.text and "s3cret" not in response.text
    # ipycam's own GetPresets reply does not parse: a device fault, not a crash
    bare = _camera(env, peer.port)
    presets = env.client.get(f"/api/v1/cameras/{bare.id}/ptz/presets", headers=op)
    assert presets.status_code == 503
    assert "malformed reply to GetPresets" in presets.json()["detail"]
    failed = [e for e in _audit(env, "camera.ptz.move") if e.outcome == "failed"]
    assert len(failed) == 2 and all(e.detail["reason"] == REASON for e in failed)
    missing = env.client.post("/api/v1/cameras/9999/ptz/move", json=body, headers=op)
    assert missing.status_code == 404


def test_home_preset_set_by_a_supervisor_goto_and_return_home(env: Env, peer: PtzPeer) -> None:
    cam = _camera(env, peer.repaired_port)
    url = f"/api/v1/cameras/{cam.id}/ptz"
    sup = env.token(env.user(Role.SUPERVISOR, username="sue"))
    op = env.token(env.user(Role.OPERATOR))
    peer.park(0.3, 0.2)
    denied = env.client.post(f"{url}/home", json={"reason": "home is the gate"}, headers=op)
    assert denied.status_code == 403
    made = env.client.post(f"{url}/home", json={"reason": "home is the gate"}, headers=sup)
    assert made.status_code == 200, made.text
    home = made.json()["preset"]
    assert home and _row(env, cam.id).home_preset == home
    presets = env.client.get(f"{url}/presets", headers=op).json()
    assert {"token": home, "name": "home", "home": True} in presets
    unknown = env.client.post(f"{url}/home", json={"preset": "nope", "reason": "typo"}, headers=sup)
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "preset"

    moved = env.client.post(f"{url}/move", json={"pan": -1, "seconds": 0.3, "reason": REASON}, headers=op)
    assert moved.status_code == 200 and _row(env, cam.id).ptz_moved_at is not None
    back = env.client.post(f"{url}/preset", json={"preset": home, "reason": "done following"}, headers=op)
    assert back.status_code == 200 and back.json()["return_home_at"] is None
    assert _row(env, cam.id).ptz_moved_at is None
    assert peer.position()[:2] == pytest.approx((0.3, 0.2), abs=0.02)

    env.client.post(f"{url}/move", json={"tilt": -1, "seconds": 0.3, "reason": REASON}, headers=op)
    again = env.client.post(f"{url}/return-home", json={"reason": "shift check"}, headers=op)
    assert again.status_code == 200 and again.json()["preset"] == home
    assert peer.position()[:2] == pytest.approx((0.3, 0.2), abs=0.02)
    assert _audit(env, "camera.ptz.set_home")[0].detail["command"]["preset"] == home
    assert _audit(env, "camera.ptz.return_home")[0].detail["reason"] == "shift check"


def test_the_return_home_job_sends_an_idle_camera_home_and_audits_it(env: Env, peer: PtzPeer) -> None:
    peer.park(0.0, 0.0)
    cam = _camera(env, peer.repaired_port)
    with peer.client() as client:
        home = client.ptz_call(
            "SetPreset", {"ProfileToken": "Profile_Main", "PresetName": "gate"}
        )  # the device's reply is the new token
    with env.session() as s:
        row = s.get(Camera, cam.id)
        assert row is not None
        row.home_preset = str(home)
    op = env.token(env.user(Role.OPERATOR))
    body = {"pan": 1, "tilt": 1, "seconds": 0.3, "reason": REASON}
    assert env.client.post(f"/api/v1/cameras/{cam.id}/ptz/move", json=body, headers=op).status_code == 200
    assert peer.position()[0] > 0.1
    moved_at = _row(env, cam.id).ptz_moved_at
    assert moved_at is not None
    clock = FixedClock(moved_at + dt.timedelta(seconds=env.settings.camera_control.return_home_s - 1))
    job = ReturnHomeJob(env.settings, make_session_factory(env.engine), clock=clock)
    assert job() == []
    clock.advance(dt.timedelta(seconds=1))
    assert job() == [cam.name]
    assert job() == [], "sent once"
    assert peer.position()[:2] == pytest.approx((0.0, 0.0), abs=0.02)
    assert _row(env, cam.id).ptz_moved_at is None
    [entry] = _audit(env, "camera.ptz.return_home")
    assert (entry.actor, entry.target) == ("system", f"camera:{cam.name}")
    assert entry.detail["command"] == {"action": "goto_preset", "preset": str(home)}


def test_stop_keeps_the_return_home_stamp(env: Env, peer: PtzPeer) -> None:
    cam = _camera(env, peer.port)
    op = env.token(env.user(Role.OPERATOR))
    stop = env.client.post(f"/api/v1/cameras/{cam.id}/ptz/stop", json={"reason": "halt"}, headers=op)
    assert stop.status_code == 200 and stop.json()["action"] == "stop"
    assert _row(env, cam.id).ptz_moved_at is None, "a stop alone does not arm return-home"
    env.client.post(
        f"/api/v1/cameras/{cam.id}/ptz/move", json={"pan": 0.2, "seconds": 0.1, "reason": REASON}, headers=op
    )
    stamped = _row(env, cam.id).ptz_moved_at
    env.client.post(f"/api/v1/cameras/{cam.id}/ptz/stop", json={"reason": "halt"}, headers=op)
    assert _row(env, cam.id).ptz_moved_at == stamped
    peer.park(0.0, 0.0)


def test_add_from_onvif_fills_streams_and_title_and_keeps_the_password_sealed(
    env: Env, peer: PtzPeer
) -> None:
    admin = env.token(env.user(Role.ADMIN, username="ada"))
    body = {"name": "dome", "host": "127.0.0.1", "port": peer.port, "user": "admin", "password": "s3cret"}
    body["reason"] = "new dome at the dock"
    response = env.client.post("/api/v1/cameras/onvif", json=body, headers=admin)
    assert response.status_code == 201, response.text
    made = response.json()
    assert made["url_masked"] == f"rtsp://admin:***@127.0.0.1:{peer.cam.rtsp_port}/video_main"
    assert made["title"] == "Virtual Camera" and made["has_onvif"] and "s3cret" not in response.text
    with env.session() as s:
        row = s.get(Camera, made["id"])
        assert row is not None and row.sub_url_sealed and "s3cret" not in row.onvif_password_sealed
    [entry] = _audit(env, "camera.create")
    assert entry.detail == {
        "reason": "new dome at the dock",
        "onvif": f"127.0.0.1:{peer.port}",
        "device": "PythonCam VirtualCam-1",
    }
    # the camera added this way moves at once
    op = env.token(env.user(Role.OPERATOR))
    moved = env.client.post(
        f"/api/v1/cameras/{made['id']}/ptz/move",
        json={"pan": 0.1, "seconds": 0.1, "reason": REASON},
        headers=op,
    )
    assert moved.status_code == 200
    peer.park(0.0, 0.0)


def test_add_from_onvif_refusals(env: Env, peer: PtzPeer) -> None:
    admin = env.token(env.user(Role.ADMIN))
    body = {"name": "dome", "host": "127.0.0.1", "port": peer.port, "user": "admin", "reason": "new dome"}
    wrong = env.client.post("/api/v1/cameras/onvif", json={**body, "password": "wrong"}, headers=admin)
    assert wrong.status_code == 503 and "auth refused" in wrong.json()["detail"]
    nothing = env.client.post("/api/v1/cameras/onvif", json={**body, "port": free_port()}, headers=admin)
    assert nothing.status_code == 503 and "connection refused" in nothing.json()["detail"]
    bad_host = env.client.post("/api/v1/cameras/onvif", json={**body, "host": "a b/c"}, headers=admin)
    assert bad_host.status_code == 422 and bad_host.json()["errors"][0]["field"] == "body.host"
    leader = env.token(env.user(Role.SHIFT_LEADER))
    assert env.client.post("/api/v1/cameras/onvif", json=body, headers=leader).status_code == 403
    with env.session() as s:
        assert s.scalars(select(Camera)).all() == []
    assert [e.outcome for e in _audit(env, "camera.create")] == ["failed", "failed"]

"""Equipment faults over HTTP: lifecycle with audit, refusals (4xx, nothing changed), photos, checks."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from sqlalchemy import select

from access.audit.models import AuditEntry
from access.roles import Role
from maintenance.models import Fault, FaultPhoto
from tests.factories.alerts import make_camera
from tests.factories.maintenance import make_equipment


def _jpeg(width: int = 64, height: int = 48) -> bytes:
    ok, data = cv2.imencode(".jpg", np.full((height, width, 3), 90, dtype=np.uint8))
    assert ok
    return bytes(data)


@pytest.fixture
def crew(env):
    """An operator, two maintenance users, a shift leader, and a monitor to break."""
    people = {
        "op": env.user(Role.OPERATOR),
        "tech": env.user(Role.MAINTENANCE),
        "tech2": env.user(Role.MAINTENANCE),
        "leader": env.user(Role.SHIFT_LEADER),
    }
    headers = {name: env.token(user) for name, user in people.items()}
    with env.session() as s:
        monitor = make_equipment(s, name="wall monitor 2", location="wall B")
        equipment_id = monitor.id
    return {"users": people, "h": headers, "equipment_id": equipment_id}


def _report(env, crew, **over):
    body = {"equipment_id": crew["equipment_id"], "title": "no picture", "severity": "high", **over}
    response = env.client.post("/api/v1/maintenance/faults", json=body, headers=crew["h"]["op"])
    assert response.status_code == 201, response.text
    return response.json()


def _post(env, crew, who, fault_id, action, **body):
    return env.client.post(
        f"/api/v1/maintenance/faults/{fault_id}/{action}", json=body, headers=crew["h"][who]
    )


def _state(env, fault_id):
    with env.session() as s:
        return s.get(Fault, fault_id).state.value


def test_operator_reports_and_maintenance_walks_the_lifecycle_with_every_step_audited(env, crew):
    fault = _report(env, crew)
    assert (fault["state"], fault["equipment"]["name"], fault["reported_by"]["username"]) == (
        "reported",
        "wall monitor 2",
        crew["users"]["op"].username,
    )
    tech_id = crew["users"]["tech"].id
    assert _post(env, crew, "leader", fault["id"], "assign", assignee_id=tech_id).status_code == 200
    assert _post(env, crew, "tech", fault["id"], "start").status_code == 200
    fixed = _post(env, crew, "tech", fault["id"], "fix", note="replaced HDMI cable").json()
    assert fixed["state"] == "fixed" and fixed["repair_seconds"] >= 0
    verified = _post(env, crew, "tech2", fault["id"], "verify").json()
    assert (
        verified["state"] == "verified"
        and verified["closed_by"]["username"] == crew["users"]["tech2"].username
    )
    history = env.client.get(
        f"/api/v1/maintenance/faults/{fault['id']}/history", headers=crew["h"]["op"]
    ).json()
    assert [e["action"] for e in history] == ["report", "assign", "start", "fix", "verify"]
    assert history[3]["note"] == "replaced HDMI cable"
    with env.session() as s:
        audit = s.scalars(select(AuditEntry).where(AuditEntry.target == f"fault:{fault['id']}")).all()
        assert [(a.action, a.outcome) for a in audit] == [
            ("fault.report", "ok"),
            ("fault.assign", "ok"),
            ("fault.start", "ok"),
            ("fault.fix", "ok"),
            ("fault.verify", "ok"),
        ]


def test_illegal_transition_is_409_and_changes_nothing(env, crew):
    fault = _report(env, crew)
    for action in ("start", "fix"):
        response = _post(env, crew, "tech", fault["id"], action)
        assert response.status_code == 409
        assert response.json()["code"] == "fault_transition_refused"
    _post(env, crew, "tech", fault["id"], "assign", assignee_id=crew["users"]["tech"].id)
    _post(env, crew, "tech", fault["id"], "fix")
    _post(env, crew, "tech2", fault["id"], "verify")
    response = _post(env, crew, "tech", fault["id"], "start")
    assert response.status_code == 409 and "is verified" in response.json()["detail"]
    assert response.json()["info"] == {"state": "verified", "action": "start"}
    assert _state(env, fault["id"]) == "verified"
    with env.session() as s:
        refused = s.scalars(
            select(AuditEntry).where(
                AuditEntry.target == f"fault:{fault['id']}", AuditEntry.outcome == "refused"
            )
        ).all()
        assert len(refused) == 3


def test_verifying_your_own_fix_is_403_by_default(env, crew):
    fault = _report(env, crew)
    _post(env, crew, "tech", fault["id"], "assign", assignee_id=crew["users"]["tech"].id)
    _post(env, crew, "tech", fault["id"], "fix")
    response = _post(env, crew, "tech", fault["id"], "verify")
    assert response.status_code == 403 and response.json()["code"] == "self_verify_forbidden"
    assert _state(env, fault["id"]) == "fixed"


def test_self_verify_is_allowed_when_configured(make_env):
    env = make_env(maintenance={"allow_self_verify": True})
    tech = env.user(Role.MAINTENANCE)
    h = env.token(tech)
    with env.session() as s:
        equipment_id = make_equipment(s).id
    fault = env.client.post(
        "/api/v1/maintenance/faults", json={"equipment_id": equipment_id, "title": "x"}, headers=h
    ).json()
    for action, body in (("assign", {"assignee_id": tech.id}), ("fix", {}), ("verify", {})):
        assert env.client.post(
            f"/api/v1/maintenance/faults/{fault['id']}/{action}", json=body, headers=h
        ).is_success


def test_unknown_equipment_and_unknown_fault_are_404(env, crew):
    response = env.client.post(
        "/api/v1/maintenance/faults", json={"equipment_id": 9999, "title": "x"}, headers=crew["h"]["op"]
    )
    assert response.status_code == 404 and response.json()["code"] == "equipment_not_found"
    assert _post(env, crew, "tech", 9999, "start").status_code == 404
    assert env.client.get("/api/v1/maintenance/equipment/9999", headers=crew["h"]["op"]).status_code == 404
    with env.session() as s:
        assert s.scalar(select(Fault.id)) is None


def test_operators_cannot_work_on_or_verify_faults(env, crew):
    fault = _report(env, crew)
    assert (
        _post(env, crew, "op", fault["id"], "assign", assignee_id=crew["users"]["op"].id).status_code == 403
    )
    assert _post(env, crew, "leader", fault["id"], "start").status_code == 403
    response = _post(env, crew, "leader", fault["id"], "assign", assignee_id=crew["users"]["op"].id)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "assignee_id"
    assert _state(env, fault["id"]) == "reported"


def test_photo_upload_accepts_a_real_jpeg_and_serves_it_back(env, crew):
    fault = _report(env, crew)
    files = {"photo": ("cable.jpg", _jpeg(), "image/jpeg")}
    response = env.client.post(
        f"/api/v1/maintenance/faults/{fault['id']}/photos", files=files, headers=crew["h"]["tech"]
    )
    assert response.status_code == 201, response.text
    photo = response.json()
    assert (photo["content_type"], photo["width"], photo["height"]) == ("image/jpeg", 64, 48)
    image = env.client.get(
        f"/api/v1/maintenance/faults/{fault['id']}/photos/{photo['id']}", headers=crew["h"]["op"]
    )
    assert image.content == _jpeg() and image.headers["content-type"] == "image/jpeg"
    assert image.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    ("name", "data", "mime", "reason"),
    [
        ("evil.jpg", b"<script>alert(1)</script>", "image/jpeg", "not_an_image"),
        ("doc.pdf", b"%PDF-1.4 hello", "application/pdf", "not_an_image"),
        ("truncated.jpg", _jpeg()[:200], "image/jpeg", "not_an_image"),
        ("huge.jpg", _jpeg(2000, 1500) + bytes(30_000), "image/jpeg", "too_large"),
    ],
)
def test_non_image_or_oversized_upload_is_422_and_stores_nothing(make_env, name, data, mime, reason):
    env = make_env(maintenance={"max_photo_bytes": 30_000})
    user = env.user(Role.OPERATOR)
    with env.session() as s:
        equipment_id = make_equipment(s).id
    h = env.token(user)
    fault = env.client.post(
        "/api/v1/maintenance/faults", json={"equipment_id": equipment_id, "title": "x"}, headers=h
    )
    fault_id = fault.json()["id"]
    response = env.client.post(
        f"/api/v1/maintenance/faults/{fault_id}/photos", files={"photo": (name, data, mime)}, headers=h
    )
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "photo_refused" and body["info"]["reason"] == reason
    assert body["errors"][0]["field"] == "photo"
    with env.session() as s:
        assert s.scalar(select(FaultPhoto.id)) is None


def test_equipment_register_refuses_unknown_cameras_and_taken_names(env, crew):
    admin = env.token(env.user(Role.ADMIN))
    body = {"name": "cam-x", "kind": "camera", "camera_id": 4242}
    response = env.client.post("/api/v1/maintenance/equipment", json=body, headers=admin)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "camera_id"
    response = env.client.post(
        "/api/v1/maintenance/equipment", json={"name": "wall monitor 2", "kind": "monitor"}, headers=admin
    )
    assert response.status_code == 409 and response.json()["code"] == "equipment_name_taken"
    assert (
        env.client.post("/api/v1/maintenance/equipment", json=body, headers=crew["h"]["op"]).status_code
        == 403
    )


def test_equipment_list_shows_camera_health_and_open_faults(env, crew):
    with env.session() as s:
        camera = make_camera(s, name="gate")
        camera.health = "offline"
    tech = crew["h"]["tech"]
    created = env.client.post("/api/v1/maintenance/equipment/cameras", headers=tech).json()
    assert [e["name"] for e in created] == ["gate"]
    _report(env, crew, severity="critical")
    items = env.client.get("/api/v1/maintenance/equipment", headers=crew["h"]["op"]).json()["items"]
    by_name = {e["name"]: e for e in items}
    assert by_name["gate"]["status"] == "offline"
    assert (by_name["wall monitor 2"]["status"], by_name["wall monitor 2"]["worst"]) == ("fault", "critical")


def test_due_check_is_completed_with_its_whole_checklist(env, crew):
    from maintenance import checks
    from tests.factories.maintenance import T0

    with env.session() as s:
        make_equipment(
            s, name="radio 7", kind="radio", interval_days=1, now=T0, checklist=["battery", "antenna"]
        )
        checks.generate_due_checks(s, T0 + __import__("datetime").timedelta(days=1))
    listed = env.client.get("/api/v1/maintenance/checks?state=due", headers=crew["h"]["tech"]).json()
    (check,) = [c for c in listed["items"] if c["equipment"]["name"] == "radio 7"]
    url = f"/api/v1/maintenance/checks/{check['id']}/complete"
    partial = {"answers": [{"item": "battery", "ok": True}]}
    response = env.client.post(url, json=partial, headers=crew["h"]["tech"])
    assert response.status_code == 422 and response.json()["code"] == "checklist_mismatch"
    full = {"answers": [{"item": "battery", "ok": True}, {"item": "antenna", "ok": False, "note": "bent"}]}
    assert env.client.post(url, json=full, headers=crew["h"]["op"]).status_code == 403
    done = env.client.post(url, json=full, headers=crew["h"]["tech"]).json()
    assert done["state"] == "done" and done["checklist"][1] == {
        "item": "antenna",
        "ok": False,
        "note": "bent",
    }
    assert env.client.post(url, json=full, headers=crew["h"]["tech"]).status_code == 409

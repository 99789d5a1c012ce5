"""Footage over HTTP: holds (R8), requests and grants (R7), audited search, playback and export (R10)."""

from __future__ import annotations

import datetime as dt
import io
import time
import zipfile
from pathlib import Path

import av
import pytest
from sqlalchemy import select

from access.audit.models import AuditEntry
from access.roles import Role
from footage.export import verify_export
from footage.models import AccessRequest
from footage.signing import load_public_key
from footage.storage import Storage
from tests.factories.alerts import make_camera
from tests.factories.footage import T0, record_clip
from tests.support.peers import make_clip

MIN = dt.timedelta(minutes=1)


def iso(t: dt.datetime) -> str:
    return t.isoformat()


@pytest.fixture(scope="module")
def clip() -> Path:
    return make_clip("testsrc2", size="640x360", rate=25, seconds=60)


@pytest.fixture
def fenv(make_env, tmp_path):
    return make_env(data_dir=tmp_path / "data")


@pytest.fixture
def recorded(fenv, clip):
    """Cameras gate and yard with 20 s of footage from T0 (2 s segments)."""
    storage = Storage.of(fenv.settings)
    with fenv.session() as s:
        gate, yard = make_camera(s, name="gate"), make_camera(s, name="yard")
        record_clip(s, storage, gate, clip, start=T0, seconds=20)
        record_clip(s, storage, yard, clip, start=T0, seconds=20)
    return fenv


def audit_rows(env, action: str) -> list[AuditEntry]:
    with env.session() as s:
        return list(
            s.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)).all()
        )


def grant_for(env, requester, *, cameras=("gate",), start=T0, end=T0 + MIN) -> int:
    asked = env.client.post(
        "/api/v1/footage/requests",
        json={
            "organisation": "City police",
            "reason": "theft at the gate",
            "cameras": list(cameras),
            "start": iso(start),
            "end": iso(end),
        },
        headers=env.token(requester),
    )
    assert asked.status_code == 201, asked.text
    leader = env.user(Role.SHIFT_LEADER)
    approved = env.client.post(
        f"/api/v1/footage/requests/{asked.json()['id']}/approve",
        json={"note": "ok"},
        headers=env.token(leader),
    )
    assert approved.status_code == 200, approved.text
    return int(asked.json()["id"])


# ---- holds -------------------------------------------------------------------------------------------
def test_hold_is_placed_by_an_operator_overlap_is_409_and_release_needs_another_supervisor(fenv):
    with fenv.session() as s:
        make_camera(s, name="gate")
    operator, boss, other_boss = (
        fenv.user(Role.OPERATOR),
        fenv.user(Role.SUPERVISOR),
        fenv.user(Role.SUPERVISOR),
    )
    body = {
        "camera": "gate",
        "start": iso(T0),
        "end": iso(T0 + 5 * MIN),
        "incident_ref": "42",
        "category": "fight",
    }
    placed = fenv.client.post("/api/v1/footage/holds", json=body, headers=fenv.token(boss))
    assert placed.status_code == 201, placed.text
    hold_id = placed.json()["id"]
    again = fenv.client.post(
        "/api/v1/footage/holds", json={**body, "start": iso(T0 + MIN)}, headers=fenv.token(operator)
    )
    assert again.status_code == 409 and again.json()["code"] == "hold_overlaps"
    assert f"hold {hold_id}" in again.json()["detail"]
    release = {"reason": "case closed"}
    url = f"/api/v1/footage/holds/{hold_id}/release"
    assert fenv.client.post(url, json=release, headers=fenv.token(operator)).status_code == 403
    same = fenv.client.post(url, json=release, headers=fenv.token(boss))
    assert same.status_code == 403 and same.json()["code"] == "same_person"
    done = fenv.client.post(url, json=release, headers=fenv.token(other_boss))
    assert done.status_code == 200 and done.json()["released_by"] == other_boss.username
    assert [r.outcome for r in audit_rows(fenv, "footage.hold.place")] == ["ok", "refused"]
    assert [r.outcome for r in audit_rows(fenv, "footage.hold.release")] == ["refused", "ok"]
    assert [r.outcome for r in audit_rows(fenv, "release_hold")] == ["refused"]  # stopped by the role guard


def test_reversed_time_range_is_a_clear_422_naming_the_field(fenv):
    with fenv.session() as s:
        make_camera(s, name="gate")
    body = {
        "camera": "gate",
        "start": iso(T0),
        "end": iso(T0 - MIN),
        "incident_ref": "1",
        "category": "theft",
    }
    answer = fenv.client.post(
        "/api/v1/footage/holds", json=body, headers=fenv.token(fenv.user(Role.OPERATOR))
    )
    assert answer.status_code == 422
    assert "reversed" in answer.json()["detail"]
    assert answer.json()["errors"][0]["field"].endswith("end")


def test_unknown_hold_category_is_refused(fenv):
    with fenv.session() as s:
        make_camera(s, name="gate")
    body = {
        "camera": "gate",
        "start": iso(T0),
        "end": iso(T0 + MIN),
        "incident_ref": "1",
        "category": "graffiti",
    }
    answer = fenv.client.post(
        "/api/v1/footage/holds", json=body, headers=fenv.token(fenv.user(Role.OPERATOR))
    )
    assert answer.status_code == 422


# ---- requests and grants -----------------------------------------------------------------------------
def test_requester_cannot_decide_their_own_request_and_operators_cannot_decide_at_all(fenv):
    with fenv.session() as s:
        make_camera(s, name="gate")
    leader = fenv.user(Role.SHIFT_LEADER)
    asked = fenv.client.post(
        "/api/v1/footage/requests",
        json={
            "organisation": "Insurance",
            "reason": "claim 77 review",
            "cameras": ["gate"],
            "start": iso(T0),
            "end": iso(T0 + MIN),
        },
        headers=fenv.token(leader),
    ).json()
    url = f"/api/v1/footage/requests/{asked['id']}/approve"
    own = fenv.client.post(url, json={}, headers=fenv.token(leader))
    assert own.status_code == 403 and own.json()["code"] == "same_person"
    assert fenv.client.post(url, json={}, headers=fenv.token(fenv.user(Role.OPERATOR))).status_code == 403
    boss = fenv.user(Role.SUPERVISOR)
    refused = fenv.client.post(
        f"/api/v1/footage/requests/{asked['id']}/refuse", json={"note": "no"}, headers=fenv.token(boss)
    )
    assert refused.json()["state"] == "refused"
    assert fenv.client.post(url, json={}, headers=fenv.token(boss)).status_code == 409


def test_outsider_sees_only_their_own_requests_and_their_valid_grants(recorded):
    outsider = recorded.user(Role.MAINTENANCE)
    grant_id = grant_for(recorded, outsider)
    grant_for(recorded, recorded.user(Role.OPERATOR))
    mine = recorded.client.get("/api/v1/footage/requests", headers=recorded.token(outsider)).json()
    assert [r["id"] for r in mine["items"]] == [grant_id]
    grants = recorded.client.get("/api/v1/footage/grants", headers=recorded.token(outsider)).json()
    assert [g["id"] for g in grants["items"]] == [grant_id]
    assert grants["items"][0]["expires_at"] is not None


# ---- access under a grant ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("camera", "start", "end", "reason"),
    [
        ("gate", T0 - MIN, T0 + MIN, "outside grant"),
        ("gate", T0 + 30 * dt.timedelta(seconds=1), T0 + 2 * MIN, "outside grant"),
        ("yard", T0, T0 + MIN, "not in grant"),
    ],
)
def test_playback_outside_the_grant_is_403_with_the_reason_and_audited(recorded, camera, start, end, reason):
    outsider = recorded.user(Role.OPERATOR)
    grant_id = grant_for(recorded, outsider)
    answer = recorded.client.post(
        "/api/v1/footage/playbacks",
        json={"camera": camera, "start": iso(start), "end": iso(end), "grant": grant_id},
        headers=recorded.token(outsider),
    )
    assert answer.status_code == 403 and answer.json()["code"] == "grant_refused"
    assert reason in answer.json()["detail"]
    row = audit_rows(recorded, "footage.playback")[-1]
    assert row.outcome == "refused" and reason in row.detail["reason"] and row.actor == outsider.username


def test_expired_grant_is_403_and_audited(recorded):
    outsider = recorded.user(Role.OPERATOR)
    grant_id = grant_for(recorded, outsider)
    with recorded.session() as s:
        s.get(AccessRequest, grant_id).expires_at = dt.datetime.now(dt.UTC) - MIN
    answer = recorded.client.get(
        "/api/v1/footage/cameras/gate/spans",
        params={"start": iso(T0), "end": iso(T0 + MIN), "grant": grant_id},
        headers=recorded.token(outsider),
    )
    assert answer.status_code == 403 and "expired" in answer.json()["detail"]
    row = audit_rows(recorded, "footage.search")[-1]
    assert row.outcome == "refused" and "expired" in row.detail["reason"]


def test_search_without_a_grant_is_refused_but_a_standing_role_may_search(recorded):
    operator, boss = recorded.user(Role.OPERATOR), recorded.user(Role.SUPERVISOR)
    params = {"start": iso(T0), "end": iso(T0 + MIN)}
    refused = recorded.client.get(
        "/api/v1/footage/cameras/gate/spans", params=params, headers=recorded.token(operator)
    )
    assert refused.status_code == 403 and "none was given" in refused.json()["detail"]
    found = recorded.client.get(
        "/api/v1/footage/cameras/gate/spans", params=params, headers=recorded.token(boss)
    )
    assert found.status_code == 200, found.text
    body = found.json()
    assert body["basis"] == "standing access" and len(body["spans"]) == 1
    assert body["spans"][0]["start"].startswith("2026-11-25T08:00:00")
    assert [r.outcome for r in audit_rows(recorded, "footage.search")] == ["refused", "ok"]


def test_playback_serves_exactly_the_range_with_http_range_requests_to_its_owner_only(recorded):
    outsider = recorded.user(Role.OPERATOR)
    grant_id = grant_for(recorded, outsider)
    start, end = T0 + dt.timedelta(seconds=3), T0 + dt.timedelta(seconds=9)
    opened = recorded.client.post(
        "/api/v1/footage/playbacks",
        json={"camera": "gate", "start": iso(start), "end": iso(end), "grant": grant_id},
        headers=recorded.token(outsider),
    )
    assert opened.status_code == 201, opened.text
    url = opened.json()["url"]
    headers = recorded.token(outsider)
    part = recorded.client.get(url, headers={**headers, "Range": "bytes=0-99"})
    assert part.status_code == 206 and len(part.content) == 100
    assert part.headers["content-range"].startswith("bytes 0-99/")
    whole = recorded.client.get(url, headers=headers)
    assert whole.status_code == 200 and whole.headers["content-type"] == "video/mp4"
    with av.open(io.BytesIO(whole.content)) as media:
        stream = media.streams.video[0]
        times = [float(p.pts * stream.time_base) for p in media.demux(stream) if p.pts is not None and p.size]
    assert times[0] == 0 and 5.0 <= times[-1] < 6.0  # keyframe at 3 s .. last frame before 9 s
    assert len(times) == 6 * 25
    other = recorded.client.get(url, headers=recorded.token(recorded.user(Role.OPERATOR)))
    assert other.status_code == 404
    ok = audit_rows(recorded, "footage.playback")[-1]
    assert ok.outcome == "ok" and ok.detail["grant"] == grant_id


def test_masked_camera_is_re_encoded_with_the_mask_blanked(recorded):
    with recorded.session() as s:
        from devices.camera.service import require_by_name

        require_by_name(s, "yard").detect = {
            "privacy_masks": [{"polygon": [[0, 0], [320, 0], [320, 180], [0, 180]]}]
        }
    boss = recorded.user(Role.SUPERVISOR)
    opened = recorded.client.post(
        "/api/v1/footage/playbacks",
        json={"camera": "yard", "start": iso(T0), "end": iso(T0 + dt.timedelta(seconds=2))},
        headers=recorded.token(boss),
    )
    assert opened.status_code == 201 and opened.json()["masked"] is True
    media = recorded.client.get(opened.json()["url"], headers=recorded.token(boss)).content
    with av.open(io.BytesIO(media)) as container:
        frame = next(container.decode(video=0)).to_ndarray(format="gray")
    assert frame[:170, :310].max() < 30, "the masked corner is black"
    assert frame[200:, 400:].mean() > 40, "the rest is picture"


def test_export_is_sealed_verifies_and_a_changed_byte_fails(recorded, tmp_path):
    outsider = recorded.user(Role.MAINTENANCE)
    grant_id = grant_for(recorded, outsider, cameras=("gate", "yard"))
    start, end = T0 + dt.timedelta(seconds=2), T0 + dt.timedelta(seconds=8)
    made = recorded.client.post(
        "/api/v1/footage/exports",
        json={"cameras": ["gate", "yard"], "start": iso(start), "end": iso(end), "grant": grant_id},
        headers=recorded.token(outsider),
    )
    assert made.status_code == 202, made.text
    export_id = made.json()["id"]
    for _ in range(100):
        state = recorded.client.get(
            f"/api/v1/footage/exports/{export_id}", headers=recorded.token(outsider)
        ).json()
        if state["state"] != "running":
            break
        time.sleep(0.1)
    assert state["state"] == "done" and state["progress"] == 1.0, state
    manifest = state["manifest"]
    assert manifest["exporter"]["username"] == outsider.username
    assert manifest["grant"]["id"] == grant_id and manifest["grant"]["organisation"] == "City police"
    assert {f["name"] for f in manifest["files"]} == {"gate.mp4", "yard.mp4"}
    assert all(f["source_segments"] for f in manifest["files"])
    zipped = recorded.client.get(
        f"/api/v1/footage/exports/{export_id}/download", headers=recorded.token(outsider)
    )
    assert zipped.status_code == 200
    target = tmp_path / "export.zip"
    target.write_bytes(zipped.content)
    key = load_public_key(recorded.settings.footage.key_path(recorded.settings.data_dir))
    assert verify_export(target, key).ok
    data = bytearray(target.read_bytes())
    with zipfile.ZipFile(target) as archive:
        info = archive.getinfo("gate.mp4")
    data[info.header_offset + 200] ^= 0x01  # a byte inside gate.mp4
    tampered = tmp_path / "tampered.zip"
    tampered.write_bytes(bytes(data))
    check = verify_export(tampered, key)
    assert not check.ok and any("gate.mp4" in p or "CRC" in p for p in check.problems)
    actions = [r.action for r in audit_rows(recorded, "footage.export")] + [
        r.action for r in audit_rows(recorded, "footage.export.download")
    ]
    assert actions == ["footage.export", "footage.export.download"]


def test_export_of_another_users_export_is_not_found(recorded):
    boss = recorded.user(Role.SUPERVISOR)
    made = recorded.client.post(
        "/api/v1/footage/exports",
        json={"cameras": ["gate"], "start": iso(T0), "end": iso(T0 + dt.timedelta(seconds=4))},
        headers=recorded.token(boss),
    )
    assert made.status_code == 202
    other = recorded.client.get(
        f"/api/v1/footage/exports/{made.json()['id']}/download",
        headers=recorded.token(recorded.user(Role.SUPERVISOR)),
    )
    assert other.status_code == 404
    assert audit_rows(recorded, "footage.export.download")[-1].outcome == "refused"


def test_grant_pages_show_only_to_the_grantee_and_the_approvers(recorded):
    operator = recorded.user(Role.OPERATOR, username="pol")
    grant = grant_for(recorded, operator)
    for role, status in ((Role.MAINTENANCE, 404), (Role.OPERATOR, 404), (Role.SUPERVISOR, 200)):
        other = recorded.user(role)
        page = recorded.client.get(f"/footage/view?grant={grant}", headers=recorded.token(other))
        assert page.status_code == status, (role, page.text[:200])
    own = recorded.client.get(f"/footage/view?grant={grant}", headers=recorded.token(operator))
    assert own.status_code == 200 and "gate" in own.text


def test_standing_access_is_for_the_supervisor_only_and_audited_as_such(make_env, tmp_path, clip):
    from core.errors import ConfigError
    from tests.conftest import make_settings

    with pytest.raises(ConfigError, match="only to supervisor, not operator"):
        make_settings("sqlite://", footage={"standing_access_roles": ["supervisor", "operator"]})
    env = make_env(data_dir=tmp_path / "data")
    storage = Storage.of(env.settings)
    with env.session() as s:
        record_clip(s, storage, make_camera(s, name="gate"), clip, start=T0, seconds=10)
    boss = env.token(env.user(Role.SUPERVISOR))
    body = {"camera": "gate", "start": iso(T0), "end": iso(T0 + dt.timedelta(seconds=8))}
    opened = env.client.post("/api/v1/footage/playbacks", json=body, headers=boss)
    assert opened.status_code == 201, opened.text
    [row] = audit_rows(env, "footage.playback")
    assert row.outcome == "ok" and row.detail["basis"] == "standing access"


def test_a_mask_set_through_the_api_blanks_the_next_export(recorded):
    admin = recorded.token(recorded.user(Role.ADMIN))
    cameras = recorded.client.get("/api/v1/cameras", headers=admin).json()["items"]
    yard = next(c for c in cameras if c["name"] == "yard")
    mask = {"privacy_masks": [{"polygon": [[0, 0], [100_000, 0], [100_000, 100_000], [0, 100_000]]}]}
    body = {"detect": mask, "reason": "privacy: neighbour's window"}
    assert recorded.client.patch(f"/api/v1/cameras/{yard['id']}", json=body, headers=admin).status_code == 200
    boss = recorded.token(recorded.user(Role.SUPERVISOR))
    start, end = T0 + dt.timedelta(seconds=2), T0 + dt.timedelta(seconds=6)
    made = recorded.client.post(
        "/api/v1/footage/exports",
        json={"cameras": ["yard"], "start": iso(start), "end": iso(end)},
        headers=boss,
    )
    assert made.status_code == 202, made.text
    for _ in range(150):
        state = recorded.client.get(f"/api/v1/footage/exports/{made.json()['id']}", headers=boss).json()
        if state["state"] != "running":
            break
        time.sleep(0.1)
    assert state["state"] == "done", state
    zipped = recorded.client.get(f"/api/v1/footage/exports/{made.json()['id']}/download", headers=boss)
    with (
        zipfile.ZipFile(io.BytesIO(zipped.content)) as archive,
        av.open(io.BytesIO(archive.read("yard.mp4"))) as c,
    ):
        frame = next(c.decode(video=0)).to_ndarray(format="gray")
    assert frame.max() < 30, "the whole picture is masked"

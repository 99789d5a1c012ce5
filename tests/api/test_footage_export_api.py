"""Footage over HTTP, part two: sealed exports, grant pages, standing access and masks in exports (R7, R10)."""

from __future__ import annotations

import datetime as dt
import io
import time
import zipfile

import av
import pytest

from access.roles import Role
from footage.export import verify_export
from footage.signing import load_public_key
from footage.storage import Storage
from tests.api.footage_support import audit_rows, grant_for, iso
from tests.factories.alerts import make_camera
from tests.factories.footage import T0, record_clip


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

"""Done-when of issue 8, with a real RTSP stream and a real size-capped filesystem: record, place a hold,
fill the storage past its mark, see unheld footage purged and held footage kept (and a fault when only held
footage is left); a request approved by a shift leader lets an outsider play back and export exactly the
granted range; every step is in the audit log; the export verifies and a changed byte fails."""

from __future__ import annotations

import datetime as dt
import shutil
import time
import zipfile

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from access.audit import service as audit
from access.audit.models import AuditEntry
from access.roles import Role
from alerts.models import Alert
from core.clock import utcnow
from db.session import make_session_factory
from devices.camera.models import Camera
from devices.credentials import CredentialBox
from footage.jobs import run_retention
from footage.models import Segment
from footage.runtime import FootageRuntime
from footage.storage import Storage, hash_file
from runtime.cli import app as cli

pytestmark = [pytest.mark.rtsp, pytest.mark.slow]


def _segments(env) -> list[Segment]:
    with env.session() as s:
        return list(s.scalars(select(Segment).order_by(Segment.start)).all())


def _wait_segments(env, count: int, timeout: float) -> list[Segment]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = _segments(env)
        if len(found) >= count:
            return found
        time.sleep(0.3)
    raise AssertionError(f"only {len(_segments(env))} segments after {timeout} s")


def _fill_to(path, used_target: int) -> None:
    usage = shutil.disk_usage(path)
    with (path / "filler.bin").open("ab") as f:
        f.write(b"\1" * max(used_target - usage.used, 0))


def test_record_hold_purge_grant_play_export_verify(make_env, rtsp_server, capped_dir, tmp_path):
    env = make_env(
        data_dir=tmp_path / "data",
        footage={
            "storage_dir": str(capped_dir),
            "segment_s": 2,
            "min_free_mb": 0.3,
            "high_water_percent": 60,
            "low_water_percent": 50,
        },
    )
    box = CredentialBox(env.settings.auth.secret_key.get_secret_value())
    with env.session() as s:
        s.add(
            Camera(
                name="gate",
                url_sealed=box.seal(rtsp_server.url("cam")),
                url_masked="rtsp://…/cam",
                worker_id="w1",
                recording={"mode": "continuous"},
            )
        )
    runtime = FootageRuntime(env.settings, make_session_factory(env.engine), worker_id="w1")
    runtime.sync()
    try:
        recorded = _wait_segments(env, 10, timeout=60)
    finally:
        runtime.stop()
    recorded = _segments(env)
    assert all(hash_file(Storage.of(env.settings).absolute(s.path))[0] == s.sha256 for s in recorded)

    # an operator holds the first two segments as evidence
    operator, leader, outsider = (
        env.user(Role.OPERATOR),
        env.user(Role.SHIFT_LEADER),
        env.user(Role.MAINTENANCE),
    )
    held_start, held_end = recorded[0].start, recorded[1].end
    placed = env.client.post(
        "/api/v1/footage/holds",
        json={
            "camera": "gate",
            "start": held_start.isoformat(),
            "end": held_end.isoformat(),
            "incident_ref": "INC-2026-117",
            "category": "theft",
        },
        headers=env.token(operator),
    )
    assert placed.status_code == 201, placed.text
    held_ids = {recorded[0].id, recorded[1].id}
    held_hashes = {s.path: s.sha256 for s in recorded[:2]}

    # fill the storage past its high-water mark: unheld footage goes, oldest first; held footage stays
    total = shutil.disk_usage(capped_dir).total
    _fill_to(capped_dir, int(total * 0.61))
    report = run_retention(make_session_factory(env.engine), env.settings, utcnow())
    assert report.removed.get("high_water", 0) >= 1 and report.fault is None, report.summary()
    left = {s.id for s in _segments(env)}
    assert held_ids <= left
    assert len(left) < len(recorded)
    storage = Storage.of(env.settings)
    for path, sha in held_hashes.items():
        assert hash_file(storage.absolute(path))[0] == sha

    # fill it so far that only held footage is left: a fault and an alert instead of deleting held footage
    _fill_to(capped_dir, int(total * 0.9))
    report = run_retention(make_session_factory(env.engine), env.settings, utcnow())
    assert report.fault and "held" in report.fault
    assert {s.id for s in _segments(env)} == held_ids
    with env.session() as s:
        assert s.scalar(select(Alert).where(Alert.kind == "storage_full")) is not None
    (capped_dir / "filler.bin").unlink()

    # an outsider asks, a shift leader approves; the grant covers exactly the held range
    asked = env.client.post(
        "/api/v1/footage/requests",
        json={
            "organisation": "City police, precinct 4",
            "reason": "theft at the gate, case 117",
            "cameras": ["gate"],
            "start": held_start.isoformat(),
            "end": held_end.isoformat(),
        },
        headers=env.token(outsider),
    )
    assert asked.status_code == 201, asked.text
    grant = asked.json()["id"]
    approved = env.client.post(
        f"/api/v1/footage/requests/{grant}/approve", json={"note": "case 117"}, headers=env.token(leader)
    )
    assert approved.status_code == 200 and approved.json()["expires_at"]

    body = {"camera": "gate", "start": held_start.isoformat(), "end": held_end.isoformat(), "grant": grant}
    opened = env.client.post("/api/v1/footage/playbacks", json=body, headers=env.token(outsider))
    assert opened.status_code == 201, opened.text
    media = env.client.get(opened.json()["url"], headers={**env.token(outsider), "Range": "bytes=0-1023"})
    assert media.status_code == 206
    wider = {**body, "end": (held_end + dt.timedelta(seconds=5)).isoformat()}
    refused = env.client.post("/api/v1/footage/playbacks", json=wider, headers=env.token(outsider))
    assert refused.status_code == 403 and "outside grant" in refused.json()["detail"]

    made = env.client.post(
        "/api/v1/footage/exports",
        json={
            "cameras": ["gate"],
            "start": held_start.isoformat(),
            "end": held_end.isoformat(),
            "grant": grant,
        },
        headers=env.token(outsider),
    )
    assert made.status_code == 202, made.text
    export = env.client.get(
        f"/api/v1/footage/exports/{made.json()['id']}", headers=env.token(outsider)
    ).json()
    assert export["state"] == "done", export
    manifest = export["manifest"]
    assert {s["sha256"] for s in manifest["files"][0]["source_segments"]} == set(held_hashes.values())
    first = dt.datetime.fromisoformat(manifest["files"][0]["first_frame"])
    last = dt.datetime.fromisoformat(manifest["files"][0]["last_frame"])
    assert held_start <= first and last < held_end
    zipped = env.client.get(
        f"/api/v1/footage/exports/{made.json()['id']}/download", headers=env.token(outsider)
    )
    target = tmp_path / "export.zip"
    target.write_bytes(zipped.content)

    key = env.settings.footage.key_path(env.settings.data_dir)
    runner = CliRunner()
    ok = runner.invoke(cli, ["export", "verify", str(target), "--public-key", str(key)])
    assert ok.exit_code == 0 and ok.output.startswith("OK: 1 file(s)"), ok.output
    data = bytearray(target.read_bytes())
    with zipfile.ZipFile(target) as archive:
        offset = archive.getinfo("gate.mp4").header_offset
    data[offset + 500] ^= 0xFF
    (tmp_path / "changed.zip").write_bytes(bytes(data))
    bad = runner.invoke(cli, ["export", "verify", str(tmp_path / "changed.zip"), "--public-key", str(key)])
    assert bad.exit_code == 1

    # every step is in the (intact) audit log
    with env.session() as s:
        rows = s.scalars(
            select(AuditEntry).where(AuditEntry.action.startswith("footage.")).order_by(AuditEntry.seq)
        )
        steps = [(r.action, r.outcome, r.actor) for r in rows]
        assert audit.verify(s).ok
    assert steps == [
        ("footage.hold.place", "ok", operator.username),
        ("footage.retention", "ok", "retention"),
        ("footage.request.file", "ok", outsider.username),
        ("footage.request.approve", "ok", leader.username),
        ("footage.playback", "ok", outsider.username),
        ("footage.playback", "refused", outsider.username),
        ("footage.export", "ok", outsider.username),
        ("footage.export.download", "ok", outsider.username),
    ]

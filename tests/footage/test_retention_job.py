"""The retention job on a real database and real files (no camera needed): age, quota high-water mark,
dry run, the fault and alert when only held footage is left, and removal of expired playback files."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from typer.testing import CliRunner

from alerts.models import Alert
from db.session import make_session_factory
from footage.jobs import run_retention
from footage.models import Playback, Segment
from footage.storage import Storage
from runtime.cli import app as cli
from tests.factories.access import make_user
from tests.factories.alerts import make_camera
from tests.factories.footage import make_hold, record_clip
from tests.support.peers import make_clip

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


def setup(make_env, tmp_path, **footage):
    env = make_env(data_dir=tmp_path / "data", footage=footage)
    clip = make_clip("testsrc2", size="640x360", rate=25, seconds=60)
    storage = Storage.of(env.settings)
    with env.session() as s:
        cam = make_camera(s, name="gate")
        cam.recording = {"mode": "continuous", "retain_days": 1}
        old = record_clip(s, storage, cam, clip, start=NOW - dt.timedelta(days=2), seconds=10)
        new = record_clip(s, storage, cam, clip, start=NOW - dt.timedelta(hours=1), seconds=10)
        hold = make_hold(s, cam, start=old[0].start, minutes=1 / 60)
    return env, storage, old, new, hold


def paths(env) -> set[str]:
    with env.session() as s:
        return set(s.scalars(select(Segment.path)).all())


def test_old_footage_goes_except_what_is_held_and_a_dry_run_changes_nothing(make_env, tmp_path):
    env, storage, old, new, _ = setup(make_env, tmp_path)
    factory = make_session_factory(env.engine)
    before = paths(env)
    dry = run_retention(factory, env.settings, NOW, dry_run=True)
    assert dry.removed == {"age": len(old) - 1} and paths(env) == before
    report = run_retention(factory, env.settings, NOW)
    assert report.removed == {"age": len(old) - 1} and report.held_kept == 1
    assert paths(env) == {old[0].path} | {s.path for s in new}
    assert storage.absolute(old[0].path).exists()
    assert not storage.absolute(old[1].path).exists()


def test_quota_above_high_water_with_only_held_footage_left_faults_and_alerts(make_env, tmp_path):
    env, _, old, _, _ = setup(make_env, tmp_path, quota_gb=0.000001)  # 1 kB: always above the mark
    report = run_retention(make_session_factory(env.engine), env.settings, NOW)
    assert report.fault and "held" in report.fault
    assert paths(env) == {old[0].path}
    with env.session() as s:
        alert = s.scalar(select(Alert).where(Alert.kind == "storage_full"))
        assert alert is not None and alert.priority.value == "high"


def test_expired_playback_files_are_removed_and_their_record_kept(make_env, tmp_path):
    env, storage, *_ = setup(make_env, tmp_path)
    target = storage.work_dir("playback") / "t1.mp4"
    target.write_bytes(b"x")
    with env.session() as s:
        user = make_user(s)
        s.add(
            Playback(
                id="t1",
                user_id=user.id,
                camera_id=1,
                start=NOW,
                end=NOW,
                path=storage.relative(target),
                expires_at=NOW - dt.timedelta(minutes=1),
            )
        )
    report = run_retention(make_session_factory(env.engine), env.settings, NOW)
    assert report.playback_files_removed == 1 and not target.exists()
    with env.session() as s:
        assert s.get(Playback, "t1").path == ""


def test_cli_retention_dry_run_prints_what_it_would_remove(make_env, tmp_path, monkeypatch):
    env, *_ = setup(make_env, tmp_path)
    monkeypatch.setenv("CONTROLROOM_DATABASE__URL", env.settings.database.url.get_secret_value())
    monkeypatch.setenv("CONTROLROOM_DATA_DIR", str(env.settings.data_dir))
    result = CliRunner().invoke(cli, ["footage", "retention", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("retention would remove")

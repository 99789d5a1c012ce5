"""Issue #18 (a quick CLI): the long commands that printed nothing while working (footage export, `log verify`,
retention) show progress on a terminal and keep quiet with `--json`, whose stdout is one JSON object."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from access.roles import Role
from footage.storage import Storage
from shift_logs.duty_log import service as duty_log
from shift_logs.duty_log.models import EntryKind
from tests.factories.access import make_user
from tests.factories.alerts import make_camera
from tests.factories.footage import record_clip
from tests.factories.shift_logs import make_post
from tests.support.app_env import Env
from tests.support.peers import make_clip
from tests.support.terminal import on_a_terminal

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


def _footage(make_env: Callable[..., Env], tmp_path: Path) -> tuple[Env, dict[str, str]]:
    env = make_env(data_dir=tmp_path / "data")
    clip = make_clip("testsrc2", size="320x180", rate=10, seconds=20)
    with env.session() as s:
        cam = make_camera(s, name="gate")
        cam.recording = {"mode": "continuous", "retain_days": 1}
        record_clip(s, Storage.of(env.settings), cam, clip, start=NOW - dt.timedelta(days=3), seconds=6)
        record_clip(s, Storage.of(env.settings), cam, clip, start=NOW - dt.timedelta(minutes=30), seconds=6)
        make_user(s, username="sun", roles=(Role.SUPERVISOR,))
        post = make_post(s)
        for i in range(3):
            at = NOW - dt.timedelta(minutes=10 - i)
            duty_log.append(s, post_id=post.id, kind=EntryKind.CALL, text=f"call {i}", author=None, now=at)
    variables = {
        "CONTROLROOM_DATABASE__URL": env.settings.database.url.get_secret_value(),
        "CONTROLROOM_DATA_DIR": str(env.settings.data_dir),
    }
    return env, variables


@pytest.mark.slow  # seven CLI processes (each imports the footage stack)
def test_export_verify_and_retention_show_progress_and_json_is_quiet(
    make_env: Callable[..., Env], tmp_path: Path
) -> None:
    _, variables = _footage(make_env, tmp_path)
    start = (NOW - dt.timedelta(minutes=30)).isoformat()
    end = (NOW - dt.timedelta(minutes=30) + dt.timedelta(seconds=4)).isoformat()
    export = ["footage", "export", "-c", "gate", "--start", start, "--end", end, "--as", "sun"]

    code, out, drawn = on_a_terminal([*export, "--out", str(tmp_path / "a.zip")], tmp_path, variables)
    assert code == 0, drawn
    assert "export gate" in drawn and out.startswith(f"wrote {tmp_path / 'a.zip'}"), (out, drawn)
    code, out, drawn = on_a_terminal(
        [*export, "--out", str(tmp_path / "b.zip"), "--json"], tmp_path, variables
    )
    assert code == 0, drawn
    assert "export gate" not in drawn, drawn
    made = json.loads(out)
    assert made["path"] == str(tmp_path / "b.zip") and made["size"] == (tmp_path / "b.zip").stat().st_size
    assert len(made["sha256"]) == 64

    code, out, drawn = on_a_terminal(["log", "verify"], tmp_path, variables)
    assert code == 0, drawn
    assert "verify duty logs" in drawn and "1 logs, 3 entries verified" in out, (out, drawn)
    code, out, drawn = on_a_terminal(["log", "verify", "--json"], tmp_path, variables)
    assert code == 0 and "verify duty logs" not in drawn, drawn
    verified = json.loads(out)
    assert verified["ok"] is True and [log["checked"] for log in verified["logs"]] == [3]

    code, out, drawn = on_a_terminal(["footage", "retention", "--dry-run"], tmp_path, variables)
    assert code == 0 and "retention (dry run)" in drawn and out.startswith("retention would remove"), drawn
    code, out, drawn = on_a_terminal(["footage", "retention", "--json"], tmp_path, variables)
    assert code == 0 and "retention" not in drawn, drawn
    purged = json.loads(out)
    assert purged["removed"]["age"] == purged["removed_total"] > 0 and purged["dry_run"] is False
    code, out, drawn = on_a_terminal(["footage", "retention"], tmp_path, variables)
    assert code == 0 and "retention: removing old footage" in drawn, drawn
    assert out.startswith("retention removed nothing"), out

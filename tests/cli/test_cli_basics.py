"""The command line as a new user meets it: a quick --help, one line for every bad argument, no stray ./data."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.terminal import on_a_terminal

HEAVY = ("sqlalchemy", "av", "cv2", "numpy", "fastapi", "pydantic", "alembic")


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("CONTROLROOM_")}
    environ.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "runtime.cli", *args],
        capture_output=True,
        text=True,
        env=environ,
        cwd=cwd,
        timeout=120,
    )


def test_help_loads_no_heavy_module_and_is_quick(tmp_path: Path) -> None:
    probe = (
        "import sys, runtime.cli\n"
        "from runtime.cli import app\n"
        "try:\n    app(['--help'], standalone_mode=False)\nexcept SystemExit:\n    pass\n"
        f"print('heavy:' + ','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path, timeout=60
    )
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip().splitlines()[-1] == "heavy:", loaded.stdout
    best = 99.0
    for _ in range(3):  # the best of three: the machine is shared
        started = time.monotonic()
        result = run("--help", cwd=tmp_path)
        best = min(best, time.monotonic() - started)
        assert result.returncode == 0
    for name in ("detect", "camera", "report", "footage", "demo", "serve", "user"):
        assert name in result.stdout
    assert best < 0.5 * 3, f"--help took {best:.2f} s"  # < 0.5 s on an idle machine; generous under load


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("camera", "test", "ftp://x/y"), "unknown camera URL scheme 'ftp'"),
        (("camera", "test"), "Missing argument 'url'"),
        (("camera", "test", "x", "--frames", "abc"), "Invalid value for '--frames'"),
        (("nosuch",), "No such command 'nosuch'"),
        (("detect", "--nonsense"), "No such option"),
    ],
)
def test_bad_argument_is_one_line_and_exit_2(tmp_path: Path, args: tuple[str, ...], says: str) -> None:
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and says in lines[0], result.stderr


def test_database_command_without_data_creates_nothing_and_says_how(tmp_path: Path) -> None:
    result = run("user", "list", cwd=tmp_path)
    assert result.returncode == 2
    assert not (tmp_path / "data").exists()
    line = result.stderr.strip()
    assert str(tmp_path / "data" / "controlroom.db") in line
    assert "--data-dir" in line and "CONTROLROOM_DATA_DIR" in line
    other = tmp_path / "elsewhere"
    made = run("--data-dir", str(other), "db", "upgrade", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    listed = run("user", "list", cwd=tmp_path, env={"CONTROLROOM_DATA_DIR": str(other)})
    assert listed.returncode == 0, listed.stderr
    assert (other / "controlroom.db").exists() and not (tmp_path / "data").exists()


def test_long_work_shows_progress_on_a_terminal_and_none_with_json(tmp_path: Path) -> None:
    import numpy as np

    from bench.evalset.build import encode_gray

    video = tmp_path / "clip.mp4"
    frames = (np.full((120, 160), 40 + (i % 50), dtype=np.uint8) for i in range(60))
    encode_gray(frames, video, 10.0)
    code, _, drawn = on_a_terminal(["detect", str(video), "--text"], tmp_path)
    assert code == 0 and "detect clip.mp4" in drawn, drawn
    code, _, drawn = on_a_terminal(["detect", str(video), "--json"], tmp_path)
    assert code == 0 and "detect clip.mp4" not in drawn, drawn

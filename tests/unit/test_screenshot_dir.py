"""Browser tests never write into the tracked docs/screenshots; only scripts/refresh-screenshots does."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = "from tests.support.screenshots import screenshot_dir; print(screenshot_dir())"


def _dir(env: dict[str, str]) -> Path:
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return Path(done.stdout.strip())


def test_screenshots_go_to_a_temporary_folder_unless_the_refresh_script_asks(tmp_path: Path) -> None:
    assert ROOT not in _dir({"PATH": "/usr/bin"}).parents
    assert _dir({"PATH": "/usr/bin", "SCREENSHOTS_DIR": str(tmp_path / "shots")}) == tmp_path / "shots"


def test_no_browser_test_names_the_tracked_folder() -> None:
    for path in (ROOT / "tests" / "browser").glob("*.py"):
        assert '"docs" / "screenshots"' not in path.read_text(encoding="utf-8"), path.name

"""Where browser tests put their screenshots: a temporary folder, never the tracked docs/screenshots.

`scripts/refresh-screenshots` runs the tests that take README's pictures with `SCREENSHOTS_DIR` pointing
at docs/screenshots; a plain test run leaves the repository untouched.
"""

from __future__ import annotations

import functools
import os
import tempfile
from pathlib import Path

__all__ = ["screenshot_dir"]


@functools.cache
def screenshot_dir() -> Path:
    """`$SCREENSHOTS_DIR` if set (the refresh script), else a fresh temporary folder for this run."""
    chosen = os.environ.get("SCREENSHOTS_DIR")
    path = Path(chosen) if chosen else Path(tempfile.mkdtemp(prefix="controlroom-screenshots-"))
    path.mkdir(parents=True, exist_ok=True)
    return path

"""Run the CLI as a person at a terminal would: stderr on a pseudo-terminal (so progress is drawn), stdout piped."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

__all__ = ["on_a_terminal"]


def on_a_terminal(
    args: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 120
) -> tuple[int, str, str]:
    """Run `python -m runtime.cli ARGS`; return the exit code, stdout, and what was drawn on stderr.

    CONTROLROOM_* variables of this process are dropped; `env` adds the ones the command needs."""
    import pty

    leader, follower = pty.openpty()
    environ = {k: v for k, v in os.environ.items() if not k.startswith("CONTROLROOM_")}
    environ.update({"TERM": "xterm", "COLUMNS": "100", "CONTROLROOM_LOGGING__JSON": "false", **(env or {})})
    proc = subprocess.Popen(
        [sys.executable, "-m", "runtime.cli", *args],
        stdout=subprocess.PIPE,
        stderr=follower,
        cwd=cwd,
        env=environ,
    )
    os.close(follower)
    drawn = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed: the process has exited
            break
        if not chunk:
            break
        drawn += chunk
    os.close(leader)
    assert proc.stdout is not None
    with proc.stdout:
        out = proc.stdout.read()
    return proc.wait(timeout=timeout), out.decode("utf-8", "replace"), drawn.decode("utf-8", "replace")

"""The GStreamer RTSP test server (`testkit/rtsp_server.py`, run by Debian's Python) and port helpers."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import threading
import time
from pathlib import Path

__all__ = ["SERVER_SCRIPT", "SYSTEM_PYTHON", "RtspServer", "free_port", "wait_port"]

SERVER_SCRIPT = Path(__file__).with_name("rtsp_server.py")
SYSTEM_PYTHON = "/usr/bin/python3"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_line(proc: subprocess.Popen[str], prefix: str, timeout: float) -> None:
    found = threading.Event()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith(prefix):
                found.set()

    threading.Thread(target=read, daemon=True).start()
    if not found.wait(timeout):
        proc.kill()
        raise RuntimeError(f"test peer did not start: {proc.args!r}")


class RtspServer:
    """testkit/rtsp_server.py in a subprocess of Debian's Python; `url(mount)`, `stop()`, `start()`."""

    def __init__(self, args: list[str], port: int | None = None) -> None:
        self.args = args
        self.port = port or free_port()
        self.proc: subprocess.Popen[str] | None = None

    @staticmethod
    def available() -> bool:
        """True if Debian's Python can load GStreamer's RTSP server."""
        probe = (
            "import gi; gi.require_version('GstRtspServer', '1.0'); from gi.repository import GstRtspServer"
        )
        try:
            return (
                subprocess.run([SYSTEM_PYTHON, "-c", probe], capture_output=True, timeout=30).returncode == 0
            )
        except (OSError, subprocess.TimeoutExpired):
            return False

    def start(self) -> RtspServer:
        """Start (or restart) the server on its port and wait until it listens."""
        cmd = [SYSTEM_PYTHON, str(SERVER_SCRIPT), "--port", str(self.port), *self.args]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        _wait_line(self.proc, "READY", 15)
        return self

    def stop(self) -> None:
        """Kill the server (clients see the connection drop)."""
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait(10)
            _close_pipes(self.proc)
        self.proc = None

    def url(self, mount: str, user: str | None = None, password: str | None = None) -> str:
        """rtsp:// URL of a mount, with credentials if given."""
        auth = f"{user}:{password}@" if user else ""
        return f"rtsp://{auth}127.0.0.1:{self.port}/{mount}"


def _close_pipes(proc: subprocess.Popen[str]) -> None:
    for pipe in (proc.stdout, proc.stderr):
        if pipe is not None:
            with contextlib.suppress(OSError):
                pipe.close()


def wait_port(port: int, timeout: float) -> None:
    """Wait until something accepts TCP connections on 127.0.0.1:port."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port}")

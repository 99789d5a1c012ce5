"""Real test peers: seeded media made with ffmpeg, the GStreamer RTSP server, ipycam (ONVIF) and helpers.

Media goes to `.cache/media` (git-ignored) and is made once; servers listen on free 127.0.0.1 ports.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MEDIA = ROOT / ".cache" / "media"
IPYCAM_PYTHON = ROOT / ".cache" / "ipycam-venv" / "bin" / "python"
SERVER_SCRIPT = Path(__file__).with_name("rtsp_server.py")
SYSTEM_PYTHON = "/usr/bin/python3"


def missing_peer(what: str) -> None:
    """Skip locally, fail in CI: a missing peer must never turn CI green by skipping."""
    message = f"{what} (run scripts/test-peers.sh)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def make_clip(
    name: str,
    *,
    size: str = "640x360",
    rate: int = 25,
    seconds: int = 60,
    gop: int | None = None,
    crf: int = 30,
) -> Path:
    """An H.264 MP4 of ffmpeg's seeded test pattern (made once, reused); keyframe every `gop` frames."""
    path = MEDIA / f"{name}-{size}-{rate}-{seconds}s.mp4"
    if path.exists():
        return path
    if shutil.which("ffmpeg") is None:
        missing_peer("ffmpeg is not installed")
    MEDIA.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.mp4")
    cmd = ["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", f"testsrc2=size={size}:rate={rate}"]
    cmd += [
        "-t",
        str(seconds),
        "-c:v",
        "libx264",
        "-preset",
        "veryfast",
        "-tune",
        "zerolatency",
        "-crf",
        str(crf),
    ]
    cmd += ["-g", str(gop or rate), "-bf", "0", "-pix_fmt", "yuv420p", "-movflags", "+faststart", str(tmp)]
    subprocess.run(cmd, check=True, timeout=600)
    tmp.rename(path)
    return path


def make_audio_only(name: str = "tone") -> Path:
    """An audio-only file (no video track)."""
    path = MEDIA / f"{name}.m4a"
    if not path.exists():
        MEDIA.mkdir(parents=True, exist_ok=True)
        cmd = ["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=440:duration=2"]
        subprocess.run([*cmd, "-c:a", "aac", str(path)], check=True, timeout=120)
    return path


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
    """tests/support/rtsp_server.py in a subprocess of Debian's Python; `url(mount)`, `stop()`, `start()`."""

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


class Ipycam:
    """ipycam (a virtual ONVIF camera) from its own venv, headless, on 127.0.0.1 with a file source."""

    def __init__(self, source: Path, workdir: Path, *, user: str = "admin", password: str = "secret") -> None:
        self.source, self.workdir, self.user, self.password = source, workdir, user, password
        self.onvif_port, self.rtsp_port = free_port(), free_port()
        self.proc: subprocess.Popen[str] | None = None

    def start(self) -> Ipycam:
        """Write its config, start it and wait until its ONVIF port answers."""
        if not IPYCAM_PYTHON.exists():
            missing_peer("ipycam venv missing at .cache/ipycam-venv")
        config = {
            "local_ip": "127.0.0.1",
            "onvif_port": self.onvif_port,
            "rtsp_port": self.rtsp_port,
            "web_port": free_port(),
            "go2rtc_api_port": free_port(),
            "username": self.user,
            "password": self.password,
            "main_width": 320,
            "main_height": 180,
            "main_fps": 5,
            "sub_width": 320,
            "sub_height": 180,
            "sub_fps": 5,
            "main_bitrate": "300K",
            "sub_bitrate": "200K",
            "hw_accel": "cpu",
            "show_timestamp": False,
        }
        cfg = self.workdir / "camera_config.json"
        cfg.write_text(json.dumps(config))
        cmd = [str(IPYCAM_PYTHON), "-m", "ipycam", "--config", str(cfg), "--source", str(self.source)]
        cmd += ["--no-timestamp", "--log-level", "WARNING"]
        self.proc = subprocess.Popen(
            cmd, cwd=self.workdir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        _wait_line(self.proc, "IP Camera is running", 30)
        wait_port(self.onvif_port, 10)
        return self

    def stop(self) -> None:
        """Stop ipycam."""
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.terminate()
                try:
                    self.proc.wait(10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait(5)
            _close_pipes(self.proc)
        self.proc = None


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

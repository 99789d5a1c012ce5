"""Real test peers: seeded media (testkit.media), the GStreamer RTSP server (testkit.rtsp), ipycam (ONVIF).

Media and the RTSP server live in `testkit/`, shared with `bench/`; this module adds what only pytest needs
(a missing peer skips locally and fails in CI) and the ONVIF peer.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from testkit import media
from testkit.media import MEDIA, PeerMissing, make_audio_only
from testkit.rtsp import RtspServer, _close_pipes, _wait_line, free_port, wait_port

__all__ = [
    "MEDIA",
    "Ipycam",
    "RtspServer",
    "free_port",
    "make_audio_only",
    "make_clip",
    "missing_peer",
    "wait_port",
]

ROOT = Path(__file__).resolve().parents[2]
IPYCAM_PYTHON = ROOT / ".cache" / "ipycam-venv" / "bin" / "python"


def missing_peer(what: str) -> None:
    """Skip locally, fail in CI: a missing peer must never turn CI green by skipping."""
    message = f"{what} (run scripts/test-peers.sh)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def make_clip(
    name: str,
    *,
    size: str = "640x360",
    rate: int = 25,
    seconds: int = 60,
    gop: int | None = None,
    crf: int = 30,
) -> Path:
    """testkit.media.make_clip, skipping (or failing in CI) when ffmpeg is missing."""
    try:
        return media.make_clip(name, size=size, rate=rate, seconds=seconds, gop=gop, crf=crf)
    except PeerMissing as exc:
        missing_peer(str(exc))
        raise


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

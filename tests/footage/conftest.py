"""Fixtures of the footage integration tests: the devices' RTSP server fixtures (imported), a recorder sink,
storage, and a size-capped (tmpfs) folder for the disk-full tests."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.clock import utcnow
from footage.segments import SegmentWritten
from tests.devices.conftest import clip, own_rtsp_server, rtsp_available, rtsp_server
from tests.support.peers import missing_peer

__all__ = ["clip", "own_rtsp_server", "rtsp_available", "rtsp_server"]


class CollectingSink:
    """A RecorderSink that keeps what it is told."""

    def __init__(self) -> None:
        self.written: list[SegmentWritten] = []
        self.written_at: list[dt.datetime] = []  # when each segment was reported
        self.faults: list[tuple[int, str, str]] = []
        self.recoveries: list[tuple[int, str]] = []
        self.changed = threading.Condition()

    def segment_written(self, written: SegmentWritten) -> None:
        with self.changed:
            self.written.append(written)
            self.written_at.append(utcnow())
            self.changed.notify_all()

    def fault(self, camera_id: int, kind: str, message: str) -> None:
        with self.changed:
            self.faults.append((camera_id, kind, message))
            self.changed.notify_all()

    def recovered(self, camera_id: int, kind: str) -> None:
        with self.changed:
            self.recoveries.append((camera_id, kind))
            self.changed.notify_all()

    def wait(self, predicate, timeout: float) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: predicate(self), timeout)


@pytest.fixture
def sink() -> CollectingSink:
    return CollectingSink()


def _as_root(args: list[str]) -> subprocess.CompletedProcess[bytes]:
    """Run as root: directly when we are root, else through password-less sudo."""
    prefix = [] if os.geteuid() == 0 else ["sudo", "-n"]
    return subprocess.run([*prefix, *args], capture_output=True, check=False)


@pytest.fixture
def capped_dir(tmp_path: Path) -> Iterator[Path]:
    """A real 12 MB tmpfs (a genuinely full disk); skipped locally, failed in CI, where it cannot be mounted."""
    path = tmp_path / "capped"
    path.mkdir()
    done = _as_root(["mount", "-t", "tmpfs", "-o", f"size=12m,uid={os.getuid()}", "tmpfs", str(path)])
    if done.returncode != 0:
        missing_peer(f"cannot mount a 12 MB tmpfs: {done.stderr.decode().strip()}")
    try:
        yield path
    finally:
        _as_root(["umount", "-l", str(path)])

"""Fixtures of the footage integration tests: the devices' RTSP server fixtures (imported), a recorder sink,
storage, and a size-capped (tmpfs) folder for the disk-full tests."""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from footage.segments import SegmentWritten
from tests.devices.conftest import clip, own_rtsp_server, rtsp_available, rtsp_server

__all__ = ["clip", "own_rtsp_server", "rtsp_available", "rtsp_server"]


class CollectingSink:
    """A RecorderSink that keeps what it is told."""

    def __init__(self) -> None:
        self.written: list[SegmentWritten] = []
        self.faults: list[tuple[int, str, str]] = []
        self.recoveries: list[tuple[int, str]] = []
        self.changed = threading.Condition()

    def segment_written(self, written: SegmentWritten) -> None:
        with self.changed:
            self.written.append(written)
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


@pytest.fixture
def capped_dir(tmp_path: Path) -> Iterator[Path]:
    """A real 12 MB tmpfs; skipped (locally) where mounting is not allowed."""
    path = tmp_path / "capped"
    path.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=12m", "tmpfs", str(path)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)

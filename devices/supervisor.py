"""Stream supervision: one reader thread per camera, reconnect with backoff, health events, bounded hand-over.

Each camera has its own reader thread (open, read, reconnect) and its own consumer thread (calls the consumer
with frames from a drop-oldest queue), so a hung camera or a slow consumer never stalls another camera.
A watchdog thread re-judges health on the clock so that stalls are noticed while a read is blocked.
"""

from __future__ import annotations

import functools
import logging
import random
import threading
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from core.clock import Clock, SystemClock
from devices.adapters.base import SnapshotBuffer, SourceStats
from devices.errors import DeviceError
from devices.health import Backoff, HealthChange, HealthState, HealthThresholds, HealthTracker
from devices.queue import DropOldestQueue
from devices.urls import mask_text
from monitor.frames import Frame, FrameSource

__all__ = ["CameraStatus", "FrameConsumer", "HealthSubscriber", "SourceFactory", "StreamSupervisor"]

log = logging.getLogger("controlroom.devices")

SourceFactory = Callable[[], FrameSource]
FrameConsumer = Callable[[Frame], None]
HealthSubscriber = Callable[[HealthChange], None]


class _HasStats(Protocol):
    stats: SourceStats


@dataclass(frozen=True, slots=True)
class CameraStatus:
    """A point-in-time view of one supervised camera."""

    camera_id: str
    health: HealthState
    frames: int
    dropped: int
    reconnects: int
    consumer_errors: int
    low_power: bool


def frame_signature(frame: Frame) -> int:
    """A cheap hash of a subsample of the picture, to spot identical (frozen) frames."""
    return zlib.crc32(frame.image[::8, ::8].tobytes())


class _Camera:
    """Reader and consumer threads of one camera."""

    def __init__(
        self,
        camera_id: str,
        factory: SourceFactory,
        consumer: FrameConsumer | None,
        tracker: HealthTracker,
        sup: StreamSupervisor,
    ) -> None:
        self.camera_id, self.factory, self.consumer, self.tracker = camera_id, factory, consumer, tracker
        self.sup = sup
        self.queue: DropOldestQueue[Frame] = DropOldestQueue(sup.queue_size)
        self.snapshots = SnapshotBuffer()
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.frames = self.reconnects = self.consumer_errors = 0
        self.low_power = False
        self.rng = random.Random(zlib.crc32(camera_id.encode()))
        self.threads = [
            threading.Thread(target=self._read_loop, name=f"cam-read-{camera_id}", daemon=True),
            threading.Thread(target=self._consume_loop, name=f"cam-consume-{camera_id}", daemon=True),
        ]

    def judge(self, step: Callable[[], HealthChange | None]) -> None:
        """Run one health step under the camera's lock and emit the change, if any, outside it."""
        with self.lock:
            change = step()
        if change is not None:
            self.sup.emit(change)

    def _read_loop(self) -> None:
        attempt = 0
        while not self.stop.is_set():
            got_frames, reason = self._read_once()
            self.judge(functools.partial(self.tracker.on_disconnected, reason))
            if self.stop.is_set():
                return
            attempt = 0 if got_frames else attempt + 1
            self.reconnects += 1
            delay = self.sup.backoff.delay(attempt, self.rng)
            log.info("camera %s: %s; reconnecting in %.1f s", self.camera_id, mask_text(reason), delay)
            self.stop.wait(delay)

    def _read_once(self) -> tuple[bool, str]:
        """Open, read until failure; return (frames were read, reason it stopped)."""
        got = False
        try:
            source = self.factory()
            source.open()
        except DeviceError as exc:
            return False, exc.message
        except Exception as exc:
            log.exception("camera %s: opening crashed", self.camera_id)
            return False, mask_text(f"open crashed: {exc.__class__.__name__}: {exc}")
        try:
            info = getattr(source, "info", None)
            self.judge(lambda: self.tracker.on_connected(getattr(info, "fps", None)))
            while not self.stop.is_set():
                self._apply_low_power(source)
                frame = source.read()
                if frame is None:
                    return got, "stream ended"
                got = True
                self._hand_over(source, frame)
            return got, "stopped"
        except DeviceError as exc:
            return got, exc.message
        except Exception as exc:
            log.exception("camera %s: reader crashed", self.camera_id)
            return got, mask_text(f"reader crashed: {exc.__class__.__name__}: {exc}")
        finally:
            source.close()

    def _apply_low_power(self, source: FrameSource) -> None:
        setter = getattr(source, "set_low_power", None)
        if setter is not None and getattr(source, "low_power", self.low_power) != self.low_power:
            setter(self.low_power)

    def _hand_over(self, source: FrameSource, frame: Frame) -> None:
        self.frames += 1
        stats: SourceStats | None = getattr(source, "stats", None)
        errors = stats.decode_errors if stats is not None else 0
        self.judge(lambda: self.tracker.on_frame(frame_signature(frame), errors))
        self.snapshots.put(frame)
        if self.consumer is not None:
            self.queue.put(frame)

    def _consume_loop(self) -> None:
        if self.consumer is None:
            return
        while not self.stop.is_set():
            frame = self.queue.get(timeout=0.5)
            if frame is None:
                continue
            try:
                self.consumer(frame)
            except Exception:
                self.consumer_errors += 1
                log.exception("camera %s: frame consumer failed", self.camera_id)

    def status(self) -> CameraStatus:
        """A point-in-time view of this camera."""
        return CameraStatus(
            self.camera_id,
            self.tracker.state,
            self.frames,
            self.queue.dropped,
            self.reconnects,
            self.consumer_errors,
            self.low_power,
        )


class StreamSupervisor:
    """Runs and watches many camera streams; health changes go to subscribers as `HealthChange` events."""

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        backoff: Backoff | None = None,
        thresholds: HealthThresholds | None = None,
        queue_size: int = 4,
        tick: float = 0.5,
    ) -> None:
        self.clock: Clock = clock or SystemClock()
        self.backoff = backoff or Backoff()
        self.thresholds = thresholds or HealthThresholds()
        self.queue_size = queue_size
        self.tick = tick
        self._cameras: dict[str, _Camera] = {}
        self._subscribers: list[HealthSubscriber] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._watchdog: threading.Thread | None = None

    def subscribe(self, callback: HealthSubscriber) -> None:
        """Call `callback` with every health change (from supervisor threads; keep it quick)."""
        self._subscribers.append(callback)

    def emit(self, change: HealthChange) -> None:
        """Send a health change to every subscriber; a failing subscriber is logged, never fatal."""
        log.info(
            "camera %s: %s -> %s (%s)",
            change.camera_id,
            change.previous,
            change.current.status,
            mask_text(change.current.reason),
        )
        for callback in list(self._subscribers):
            try:
                callback(change)
            except Exception:
                log.exception("health subscriber failed for camera %s", change.camera_id)

    def add(
        self,
        camera_id: str,
        factory: SourceFactory,
        *,
        consumer: FrameConsumer | None = None,
        expected_fps: float | None = None,
    ) -> None:
        """Supervise a camera: `factory()` builds a fresh unopened source for each (re)connect."""
        tracker = HealthTracker(
            camera_id, clock=self.clock, expected_fps=expected_fps, thresholds=self.thresholds
        )
        cam = _Camera(camera_id, factory, consumer, tracker, self)
        with self._lock:
            if camera_id in self._cameras:
                raise ValueError(f"camera {camera_id!r} is already supervised")
            self._cameras[camera_id] = cam
        if self._watchdog is not None:
            for t in cam.threads:
                t.start()

    def remove(self, camera_id: str, timeout: float = 2.0) -> None:
        """Stop supervising a camera; its threads end after their current read."""
        with self._lock:
            cam = self._cameras.pop(camera_id)
        self._stop_camera(cam, timeout)

    def start(self) -> None:
        """Start every camera's threads and the health watchdog."""
        self._stop.clear()
        self._watchdog = threading.Thread(target=self._watch, name="cam-watchdog", daemon=True)
        self._watchdog.start()
        for cam in list(self._cameras.values()):
            for t in cam.threads:
                t.start()

    def stop(self, timeout: float = 2.0) -> None:
        """Stop all cameras; waits up to `timeout` per camera for its threads (they are daemons)."""
        self._stop.set()
        for cam in list(self._cameras.values()):
            self._stop_camera(cam, timeout)
        if self._watchdog is not None:
            self._watchdog.join(timeout)
            self._watchdog = None

    @staticmethod
    def _stop_camera(cam: _Camera, timeout: float) -> None:
        cam.stop.set()
        cam.queue.close()
        for t in cam.threads:
            if t.is_alive():
                t.join(timeout)

    def _watch(self) -> None:
        while not self._stop.wait(self.tick):
            for cam in list(self._cameras.values()):
                cam.judge(cam.tracker.evaluate)

    def set_low_power(self, camera_id: str, on: bool) -> None:
        """Decode only keyframes of this camera (on) or all frames (off); applied before its next read."""
        cam = self._cameras[camera_id]
        with cam.lock:
            cam.low_power = on
            cam.tracker.check_fps = not on  # keyframes only: the delivered rate says nothing about health

    def health(self, camera_id: str) -> HealthState:
        """Return the camera's current health."""
        return self._cameras[camera_id].tracker.state

    def status(self) -> list[CameraStatus]:
        """Return the status of every supervised camera."""
        return [cam.status() for cam in list(self._cameras.values())]

    def snapshot_jpeg(self, camera_id: str) -> bytes | None:
        """Return the camera's latest frame as JPEG (encoded on demand), or None before the first."""
        return self._cameras[camera_id].snapshots.jpeg()

"""Recording inside the capture worker: one `Recorder` per camera this worker leases whose recording mode is
not `off`, a writer thread that indexes segments and raises storage alerts, and the retention job.

The worker wires it with `footage.runtime.attach(worker)` (adds its jobs to the worker's scheduler) and
calls `.stop()` when it stops.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import threading
from collections.abc import Callable
from typing import Any, Protocol

from sqlalchemy import select

from config.cameras import RecordingConfig
from config.settings import Settings
from core.clock import Clock, SystemClock
from db.session import SessionFactory, session_scope
from db.writer import Job, WriterThread
from devices.camera import service as cameras
from devices.camera.models import Camera
from devices.credentials import CredentialBox
from devices.packet_feed import PacketFeed
from footage import segments
from footage.jobs import RetentionReport, raise_storage_alert, run_retention
from footage.recorder import Recorder, orphan_segments, repair_camera_folder
from footage.segments import SegmentWritten
from footage.storage import Storage

__all__ = ["FootageRuntime", "WorkerLike", "attach"]

log = logging.getLogger(__name__)
_RECORDABLE = ("rtsp://", "rtsps://", "http://", "https://", "file:", "/", "demo://")


class WorkerLike(Protocol):
    """What `attach` needs of the capture worker (runtime.worker.Worker)."""

    settings: Settings
    factory: SessionFactory
    clock: Clock
    worker_id: str
    scheduler: Any


class FootageRuntime:
    """Recorders for this worker's cameras, their database writer, and the retention job."""

    def __init__(
        self, settings: Settings, factory: SessionFactory, *, worker_id: str, clock: Clock | None = None
    ) -> None:
        self.settings, self.factory, self.worker_id = settings, factory, worker_id
        self.clock: Clock = clock or SystemClock()
        self.storage = Storage.of(settings)
        self.box = CredentialBox(settings.auth.secret_key.get_secret_value())
        self.recorders: dict[int, Recorder] = {}
        # the packets of a camera's reader in this process (the capture runtime's `feed_of`): a camera whose
        # reader reads the recorded stream is recorded from them instead of a second connection
        self.feeds: Callable[[str], PacketFeed | None] | None = None
        self.writer = WriterThread("footage-writer", maxsize=10_000)
        self.writer.start()
        self._lock = threading.Lock()

    # ---- recorders -----------------------------------------------------------------------------------
    def sync(self) -> None:
        """Start recorders for leased cameras that record, stop those no longer leased or recording, and
        restart those whose URL changed (also called by the worker as soon as a camera changes)."""
        with session_scope(self.factory) as session:
            rows = session.scalars(
                select(Camera).where(Camera.worker_id == self.worker_id, Camera.enabled.is_(True))
            ).all()
            wanted = {
                c.id: self._urls(c)
                for c in rows
                if RecordingConfig.model_validate(c.recording or {}).mode != "off"
            }
        with self._lock:
            for camera_id in set(self.recorders) - set(wanted):
                self.recorders.pop(camera_id).stop()
            for camera_id, (name, url, read_url) in wanted.items():
                running = self.recorders.get(camera_id)
                if running is not None and running.url != url:  # the camera's URL changed: follow it
                    log.info("camera %s: stream URL changed; restarting its recorder", name)
                    self.recorders.pop(camera_id).stop()
                if camera_id not in self.recorders:
                    shared = read_url == url and self.settings.footage.record_from_reader
                    self.record(camera_id, name, url, shared=shared)

    def _urls(self, camera: Camera) -> tuple[str, str, str]:
        """The camera's name, recorded (main) URL and the URL its reader reads, each unsealed once."""
        url = cameras.stream_url(camera, self.box)
        return (
            camera.name,
            url,
            cameras.stream_url(camera, self.box, sub=True) if camera.sub_url_sealed else url,
        )

    def _feed(self, name: str) -> Callable[[], PacketFeed | None] | None:
        feeds = self.feeds
        return None if feeds is None else functools.partial(feeds, name)

    def record(self, camera_id: int, name: str, url: str, *, shared: bool = False) -> Recorder | None:
        """Repair what a crash left of this camera, then start recording it."""
        if not url.startswith(_RECORDABLE):
            log.warning("camera %s: its stream cannot be recorded (not rtsp/http/file/demo)", name)
            return None
        for written in repair_camera_folder(self.storage, camera_id, name):
            self.segment_written(written)
        with session_scope(self.factory) as session:
            known = segments.known_paths(session, camera_id)
        for written in orphan_segments(self.storage, camera_id, name, known):
            self.segment_written(written)
        recorder = Recorder(
            camera_id=camera_id,
            camera_name=name,
            url=url,
            storage=self.storage,
            sink=self,
            segment_s=self.settings.footage.segment_s,
            reconnect_s=self.settings.footage.reconnect_s,
            open_timeout_s=self.settings.footage.open_timeout_s,
            # a demo camera has no stream to connect to: its reader's encoded packets are all there is
            feed=self._feed(name) if shared or url.startswith("demo://") else None,
        )
        self.recorders[camera_id] = recorder
        recorder.start()
        return recorder

    def stop(self) -> None:
        """Stop every recorder (finishing their segments) and write what is pending."""
        with self._lock:
            for recorder in self.recorders.values():
                recorder.request_stop()  # all at once: each finishes its segment in parallel
            for recorder in self.recorders.values():
                recorder.stop()
            self.recorders.clear()
        self.writer.stop(timeout=10)

    # ---- RecorderSink --------------------------------------------------------------------------------
    def segment_written(self, written: SegmentWritten) -> None:
        """Index a finished segment (on the writer thread)."""

        def write() -> None:
            with session_scope(self.factory) as session:
                segments.add(session, written)

        self._submit(write)

    def fault(self, camera_id: int, kind: str, message: str) -> None:
        """Storage full: raise the alert and run retention at once (it may free unheld footage)."""
        if kind != "storage_full":
            return  # a lost stream is the capture runtime's offline alert

        def write() -> None:
            now = self.clock.now()
            with session_scope(self.factory) as session:
                camera = session.get(Camera, camera_id)
                raise_storage_alert(
                    session, self.settings, f"{message}; recording paused", camera=camera, now=now
                )
            self.retention(now)

        self._submit(write)

    def recovered(self, camera_id: int, kind: str) -> None:
        """Recording runs again (logged by the recorder)."""

    # ---- retention -----------------------------------------------------------------------------------
    def retention(self, now: dt.datetime) -> RetentionReport:
        """Run the retention job once."""
        return run_retention(self.factory, self.settings, now)

    def scheduled_retention(self) -> None:
        """The scheduled retention job: the time is read once, here."""
        self.retention(self.clock.now())

    # ---- the writer thread ---------------------------------------------------------------------------
    def _submit(self, job: Job) -> None:
        if not self.writer.submit(job):
            log.error("footage writer queue full: a job was dropped (a segment is re-indexed at start-up)")

    def drain(self, timeout: float = 10.0) -> None:
        """Wait until every queued job is written (tests, shutdown)."""
        self.writer.drain(timeout)


def attach(worker: WorkerLike) -> FootageRuntime:
    """Create the footage runtime for `worker` and schedule its jobs (recorder sync, retention)."""
    runtime = FootageRuntime(worker.settings, worker.factory, worker_id=worker.worker_id, clock=worker.clock)
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
    worker.scheduler.add_job(
        runtime.sync,
        "interval",
        seconds=max(worker.settings.worker.lease_s / 3, 1),
        id="footage-recorders",
        next_run_time=soon,
        max_instances=1,
        coalesce=True,
    )
    worker.scheduler.add_job(
        runtime.scheduled_retention,
        "interval",
        seconds=worker.settings.footage.retention_interval_s,
        id="footage-retention",
        max_instances=1,
        coalesce=True,
    )
    return runtime

"""The capture worker: cameras (devices) -> detection (monitor) -> alerts and camera health (database).

Which worker reads a camera is a lease in the `cameras` table: a worker claims free cameras, renews its
leases, and another worker takes a camera over when a lease runs out. Camera threads never touch the
database; they hand jobs to one writer thread through a bounded queue, so a slow or lost database never
stalls a camera (jobs are retried while the database is away; beyond the queue's size they are counted
and dropped).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import socket
import time
from collections.abc import Callable, Iterator

from sqlalchemy.exc import DBAPIError

from alerts import service as alerts
from alerts.escalation import priority_for
from config.detection import DetectConfig
from config.settings import Settings
from core.clock import Clock, SystemClock
from db.session import SessionFactory, session_scope
from db.writer import Job, WriterThread
from devices.adapters.factory import open_source
from devices.adapters.pyav import PyAvSource
from devices.adapters.synthetic import SyntheticSource
from devices.camera import service as cameras
from devices.camera.models import Camera
from devices.credentials import CredentialBox
from devices.health import Health, HealthChange
from devices.packet_feed import PacketFeed
from devices.supervisor import StreamSupervisor
from devices.worker import service as workers
from maintenance import auto as maintenance_auto
from monitor.events import EventKind, MonitorEvent
from monitor.frames import Frame
from monitor.pipeline import Detector
from runtime.camera_run import CameraRun
from runtime.pictures import shown_jpeg
from shift_logs.roster import presence

__all__ = ["CaptureRuntime"]

log = logging.getLogger(__name__)
STILL_OFFLINE_AFTER_S = 20.0  # a camera never reached within this is reported offline once


class CaptureRuntime:
    """Reads the cameras leased to this worker, runs detection, and writes alerts and health."""

    def __init__(self, settings: Settings, factory: SessionFactory, *, clock: Clock | None = None) -> None:
        self.settings = settings
        self.factory = factory
        self.clock: Clock = clock or SystemClock()
        self.worker_id = settings.worker.worker_id or f"{socket.gethostname()}:{os.getpid()}"
        self.box = CredentialBox(settings.auth.secret_key.get_secret_value())
        self.supervisor = StreamSupervisor(clock=self.clock, queue_size=settings.worker.queue_size)
        self.supervisor.subscribe(self._on_health)
        self._runs: dict[str, CameraRun] = {}
        self.writer = WriterThread("capture-writer", maxsize=1000)
        self._dropped_seen = 0
        # when the first lease of a worker that stopped heartbeating runs out (None: no such worker)
        self.takeover_at: dt.datetime | None = None

    # ---- lifecycle -------------------------------------------------------------------------------
    def start(self) -> None:
        """Claim cameras and start reading them."""
        self.writer.start()
        self.supervisor.start()
        self.sync_cameras()

    def stop(self) -> None:
        """Stop reading, flush pending writes, and give the leases back."""
        self.supervisor.stop()
        for run in list(self._runs.values()):
            run.feed.close()
        self.writer.stop(timeout=5)
        try:
            with session_scope(self.factory) as session:
                cameras.release(session, worker_id=self.worker_id)
        except DBAPIError:
            log.warning("could not release camera leases; they expire by themselves")

    def sync_cameras(self) -> None:
        """Renew this worker's leases, start newly claimed cameras, stop those it lost."""
        lease = dt.timedelta(seconds=self.settings.worker.lease_s)
        worker = self.settings.worker
        now = self.clock.now()
        with session_scope(self.factory) as session:
            claimed = cameras.claim(
                session,
                worker_id=self.worker_id,
                lease=lease,
                now=now,
                weight=worker.weight,
                address=worker.advertise_url,
            )
            owned = {c.name: c for c in claimed}
            urls = {name: cameras.stream_url(c, self.box, sub=True) for name, c in owned.items()}
            silent = now - dt.timedelta(seconds=2 * worker.sync_every_s)  # two heartbeats missed
            self.takeover_at = workers.next_takeover(
                session, worker_id=self.worker_id, now=now, silent_since=silent
            )
        for name in set(self._runs) - set(owned):
            self.supervisor.remove(name)
            self._runs.pop(name).stop()  # live viewers reconnect and find the new owner
        for name, camera in owned.items():
            if name not in self._runs:
                self._add(camera, urls[name])
        self._report_unchanged_health()
        self.shed_load()

    def apply_changes(self) -> list[str]:
        """Apply camera changes made by any process (API, CLI, another node) to the cameras read here, polled
        through the database every second: a new URL or frame rate restarts the reader, new detection
        settings and privacy masks are taken in place. Returns the names of the cameras changed."""
        if not self._runs:
            return []
        with session_scope(self.factory) as session:
            seen = cameras.versions(session, worker_id=self.worker_id)
            stale = [
                name for name, run in list(self._runs.items()) if seen.get(name, run.version) != run.version
            ]
            fresh = [
                (c, cameras.stream_url(c, self.box, sub=True))
                for c in map(functools.partial(cameras.get_by_name, session), stale)
                if c is not None
            ]
        for camera, url in fresh:
            self._reconfigure(camera, url)
        return [camera.name for camera, _ in fresh]

    def _reconfigure(self, camera: Camera, url: str) -> None:
        run = self._runs.get(camera.name)
        if run is None:
            return
        detect = DetectConfig.model_validate(camera.detect or {})
        if url != run.url or detect.fps != run.detect.fps:
            log.info("camera %s: stream settings changed; restarting its reader", camera.name)
            self.supervisor.remove(camera.name)
            run.stop()
            del self._runs[camera.name]
            self._add(camera, url)
            return
        log.info("camera %s: detection settings changed; applied", camera.name)
        run.reconfigure(camera, detect)

    def shed_load(self) -> None:
        """Under load (analysis frames dropped since the last look) the cameras that are not key cameras fall
        back to keyframes only, so key cameras (D2) keep their full analysis; after a round without drops
        every camera returns to full decoding (unless it is quiet)."""
        status = {s.camera_id: s for s in self.supervisor.status()}
        dropped = sum(s.dropped for s in status.values())
        overloaded = dropped > self._dropped_seen
        self._dropped_seen = dropped
        for name, run in list(self._runs.items()):
            if run.key or name not in status or run.shed == overloaded:
                continue
            log.warning(
                "camera %s: %s",
                name,
                "keyframes only (worker overloaded)" if overloaded else "full analysis again",
            )
            run.shed = overloaded
            self._apply_decode(run)

    def _follow_activity(self, run: CameraRun, active: bool) -> None:
        """Quiet cameras cost a fifth: after `quiet_after_s` without motion a camera decodes keyframes only
        (each still analysed); the first keyframe with motion or a tamper sign brings full decoding back."""
        now = time.monotonic()
        if active:
            run.active_at = now
        quiet_after = self.settings.worker.quiet_after_s
        quiet = bool(quiet_after) and run.detect.quiet_decode and now - run.active_at > quiet_after
        if quiet != run.quiet:
            run.quiet = quiet
            log.info(
                "camera %s: %s", run.name, "quiet: keyframes only" if quiet else "activity: full decoding"
            )
            self._apply_decode(run)

    def _apply_decode(self, run: CameraRun) -> None:
        """Set the reader's decoding to the run's mode and publish the mode (health, wall) when it changed."""
        mode = "quiet" if run.quiet else "shed" if run.shed else "full"
        try:
            self.supervisor.set_low_power(run.name, mode != "full")
        except KeyError:  # the camera was handed over meanwhile
            return
        if mode == run.mode:
            return
        run.mode = mode

        def write() -> None:
            with session_scope(self.factory) as session:
                camera = session.get(Camera, run.camera_id)
                if camera is not None:
                    camera.decode_mode = mode

        self._submit(write)

    def feed_of(self, camera_name: str) -> PacketFeed | None:
        """The packets the reader of `camera_name` demuxes, for its recorder (None: not read here)."""
        run = self._runs.get(camera_name)
        return run.feed if run is not None else None

    def decode_modes(self) -> dict[str, str]:
        """The decode mode of every camera read here (full, quiet, shed)."""
        return {name: run.mode for name, run in list(self._runs.items())}

    def _report_unchanged_health(self) -> None:
        """A camera that was offline from the start never changes health: report its state once anyway."""
        for name, run in list(self._runs.items()):
            state = self.supervisor.health(name)
            waited = time.monotonic() - run.added > STILL_OFFLINE_AFTER_S
            if run.reported is None and state.status is Health.OFFLINE and waited:
                self._on_health(HealthChange(name, state.status, state))

    def _add(self, camera: Camera, url: str) -> None:
        detect = DetectConfig.model_validate(camera.detect or {})
        run = CameraRun(
            camera.id, camera.name, camera.title or camera.name, camera.key, detect, url, camera.updated_at
        )
        self._runs[camera.name] = run

        def factory() -> object:
            source = open_source(
                url, camera_id=camera.name, fps=detect.fps, loop=True, realtime=True, encode=True
            )
            if isinstance(source, PyAvSource | SyntheticSource):
                source.packet_tap = run.tee  # masked cameras are only ever shown blanked (MJPEG)
            return source

        self.supervisor.add(camera.name, factory, consumer=self._consumer(run), expected_fps=detect.fps)  # type: ignore[arg-type]

    # ---- camera threads --------------------------------------------------------------------------
    def _consumer(self, run: CameraRun) -> Callable[[Frame], None]:
        def consume(frame: Frame) -> None:
            run.snapshots.put(frame)
            detector = run.detector
            if detector is None:  # first frame, or new settings (`CameraRun.reconfigure`)
                detector = run.detector = Detector(run.detect, frame.image.shape[:2], camera_id=run.name)
            for event in detector.process(frame):
                if event.is_open:
                    self._on_event(run, event, frame)
                if event.kind.value in maintenance_auto.TAMPER_CONDITIONS:
                    self._on_tamper(run, event)
            self._follow_activity(run, detector.activity)

        return consume

    def _on_tamper(self, run: CameraRun, event: MonitorEvent) -> None:
        """Covered, defocused and moved lenses open an equipment fault and clear it when they end (R9)."""
        now = self.clock.now()

        def write() -> None:
            with session_scope(self.factory) as session:
                maintenance_auto.on_tamper(
                    session, run.name, event.kind.value, event.is_open, now, self.settings.maintenance
                )

        self._submit(write)

    def _on_event(self, run: CameraRun, event: MonitorEvent, frame: Frame) -> None:
        snapshot = shown_jpeg(frame, run.detect)
        now = self.clock.now()
        kind = event.kind.value
        where = f" ({event.zone})" if event.zone else ""
        title = f"{kind} · {run.title}{where}"
        priority = priority_for(kind, key_camera=run.key)

        def write() -> None:
            with session_scope(self.factory) as session:
                raised = alerts.raise_alert(
                    session,
                    kind=kind,
                    camera_id=run.camera_id,
                    camera_name=run.name,
                    zone=event.zone,
                    priority=priority,
                    score=event.score,
                    title=title,
                    settings=self.settings.alerts,
                    snapshot=snapshot,
                    now=now,
                )
                if raised.created:
                    presence.route_alert(session, alert=raised.alert, now=now)
                if event.kind is EventKind.MOTION:
                    camera = session.get(Camera, run.camera_id)
                    if camera is not None:
                        camera.last_motion_at = now

        self._submit(write)

    def _on_health(self, change: HealthChange) -> None:
        state = change.current
        run = self._runs.get(change.camera_id)
        if run is not None:
            run.reported = state.status

        def write() -> None:
            with session_scope(self.factory) as session:
                camera = cameras.set_health(
                    session,
                    name=change.camera_id,
                    status=state.status.value,
                    reason=state.reason,
                    since=state.since,
                )
                maintenance_auto.on_camera_health(
                    session,
                    change.camera_id,
                    state.status.value,
                    state.reason,
                    state.since,
                    self.settings.maintenance,
                )
                if camera is not None and state.status in (Health.OFFLINE, Health.FROZEN):
                    kind = "offline" if state.status is Health.OFFLINE else "frozen"
                    alerts.raise_alert(
                        session,
                        kind=kind,
                        camera_id=camera.id,
                        camera_name=camera.name,
                        zone=None,
                        priority=priority_for(kind, key_camera=camera.key),
                        score=1.0,
                        title=f"{kind} · {camera.title or camera.name}: {camera.health_reason}",
                        settings=self.settings.alerts,
                        now=state.since,
                    )

        if run is not None or change.camera_id:
            self._submit(write)

    def _submit(self, job: Job) -> None:
        self.writer.submit(job)

    # ---- live view (api.context.LiveView) --------------------------------------------------------
    def live_fmp4(self, camera_name: str, wait_s: float = 3.0) -> Iterator[bytes] | None:
        """The camera live as fragmented MP4 (H.264 as received, no re-encoding), or None: not read here,
        no keyframe within `wait_s`, or nothing teed (cameras with privacy masks, MJPEG cameras)."""
        run = self._runs.get(camera_name)
        viewer = None if run is None else run.hub.join(wait_s)
        if run is None or viewer is None:
            return None
        hub = run.hub

        def chunks() -> Iterator[bytes]:
            try:
                yield from viewer.fmp4()
            finally:
                hub.leave(viewer)

        return chunks()

    def reads(self, camera_name: str) -> bool:
        """True while this worker reads the camera (holds its lease)."""
        return camera_name in self._runs

    def snapshot_jpeg(self, camera_name: str, width: int | None = None) -> bytes | None:
        """The camera's latest frame as JPEG (colour, privacy masks blanked, at most `width` wide), or None;
        every tile and stream of one size shares one encoding per frame."""
        run = self._runs.get(camera_name)
        return None if run is None else run.snapshots.jpeg(width)

"""The background side of a controlroom process: capture, escalation and delivery on one scheduler.

All state lives in the database, so the jobs pick up where they left off after a restart (pending
escalations and deliveries are rows), and several processes can run them side by side.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
from collections.abc import Callable

from apscheduler.schedulers.background import BackgroundScheduler

from alerts import service as alerts
from config.settings import Settings
from core.clock import Clock, SystemClock
from db.session import SessionFactory, session_scope
from footage.runtime import FootageRuntime
from footage.runtime import attach as attach_footage
from maintenance import jobs as maintenance_jobs
from reports import stored as reports_stored
from runtime.capture import CaptureRuntime
from runtime.checkpoints import checkpoint_chains
from runtime.delivery import deliver_due, publishers_for
from runtime.ptz_home import ReturnHomeJob
from shift_logs.incident import service as incidents
from shift_logs.roster import presence
from shift_logs.roster import service as roster
from shift_logs.rules import store as duty_rules
from shift_logs.rules.live import evaluate_live
from shift_logs.rules.model import alert_settings_from

__all__ = ["Worker"]

log = logging.getLogger(__name__)
TAKEOVER_MARGIN_S = 0.05  # past the lease's end, so that the claim finds it expired
ESCALATE_BATCH = (
    100  # overdue alerts escalated per transaction (each batch holds their row locks until its commit)
)


class Worker:
    """Runs the capture runtime (if enabled) and the periodic jobs."""

    def __init__(self, settings: Settings, factory: SessionFactory, *, clock: Clock | None = None) -> None:
        self.settings = settings
        self.factory = factory
        self.clock: Clock = clock or SystemClock()
        self.worker_id = settings.worker.worker_id or f"{socket.gethostname()}:{os.getpid()}"
        self.capture = (
            CaptureRuntime(settings, factory, clock=self.clock) if settings.worker.enabled else None
        )
        self.publishers = publishers_for(
            settings.mqtt, settings.alerts.responders, f"controlroom-{self.worker_id}"
        )
        self.scheduler = BackgroundScheduler(timezone="UTC")
        self.footage: FootageRuntime | None = None
        self._syncing = threading.Lock()

    def escalate(self) -> None:
        """Escalate overdue alerts to the shift leaders (targets from the duty rules in force), a batch per
        transaction so that the alerts are not locked for long."""
        while self._escalate_batch() == ESCALATE_BATCH:
            pass

    def _escalate_batch(self) -> int:
        with session_scope(self.factory) as session:
            ruled = alert_settings_from(duty_rules.in_force(session), self.settings.alerts)
            configured = self.settings.alerts
            targets = configured.model_copy(  # the stricter of the configuration and the duty rules applies
                update={
                    "ack_target_high_s": min(configured.ack_target_high_s, ruled.ack_target_high_s),
                    "ack_target_normal_s": min(configured.ack_target_normal_s, ruled.ack_target_normal_s),
                }
            )
            now = self.clock.now()
            leaders = roster.leaders_on_duty(session, now=now) or alerts.default_leaders(session, now)
            done = alerts.escalate_overdue(
                session, settings=targets, leaders=leaders, now=self.clock.now(), limit=ESCALATE_BATCH
            )
        if done:
            log.info("escalated %d alert(s) to %s", len(done), ", ".join(leaders) or "nobody on duty")
        return len(done)

    def check_duty_rules(self) -> None:
        """Evaluate the duty rules live: breaks, unstaffed posts, inactivity, handovers, acknowledgements."""
        with session_scope(self.factory) as session:
            evaluate_live(session, self.clock.now(), self.settings)

    def watch_posts(self) -> None:
        """Flag overdue incidents (D5) and route alerts to whoever carries each post (the duty rules, not this
        job, check unstaffed posts, inactivity and late handovers)."""
        with session_scope(self.factory) as session:
            now = self.clock.now()
            incidents.flag_overdue(session, now=now, alert_settings=self.settings.alerts)
            presence.route_open_alerts(session, now=now)

    def report(self) -> None:
        """Store the monthly and daily reports once their period is over."""
        with session_scope(self.factory) as session:
            reports_stored.generate_due_reports(session, self.clock.now(), self.settings)

    def apply_camera_changes(self) -> None:
        """Apply camera changes (any process, through the database) to the readers and recorders here."""
        if self.capture is not None and self.capture.apply_changes() and self.footage is not None:
            self.footage.sync()

    def checkpoint(self) -> None:
        """Sign the audit and duty-log chain heads that are due (every N entries, every hour) and publish."""
        checkpoint_chains(self.settings, self.factory, now=self.clock.now())

    def deliver(self) -> None:
        """Send due outbox deliveries."""
        deliver_due(
            self.factory, self.publishers, self.settings.delivery, worker_id=self.worker_id, clock=self.clock
        )

    def maintain(self) -> None:
        """Close cleared automatic faults, watch storage, flag overdue faults and checks, create due checks."""
        with session_scope(self.factory) as session:
            maintenance_jobs.tick(
                session,
                now=self.clock.now(),
                settings=self.settings.maintenance,
                alert_settings=self.settings.alerts,
            )

    def sync_leases(self) -> None:
        """Heartbeat, renew leases, take one step towards the fair share; recorders follow the leases at once
        (the new owner of a handed-over camera starts a new segment; the hand-over shows as a gap)."""
        if self.capture is None or not self._syncing.acquire(blocking=False):
            return  # the regular and an early (take-over) step never run at once
        try:
            self.capture.sync_cameras()
            if self.footage is not None:
                self.footage.sync()
        finally:
            self._syncing.release()
        self._take_over_on_time()

    def _take_over_on_time(self) -> None:
        """A worker has gone silent: run the next step the moment its first lease runs out rather than at
        the next regular heartbeat (up to `sync_s` later), so its cameras move within `lease_s` + a step."""
        at = self.capture.takeover_at if self.capture is not None else None
        if at is None or not self.scheduler.running:
            return
        delay = (at - self.clock.now()).total_seconds() + TAKEOVER_MARGIN_S
        if delay >= self.settings.worker.sync_every_s:
            return  # the regular heartbeat comes first
        run_at = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=max(delay, 0.0))
        self.scheduler.add_job(
            self.sync_leases, "date", run_date=run_at, id="leases-takeover", replace_existing=True
        )

    def _every(self, job: Callable[[], object], seconds: float, job_id: str) -> None:
        self.scheduler.add_job(job, "interval", seconds=seconds, id=job_id, max_instances=1, coalesce=True)

    def start(self) -> None:
        """Start capture, recording and the scheduled jobs."""
        if self.capture is not None:
            self.capture.start()
            self.footage = attach_footage(self)
            self.footage.feeds = self.capture.feed_of  # record from the readers' packets (one demux)
            self._every(self.sync_leases, self.settings.worker.sync_every_s, "leases")
            self._every(self.apply_camera_changes, 1.0, "camera_changes")
        self._every(self.escalate, self.settings.alerts.escalation_check_s, "escalate")
        self._every(self.deliver, self.settings.delivery.interval_s, "deliver")
        self._every(self.maintain, self.settings.maintenance.job_interval_s, "maintenance")
        self._every(self.check_duty_rules, 30, "duty_rules")
        self._every(self.watch_posts, 60, "posts")
        self._every(self.report, 300, "reports")
        self._every(self.checkpoint, 60, "checkpoints")
        home = ReturnHomeJob(self.settings, self.factory, clock=self.clock)
        self._every(home, home.interval_s, "ptz_home")
        self.scheduler.start()

    def stop(self) -> None:
        """Stop the jobs and the cameras (also after jobs were only run by hand, never scheduled)."""
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)
        if self.footage is not None:
            self.footage.stop()
        if self.capture is not None:
            self.capture.stop()
        for publisher in self.publishers.values():
            close = getattr(publisher, "close", None)
            if close is not None:
                close()

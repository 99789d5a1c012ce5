"""The background side of a controlroom process: capture, escalation and delivery on one scheduler.

All state lives in the database, so the jobs pick up where they left off after a restart (pending
escalations and deliveries are rows), and several processes can run them side by side.
"""

from __future__ import annotations

import logging
import os
import socket

from apscheduler.schedulers.background import BackgroundScheduler

from alerts import service as alerts
from config.settings import Settings
from core.clock import Clock, SystemClock
from db.session import SessionFactory, session_scope
from runtime.capture import CaptureRuntime
from runtime.delivery import deliver_due, publishers_for

__all__ = ["Worker"]

log = logging.getLogger(__name__)


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

    def escalate(self) -> None:
        """Escalate overdue alerts to the shift leaders."""
        with session_scope(self.factory) as session:
            leaders = alerts.default_leaders(session, self.clock.now())
            done = alerts.escalate_overdue(
                session, settings=self.settings.alerts, leaders=leaders, now=self.clock.now()
            )
        if done:
            log.info("escalated %d alert(s) to %s", len(done), ", ".join(leaders) or "nobody on duty")

    def deliver(self) -> None:
        """Send due outbox deliveries."""
        deliver_due(
            self.factory, self.publishers, self.settings.delivery, worker_id=self.worker_id, clock=self.clock
        )

    def start(self) -> None:
        """Start capture and the scheduled jobs."""
        if self.capture is not None:
            self.capture.start()
            self.scheduler.add_job(
                self.capture.sync_cameras,
                "interval",
                seconds=self.settings.worker.lease_s / 3,
                id="leases",
                max_instances=1,
                coalesce=True,
            )
        self.scheduler.add_job(
            self.escalate,
            "interval",
            seconds=self.settings.alerts.escalation_check_s,
            id="escalate",
            max_instances=1,
            coalesce=True,
        )
        self.scheduler.add_job(
            self.deliver,
            "interval",
            seconds=self.settings.delivery.interval_s,
            id="deliver",
            max_instances=1,
            coalesce=True,
        )
        self.scheduler.start()

    def stop(self) -> None:
        """Stop the jobs and the cameras."""
        self.scheduler.shutdown(wait=True)
        if self.capture is not None:
            self.capture.stop()
        for publisher in self.publishers.values():
            close = getattr(publisher, "close", None)
            if close is not None:
                close()

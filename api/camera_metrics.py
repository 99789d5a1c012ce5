"""Camera health in /metrics, read from the cameras table at scrape time.

Workers write each camera's health into the database, so any API process reports every camera, whichever
worker reads it. If the database cannot be read, the scrape still answers, with
`controlroom_camera_metrics_ok 0` and no camera series (absent, not stale).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from prometheus_client.core import GaugeMetricFamily
from sqlalchemy.exc import DBAPIError

from db.session import SessionFactory, session_scope
from devices.camera import service as cameras
from devices.health import Health

__all__ = ["STATES", "CameraHealthCollector"]

log = logging.getLogger(__name__)

STATES = (*(h.value for h in Health), "unknown")
_UP = frozenset({Health.ONLINE.value, Health.DEGRADED.value})
MAX_CAMERAS = 10_000


def _families() -> tuple[Any, Any, Any]:
    up = GaugeMetricFamily(
        "controlroom_camera_up",
        "1 while the camera delivers pictures (online or degraded), else 0",
        labels=["camera"],
    )
    health = GaugeMetricFamily(
        "controlroom_camera_health",
        "1 for the camera's current health state, 0 for the other states",
        labels=["camera", "state"],
    )
    ok = GaugeMetricFamily(
        "controlroom_camera_metrics_ok", "1 when the camera health could be read for this scrape"
    )
    return up, health, ok


class CameraHealthCollector:
    """A Prometheus collector: one up gauge and one health state set per enabled camera."""

    def __init__(self, factory: SessionFactory) -> None:
        self.factory = factory

    def describe(self) -> Iterator[Any]:
        """The metric families, without touching the database (called at registration)."""
        yield from _families()

    def collect(self) -> Iterator[Any]:
        """Read every enabled camera's health and yield the gauges."""
        up, health, ok = _families()
        try:
            with session_scope(self.factory) as session:
                rows, _ = cameras.list_(session, limit=MAX_CAMERAS, offset=0, enabled=True)
                states = [(c.name, c.health) for c in rows]
        except DBAPIError as exc:
            log.warning("camera health not in this scrape: the database cannot be read: %s", exc.orig)
            ok.add_metric([], 0)
            yield ok
            return
        for name, current in states:
            up.add_metric([name], 1 if current in _UP else 0)
            for state in STATES:
                health.add_metric([name, state], 1 if state == current else 0)
        ok.add_metric([], 1)
        yield from (up, health, ok)

"""Builders for cameras and alerts."""

from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy.orm import Session

from alerts import service as alerts
from alerts.models import Alert, Priority
from config.alerting import AlertSettings
from devices.camera.models import Camera

_n = itertools.count(1)
T0 = dt.datetime(2026, 11, 25, 8, 0, tzinfo=dt.UTC)


def make_camera(session: Session, *, name: str | None = None, key: bool = False) -> Camera:
    """A camera row (no real stream)."""
    camera = Camera(name=name or f"cam{next(_n)}", url_sealed="", url_masked="demo://x", key=key)
    session.add(camera)
    session.flush()
    return camera


def make_alert(
    session: Session,
    camera: Camera,
    *,
    kind: str = "motion",
    zone: str | None = None,
    priority: Priority = Priority.NORMAL,
    now: dt.datetime = T0,
    settings: AlertSettings | None = None,
) -> Alert:
    """Raise an alert on `camera` at `now`."""
    return alerts.raise_alert(
        session,
        kind=kind,
        camera_id=camera.id,
        camera_name=camera.name,
        zone=zone,
        priority=priority,
        score=0.5,
        title=f"{kind} on {camera.name}",
        settings=settings or AlertSettings(),
        now=now,
    ).alert

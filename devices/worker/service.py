"""Worker registration: heartbeat, who is alive, where to reach the worker that reads a camera."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from devices.camera.models import Camera
from devices.worker.models import CaptureWorker

__all__ = ["address_of", "forget", "heartbeat", "list_", "live_weights", "next_takeover"]


def heartbeat(
    session: Session, *, worker_id: str, now: dt.datetime, address: str = "", weight: float = 1.0
) -> CaptureWorker:
    """Register the worker or renew its heartbeat (with its current address and weight)."""
    worker = session.get(CaptureWorker, worker_id)
    if worker is None:
        worker = CaptureWorker(worker_id=worker_id, started_at=now)
        session.add(worker)
    worker.heartbeat_at, worker.address, worker.weight = now, address, weight
    session.flush()
    return worker


def live_weights(session: Session, *, since: dt.datetime) -> dict[str, float]:
    """The weight of every worker whose heartbeat is not older than `since`."""
    rows = session.execute(
        select(CaptureWorker.worker_id, CaptureWorker.weight).where(CaptureWorker.heartbeat_at >= since)
    )
    return {row.worker_id: row.weight for row in rows}


def list_(session: Session) -> list[CaptureWorker]:
    """Every registered worker, by id."""
    return list(session.scalars(select(CaptureWorker).order_by(CaptureWorker.worker_id)))


def forget(session: Session, *, worker_id: str) -> None:
    """Remove the worker (clean shutdown), so the others recompute their shares at once."""
    session.execute(delete(CaptureWorker).where(CaptureWorker.worker_id == worker_id))


def address_of(session: Session, *, camera_name: str, now: dt.datetime) -> str | None:
    """The internal address of the live worker holding `camera_name`'s lease, or None."""
    row = session.execute(
        select(CaptureWorker.address)
        .join(Camera, Camera.worker_id == CaptureWorker.worker_id)
        .where(Camera.name == camera_name, Camera.lease_until >= now, CaptureWorker.address != "")
    ).first()
    return None if row is None else str(row[0])


def next_takeover(
    session: Session, *, worker_id: str, now: dt.datetime, silent_since: dt.datetime
) -> dt.datetime | None:
    """When the first lease of a worker that has gone silent (no heartbeat since `silent_since`) runs out, or
    None: the others claim its cameras at that moment instead of at their next regular heartbeat."""
    at = session.scalar(
        select(func.min(Camera.lease_until))
        .join(CaptureWorker, Camera.worker_id == CaptureWorker.worker_id)
        .where(
            CaptureWorker.worker_id != worker_id,
            CaptureWorker.heartbeat_at < silent_since,
            Camera.lease_until >= now,
        )
    )
    return at if isinstance(at, dt.datetime) else None

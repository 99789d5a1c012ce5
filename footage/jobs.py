"""The scheduled retention job: plan (footage.retention), remove files and index rows, report, alert."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from access.audit import service as audit
from alerts import service as alerts
from alerts.models import Alert, Priority
from config.cameras import RecordingConfig
from config.settings import Settings
from core.actor import Actor
from db.session import SessionFactory, session_scope
from devices.camera.models import Camera
from footage.models import EvidenceHold, Playback, Segment
from footage.retention import CameraPolicy, HoldSpan, Reason, SegmentInfo, StorageUse, plan_retention
from footage.segments import indexed_bytes
from footage.storage import Storage

__all__ = ["STORAGE_ALERT", "RetentionReport", "raise_storage_alert", "run_retention"]

log = logging.getLogger(__name__)
STORAGE_ALERT = "storage_full"
_BATCH = 500


@dataclass
class RetentionReport:
    """What one retention run did (or, dry, would do)."""

    removed: dict[str, int] = field(default_factory=dict)
    freed_bytes: int = 0
    held_kept: int = 0
    used_before: int = 0
    used_after: int = 0
    capacity: int = 0
    missing_files: int = 0
    playback_files_removed: int = 0
    fault: str | None = None
    dry_run: bool = False

    @property
    def removed_total(self) -> int:
        """Segments removed for any reason."""
        return sum(self.removed.values())

    def summary(self) -> str:
        """One line for the log and the CLI."""
        what = ", ".join(f"{n} by {reason}" for reason, n in sorted(self.removed.items())) or "nothing"
        verb = "would remove" if self.dry_run else "removed"
        line = (
            f"retention {verb} {what} ({self.freed_bytes / 1e6:.1f} MB); {self.held_kept} held segment(s) kept; "
            f"storage {self.used_after / 1e6:.1f} of {self.capacity / 1e6:.1f} MB"
        )
        return f"{line}; FAULT: {self.fault}" if self.fault else line


def _policies(session: Session, settings: Settings, oldest: dt.datetime | None) -> dict[int, CameraPolicy]:
    out: dict[int, CameraPolicy] = {}
    max_bytes = int(settings.footage.camera_max_gb * 1e9)
    for camera in session.scalars(select(Camera)).all():
        rec = RecordingConfig.model_validate(camera.recording or {})
        events: tuple[dt.datetime, ...] = ()
        if rec.mode == "events" and oldest is not None:
            rows = session.execute(
                select(Alert.first_seen, Alert.last_seen).where(
                    Alert.camera_id == camera.id,
                    Alert.last_seen >= oldest - dt.timedelta(seconds=rec.pre_roll_s),
                )
            ).all()
            events = tuple(t for row in rows for t in row)
        out[camera.id] = CameraPolicy(
            retain_days=rec.retain_days,
            max_bytes=max_bytes,
            events_only=rec.mode == "events",
            pre_roll_s=rec.pre_roll_s,
            post_roll_s=rec.post_roll_s,
            events=events,
        )
    return out


def _load(session: Session) -> tuple[list[SegmentInfo], list[HoldSpan]]:
    rows = session.execute(
        select(Segment.id, Segment.camera_id, Segment.start, Segment.end, Segment.size)
    ).all()
    segments = [SegmentInfo(*row) for row in rows]
    holds = [
        HoldSpan(*row)
        for row in session.execute(
            select(EvidenceHold.camera_id, EvidenceHold.start, EvidenceHold.end).where(
                EvidenceHold.released_at.is_(None)
            )
        ).all()
    ]
    return segments, holds


def _remove(
    session: Session,
    storage: Storage,
    ids: Iterable[int],
    progress: Callable[[float], None] | None = None,
) -> int:
    """Delete the files, then the index rows (one transaction); returns how many files were already gone.
    `progress(fraction)` after each batch."""
    missing = 0
    id_list = list(ids)
    for i in range(0, len(id_list), _BATCH):
        chunk = id_list[i : i + _BATCH]
        for path in session.scalars(select(Segment.path).where(Segment.id.in_(chunk))).all():
            if not storage.remove(storage.absolute(path)):
                missing += 1
        session.execute(delete(Segment).where(Segment.id.in_(chunk)))
        if progress is not None:
            progress((i + len(chunk)) / len(id_list))
    return missing


def _remove_expired_playbacks(session: Session, storage: Storage, now: dt.datetime) -> int:
    """Delete the prepared files of playbacks whose ticket ran out (the rows stay as the record)."""
    removed = 0
    for row in session.scalars(select(Playback).where(Playback.expires_at <= now, Playback.path != "")).all():
        removed += storage.remove(storage.absolute(row.path))
        row.path = ""
    return removed


def raise_storage_alert(
    session: Session, settings: Settings, message: str, *, camera: Camera | None, now: dt.datetime
) -> None:
    """Open (or fold into) the high-priority storage alert."""
    alerts.raise_alert(
        session,
        kind=STORAGE_ALERT,
        camera_id=camera.id if camera is not None else None,
        camera_name=camera.name if camera is not None else "",
        zone=None,
        priority=Priority.HIGH,
        score=1.0,
        title=f"{STORAGE_ALERT} · {message}"[:300],
        settings=settings.alerts,
        now=now,
    )


def run_retention(
    factory: SessionFactory,
    settings: Settings,
    now: dt.datetime,
    *,
    dry_run: bool = False,
    progress: Callable[[float], None] | None = None,
) -> RetentionReport:
    """Apply retention once: age and size per camera, events-only pruning, the high-water mark; holds win.
    `progress(fraction)` as the planned segments are removed (1.0 when done)."""
    storage = Storage.of(settings)
    with session_scope(factory) as session:
        segments, holds = _load(session)
        oldest = min((s.start for s in segments), default=None)
        policies = _policies(session, settings, oldest)
        use = StorageUse(
            capacity=storage.capacity(),
            used=storage.used(indexed_bytes(session)),
            high_water_percent=settings.footage.high_water_percent,
            low_water_percent=settings.footage.low_water_percent,
        )
        plan = plan_retention(segments, holds, policies, use, now)
        report = RetentionReport(
            removed={r.value: plan.count(r) for r in Reason if plan.count(r)},
            freed_bytes=plan.freed_bytes,
            held_kept=plan.held_kept,
            used_before=use.used,
            used_after=plan.used_after,
            capacity=use.capacity,
            fault=plan.fault,
            dry_run=dry_run,
        )
        if dry_run:
            return report
        report.missing_files = _remove(session, storage, plan.remove, progress)
        if plan.remove:
            audit.record(
                session,
                actor=Actor.system("retention"),
                action="footage.retention",
                detail={
                    "removed": report.removed,
                    "freed_bytes": report.freed_bytes,
                    "held_kept": plan.held_kept,
                },
                now=now,
            )
        if plan.fault:
            raise_storage_alert(session, settings, plan.fault, camera=None, now=now)
        report.playback_files_removed = _remove_expired_playbacks(session, storage, now)
    (log.error if report.fault else log.info)("%s", report.summary())
    return report

"""Search and playback under a grant (R7, R10): every call goes through `grants.authorize`. `search` is the one
gate for every view of what was recorded (API and console) and writes its audit row itself; the routes audit
refusals and playbacks.

Opening a playback prepares one fragmented MP4 of exactly the asked range (masks blanked for masked cameras)
and returns a short-lived ticket; the media URL then serves that file with HTTP range requests to its owner.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from access.audit import service as audit
from access.users.models import User
from config.detection import DetectConfig, MaskConfig
from config.settings import Settings
from core.actor import Actor
from devices.camera import service as cameras
from devices.camera.models import Camera
from footage import grants, segments
from footage.errors import NoFootage, PlaybackNotFound
from footage.grants import AccessBasis
from footage.media import SourceSegment, write_clip
from footage.models import Playback, Segment
from footage.ranges import check_range
from footage.segments import Span
from footage.storage import Storage

__all__ = [
    "SearchResult",
    "expired_playbacks",
    "masks_of",
    "open_playback",
    "require_playback",
    "search",
    "sources",
]


@dataclass(frozen=True, slots=True)
class SearchResult:
    """Recorded spans of a camera in a range, and on what basis they were shown."""

    camera: Camera
    spans: list[Span]
    basis: AccessBasis


def masks_of(camera: Camera) -> list[MaskConfig]:
    """The camera's privacy masks (D6)."""
    return list(DetectConfig.model_validate(camera.detect or {}).privacy_masks)


def sources(storage: Storage, rows: list[Segment]) -> list[SourceSegment]:
    """The files of index rows (rows whose file is gone are skipped)."""
    out = []
    for row in rows:
        path = storage.absolute(row.path)
        if path.exists():
            out.append(SourceSegment(path=path, start=row.start, sha256=row.sha256))
    return out


def _authorize(
    session: Session,
    *,
    user: User,
    camera_id: int,
    start: dt.datetime,
    end: dt.datetime,
    grant_id: int | None,
    settings: Settings,
    now: dt.datetime,
) -> tuple[Camera, AccessBasis]:
    """The camera and what lets `user` see its range (a grant or standing access); GrantRefused if nothing."""
    camera = cameras.require(session, camera_id)
    basis = grants.authorize(
        session,
        user=user,
        camera_ids=[camera.id],
        start=start,
        end=end,
        grant_id=grant_id,
        settings=settings.footage,
        now=now,
    )
    return camera, basis


def search(
    session: Session,
    *,
    actor: Actor,
    user: User,
    camera_id: int,
    start: dt.datetime,
    end: dt.datetime,
    grant_id: int | None,
    settings: Settings,
    now: dt.datetime,
    via: str = "api",
) -> SearchResult:
    """Recorded spans of one camera in [start, end), if the user's grant or role allows it; the view is
    written to the audit log (R10) in the caller's transaction. Raises GrantRefused (nothing shown)."""
    camera, basis = _authorize(
        session,
        user=user,
        camera_id=camera_id,
        start=start,
        end=end,
        grant_id=grant_id,
        settings=settings,
        now=now,
    )
    found = segments.spans(session, camera_id=camera.id, start=start, end=end)
    audit.record(
        session,
        actor=actor,
        action="footage.search",
        target=f"camera:{camera.name}",
        detail={
            "camera": camera.name,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "grant": grant_id,
            "basis": basis.describe(),
            "spans": len(found),
            "via": via,
        },
        now=now,
    )
    return SearchResult(camera, found, basis)


def open_playback(
    session: Session,
    *,
    user: User,
    camera_id: int,
    start: dt.datetime,
    end: dt.datetime,
    grant_id: int | None,
    settings: Settings,
    now: dt.datetime,
) -> Playback:
    """Authorize, cut the range into one MP4 and return the ticket that streams it."""
    check_range(start, end, max_length=dt.timedelta(minutes=settings.footage.playback_max_minutes))
    camera, basis = _authorize(
        session,
        user=user,
        camera_id=camera_id,
        start=start,
        end=end,
        grant_id=grant_id,
        settings=settings,
        now=now,
    )
    storage = Storage.of(settings)
    found = sources(storage, segments.in_range(session, camera_id=camera.id, start=start, end=end))
    if not found:
        raise NoFootage(
            f"nothing of camera {camera.name} was recorded between {start.isoformat()} and {end.isoformat()}"
        )
    ticket = secrets.token_hex(16)
    target = storage.work_dir("playback") / f"{ticket}.mp4"
    masks = masks_of(camera)
    clip = write_clip(found, start, end, target, masks=masks)
    if clip.frames == 0:
        target.unlink(missing_ok=True)
        raise NoFootage(f"no keyframe of camera {camera.name} falls inside the range; widen it")
    playback = Playback(
        id=ticket,
        user_id=user.id,
        camera_id=camera.id,
        start=start,
        end=end,
        grant_id=basis.grant_id,
        path=storage.relative(target),
        masked=bool(masks),
        created_at=now,
        expires_at=now + dt.timedelta(minutes=settings.footage.ticket_minutes),
    )
    session.add(playback)
    session.flush()
    return playback


def require_playback(
    session: Session, *, ticket: str, user: User, settings: Settings, now: dt.datetime
) -> Path:
    """The file of the caller's own, unexpired playback, or PlaybackNotFound."""
    playback = session.get(Playback, ticket)
    if playback is None or playback.user_id != user.id or now >= playback.expires_at or not playback.path:
        raise PlaybackNotFound("no such playback for you, or it has expired; open it again")
    path = Storage.of(settings).absolute(playback.path)
    if not path.exists():
        raise PlaybackNotFound("the playback file is gone; open it again")
    return path


def expired_playbacks(session: Session, now: dt.datetime) -> list[Playback]:
    """Playbacks whose ticket has run out (their files may be removed)."""
    return list(session.scalars(select(Playback).where(Playback.expires_at <= now)).all())

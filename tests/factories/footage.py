"""Builders for segments, holds and access grants."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import av
from sqlalchemy.orm import Session

from access.roles import Role
from access.users.models import User
from config.footage import FootageSettings
from core.clock import utcnow
from devices.camera.models import Camera
from footage import grants, holds, segments
from footage.models import AccessRequest, EvidenceHold, HoldCategory, Segment
from footage.recorder import written_segment
from footage.storage import Storage
from footage.writer import SegmentWriter
from tests.factories.access import make_user

T0 = dt.datetime(2026, 11, 25, 8, 0, tzinfo=dt.UTC)
_n = itertools.count(1)


def make_segment(
    session: Session, camera: Camera, *, start: dt.datetime = T0, seconds: float = 10, size: int = 1000
) -> Segment:
    """An index row (no file)."""
    return segments.add(
        session,
        segments.SegmentWritten(
            camera_id=camera.id,
            start=start,
            end=start + dt.timedelta(seconds=seconds),
            size=size,
            path=f"{camera.name}/x/{next(_n)}.mp4",
            sha256="0" * 64,
            frames=int(seconds * 25),
            codec="h264",
            width=640,
            height=360,
        ),
    )


def make_hold(
    session: Session,
    camera: Camera,
    *,
    start: dt.datetime = T0,
    minutes: float = 5,
    user: User | None = None,
    incident_ref: str = "INC-1",
) -> EvidenceHold:
    """An active hold placed by an operator."""
    return holds.place_hold(
        session,
        camera_id=camera.id,
        start=start,
        end=start + dt.timedelta(minutes=minutes),
        incident_ref=incident_ref,
        category=HoldCategory.THEFT,
        user=user or make_user(session, roles=(Role.OPERATOR,)),
        now=utcnow(),
    )


def make_grant(
    session: Session,
    requester: User,
    cameras: list[Camera],
    *,
    start: dt.datetime = T0,
    minutes: float = 10,
    now: dt.datetime = T0,
    settings: FootageSettings | None = None,
) -> AccessRequest:
    """A request by `requester` approved by a fresh shift leader at `now`."""
    settings = settings or FootageSettings()
    request = grants.file_request(
        session,
        user=requester,
        organisation="City police",
        reason="theft at the gate",
        camera_ids=[c.id for c in cameras],
        start=start,
        end=start + dt.timedelta(minutes=minutes),
        settings=settings,
        now=now,
    )
    leader = make_user(session, roles=(Role.SHIFT_LEADER,))
    return grants.decide(
        session, request_id=request.id, user=leader, approve=True, settings=settings, now=now
    )


def record_clip(
    session: Session,
    storage: Storage,
    camera: Camera,
    clip: Path,
    *,
    start: dt.datetime = T0,
    segment_s: float = 2.0,
    seconds: float = 10.0,
) -> list[Segment]:
    """Remux the first `seconds` of a file into indexed, keyframe-aligned segments starting at `start`."""
    rows: list[Segment] = []
    with av.open(str(clip)) as source:
        stream = source.streams.video[0]
        tb = stream.time_base
        writer: SegmentWriter | None = None

        def finish() -> None:
            if writer is not None and (done := writer.close()) is not None:
                rows.append(segments.add(session, written_segment(camera.id, storage, done)))

        for packet in source.demux(stream):
            if packet.pts is None or not packet.size:
                continue
            at = float(packet.pts * tb)
            if at >= seconds:
                break
            if packet.is_keyframe and (writer is None or writer.duration_s >= segment_s):
                finish()
                wall = start + dt.timedelta(seconds=at)
                writer = SegmentWriter(storage.segment_path(camera.name, wall), stream, wall)
            if writer is not None:
                writer.mux(packet)
        finish()
    return rows

"""The segment index: add finished segments, find footage in a range, recorded spans for the timeline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from footage.models import Segment

__all__ = ["SegmentWritten", "Span", "add", "in_range", "indexed_bytes", "known_paths", "spans"]


@dataclass(frozen=True, slots=True)
class SegmentWritten:
    """A finished segment file as the recorder reports it."""

    camera_id: int
    start: dt.datetime
    end: dt.datetime
    size: int
    path: str
    sha256: str
    frames: int
    codec: str
    width: int
    height: int
    repaired: bool = False


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of continuous recording (segments that follow each other without a gap)."""

    start: dt.datetime
    end: dt.datetime
    segments: int
    size: int


def add(session: Session, written: SegmentWritten) -> Segment:
    """Index a finished segment (idempotent on its path)."""
    existing = session.scalar(select(Segment).where(Segment.path == written.path))
    if existing is not None:
        return existing
    segment = Segment(
        camera_id=written.camera_id,
        start=written.start,
        end=written.end,
        size=written.size,
        path=written.path,
        sha256=written.sha256,
        frames=written.frames,
        codec=written.codec,
        width=written.width,
        height=written.height,
        repaired=written.repaired,
    )
    session.add(segment)
    session.flush()
    return segment


def in_range(session: Session, *, camera_id: int, start: dt.datetime, end: dt.datetime) -> list[Segment]:
    """Segments of a camera that overlap [start, end), oldest first."""
    stmt = (
        select(Segment)
        .where(Segment.camera_id == camera_id, Segment.start < end, Segment.end > start)
        .order_by(Segment.start, Segment.id)
    )
    return list(session.scalars(stmt).all())


def spans(
    session: Session, *, camera_id: int, start: dt.datetime, end: dt.datetime, gap_s: float = 1.5
) -> list[Span]:
    """Continuous recorded stretches of a camera within [start, end) (a gap above `gap_s` splits them)."""
    out: list[Span] = []
    gap = dt.timedelta(seconds=gap_s)
    for seg in in_range(session, camera_id=camera_id, start=start, end=end):
        if out and seg.start - out[-1].end <= gap:
            last = out[-1]
            out[-1] = Span(last.start, max(last.end, seg.end), last.segments + 1, last.size + seg.size)
        else:
            out.append(Span(seg.start, seg.end, 1, seg.size))
    return out


def indexed_bytes(session: Session) -> int:
    """The size of every indexed segment."""
    return int(session.scalar(select(func.coalesce(func.sum(Segment.size), 0))) or 0)


def known_paths(session: Session, camera_id: int | None = None) -> set[str]:
    """Index paths (of one camera, or all)."""
    stmt = select(Segment.path)
    if camera_id is not None:
        stmt = stmt.where(Segment.camera_id == camera_id)
    return set(session.scalars(stmt).all())

"""Time ranges: validation shared by holds, requests, searches, playback and export."""

from __future__ import annotations

import datetime as dt

from footage.errors import BadRange

__all__ = ["check_range"]


def check_range(start: dt.datetime, end: dt.datetime, *, max_length: dt.timedelta | None = None) -> None:
    """Raise BadRange for a naive, reversed, empty or too long range."""
    if start.tzinfo is None or end.tzinfo is None:
        raise BadRange("times must carry a time zone (e.g. 2026-01-02T10:00:00Z)", field="start")
    if end < start:
        raise BadRange(
            f"the time range is reversed: end {end.isoformat()} is before start {start.isoformat()}",
            field="end",
        )
    if end == start:
        raise BadRange("the time range is empty: start and end are the same", field="end")
    if max_length is not None and end - start > max_length:
        hours = max_length.total_seconds() / 3600
        raise BadRange(f"the time range is longer than the allowed {hours:g} hours", field="end")

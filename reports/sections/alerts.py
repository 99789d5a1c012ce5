"""Alerts: counts by camera, kind and outcome; acknowledgement time p50/p95, share within target; by hour.

Five passes over the period's alerts: every count and the acknowledgement-time histogram at once, by
camera, by kind, by UTC hour (or quarter hour, summed into local hours), and one ROW_NUMBER window for
both percentiles.
"""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo
from typing import Any

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from alerts.models import Alert, AlertState, Priority
from reports.schemas import Series
from reports.scope import ScopeKind
from reports.sections.base import BUCKET_S, Raw, SectionSpec, Window, count_by, group_camera_ids
from reports.sql import epoch_int, percentiles, ratio, utc_hour

__all__ = ["ACK_BUCKETS", "SECTION"]

# upper bounds (seconds) of the acknowledgement-time histogram; the last bucket is open-ended
ACK_BUCKETS = (10, 30, 60, 120, 300)
_COUNTS = (
    "alerts",
    "high_priority",
    "acknowledged",
    "false_alarms",
    "resolved",
    "dispatched",
    "escalated",
    "unacknowledged",
    "ack_within_target",
)


def _where(window: Window) -> list[ColumnElement[bool]]:
    where = [window.within(Alert.first_seen)]
    if window.scope.kind is ScopeKind.GROUP:
        where.append(Alert.camera_id.in_(group_camera_ids(window)))
    return where


def _n(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _target(window: Window) -> ColumnElement[float]:
    high, normal = window.alerts.ack_target_high_s, window.alerts.ack_target_normal_s
    return case((Alert.priority == Priority.HIGH, high), else_=normal)


def _ack_bins() -> list[ColumnElement[int]]:
    """Counts of the acknowledgement-time histogram's bins (`[lo, hi)` seconds)."""
    bounds = [None, *ACK_BUCKETS, None]
    bins = []
    for lo, hi in itertools.pairwise(bounds):
        low = Alert.ack_seconds >= lo if lo is not None else Alert.ack_seconds.is_not(None)
        bins.append(_n(low & (Alert.ack_seconds < hi)) if hi is not None else _n(low))
    return bins


def _counts(
    session: Session, window: Window, where: list[ColumnElement[bool]]
) -> tuple[dict[str, int], list[int]]:
    """Every count of the period and the acknowledgement-time histogram, in one pass."""
    sums = (
        func.count(),
        _n(Alert.priority == Priority.HIGH),
        _n(Alert.acknowledged_at.is_not(None)),
        _n(Alert.state == AlertState.FALSE_ALARM),
        _n(Alert.state == AlertState.RESOLVED),
        _n(Alert.dispatched_at.is_not(None)),
        _n(Alert.escalated_at.is_not(None)),
        _n(Alert.state == AlertState.NEW),
        _n(Alert.ack_seconds <= _target(window)),
    )
    row = session.execute(select(*sums, *_ack_bins()).where(*where)).one()
    counts = {name: int(value) for name, value in zip(_COUNTS, row[: len(_COUNTS)], strict=True)}
    return counts, [int(n) for n in row[len(_COUNTS) :]]


def _whole_hours(window: Window) -> bool:
    """True when the zone's offsets in the period are whole hours (then UTC hours map to local hours)."""
    zone = zoneinfo.ZoneInfo(window.tz)
    offsets = {m.astimezone(zone).utcoffset() for m in (window.start, window.end)}
    return all(o is not None and o.total_seconds() % 3600 == 0 for o in offsets)


def _bucket(window: Window) -> tuple[Any, Any]:
    """(SQL bucket expression, bucket value -> local datetime): UTC hours, or 15 minutes in odd zones."""
    zone = zoneinfo.ZoneInfo(window.tz)
    if _whole_hours(window):

        def from_hour(value: Any) -> dt.datetime:
            return dt.datetime.strptime(str(value), "%Y-%m-%d %H").replace(tzinfo=dt.UTC).astimezone(zone)

        return utc_hour(Alert.first_seen), from_hour

    def from_quarter(value: Any) -> dt.datetime:
        return dt.datetime.fromtimestamp(int(value) * BUCKET_S, tz=dt.UTC).astimezone(zone)

    return epoch_int(Alert.first_seen) // BUCKET_S, from_quarter


def _ack_labels() -> list[str]:
    labels = [f"<{ACK_BUCKETS[0]}s"]
    labels += [f"{lo}–{hi}s" for lo, hi in itertools.pairwise(ACK_BUCKETS)]
    return [*labels, f"≥{ACK_BUCKETS[-1]}s"]


def _by_hour(session: Session, window: Window, where: list[ColumnElement[bool]]) -> Series:
    """Alerts per local hour of day: GROUP BY UTC hour (or quarter hour), summed by local hour."""
    time_bucket, to_local = _bucket(window)
    hours = [0] * 24
    for index, n in session.execute(select(time_bucket, func.count()).where(*where).group_by(time_bucket)):
        hours[to_local(index).hour] += int(n)
    return Series(key="by_hour", labels=[f"{h:02d}" for h in range(24)], values={"current": hours})


def compute(session: Session, window: Window) -> Raw:
    """Every alert figure of the window."""
    where = _where(window)
    counts, ack_bins = _counts(session, window, where)
    figures: dict[str, int | float | None] = dict(counts)
    p50, p95 = percentiles(session, Alert.ack_seconds, where, [0.50, 0.95], counts["acknowledged"])
    figures |= {
        "ack_within_target_share": ratio(counts["ack_within_target"], counts["alerts"]),
        "ack_p50_s": p50,
        "ack_p95_s": p95,
    }
    outcome = {
        k: counts[k] for k in ("acknowledged", "false_alarms", "dispatched", "escalated", "unacknowledged")
    }
    return Raw(
        figures=figures,
        tables={
            # an expression, not the bare column: grouping by the indexed column would walk the
            # (camera_name, kind, ...) index and fetch every row at random instead of one scan
            "by_camera": count_by(session, func.coalesce(Alert.camera_name, ""), *where),
            "by_kind": count_by(session, func.coalesce(Alert.kind, ""), *where),
            "by_outcome": {**outcome},
        },
        series=[
            _by_hour(session, window, where),
            Series(key="ack_histogram", labels=_ack_labels(), values={"current": ack_bins}),
        ],
    )


SECTION = SectionSpec(
    name="alerts",
    scopes=frozenset({ScopeKind.ALL, ScopeKind.GROUP}),
    units={
        "alerts": "count",
        "high_priority": "count",
        "acknowledged": "count",
        "false_alarms": "count",
        "resolved": "count",
        "dispatched": "count",
        "escalated": "count",
        "unacknowledged": "count",
        "ack_within_target": "count",
        "ack_within_target_share": "share",
        "ack_p50_s": "seconds",
        "ack_p95_s": "seconds",
        "by_camera": "count",
        "by_kind": "count",
        "by_outcome": "count",
    },
    compute=compute,
)

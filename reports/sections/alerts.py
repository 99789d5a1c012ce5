"""Alerts: counts by camera, kind and outcome; acknowledgement time p50/p95, share within target; by hour."""

from __future__ import annotations

import itertools

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from alerts.models import Alert, AlertState, Priority
from reports.schemas import Series
from reports.scope import ScopeKind
from reports.sections.base import Raw, SectionSpec, Window, count_by, group_camera_ids, local_buckets
from reports.sql import percentile, ratio

__all__ = ["ACK_BUCKETS", "SECTION"]

# upper bounds (seconds) of the acknowledgement-time histogram; the last bucket is open-ended
ACK_BUCKETS = (10, 30, 60, 120, 300)


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


def _figures(session: Session, window: Window, where: list[ColumnElement[bool]]) -> dict[str, int]:
    columns = {
        "alerts": func.count(),
        "high_priority": _n(Alert.priority == Priority.HIGH),
        "acknowledged": _n(Alert.acknowledged_at.is_not(None)),
        "false_alarms": _n(Alert.state == AlertState.FALSE_ALARM),
        "resolved": _n(Alert.state == AlertState.RESOLVED),
        "dispatched": _n(Alert.dispatched_at.is_not(None)),
        "escalated": _n(Alert.escalated_at.is_not(None)),
        "unacknowledged": _n(Alert.state == AlertState.NEW),
        "ack_within_target": _n(Alert.ack_seconds <= _target(window)),
    }
    row = session.execute(select(*columns.values()).where(*where)).one()
    return {name: int(value) for name, value in zip(columns, row, strict=True)}


def _ack_histogram(session: Session, where: list[ColumnElement[bool]]) -> Series:
    labels = [f"<{ACK_BUCKETS[0]}s"]
    labels += [f"{lo}–{hi}s" for lo, hi in itertools.pairwise(ACK_BUCKETS)]
    labels.append(f"≥{ACK_BUCKETS[-1]}s")
    bucket = case(
        *((Alert.ack_seconds < bound, index) for index, bound in enumerate(ACK_BUCKETS)),
        else_=len(ACK_BUCKETS),
    )
    stmt = select(bucket, func.count()).where(*where, Alert.ack_seconds.is_not(None)).group_by(bucket)
    counts = [0] * len(labels)
    for index, n in session.execute(stmt).all():
        counts[int(index)] = int(n)
    return Series(key="ack_histogram", labels=labels, values={"current": counts})


def compute(session: Session, window: Window) -> Raw:
    """Every alert figure of the window."""
    where = _where(window)
    figures: dict[str, int | float | None] = dict(_figures(session, window, where))
    acked = select(Alert.ack_seconds).where(*where)
    figures["ack_p50_s"] = percentile(session, acked, 0.50)
    figures["ack_p95_s"] = percentile(session, acked, 0.95)
    figures["ack_within_target_share"] = ratio(
        int(figures["ack_within_target"] or 0), int(figures["alerts"] or 0)
    )
    outcome = {k: figures[k] or 0 for k in ("acknowledged", "false_alarms", "dispatched", "escalated")}
    outcome["unacknowledged"] = figures["unacknowledged"] or 0
    hours = local_buckets(session, Alert.first_seen, where, window.tz, lambda t: f"{t.hour:02d}")
    labels = [f"{h:02d}" for h in range(24)]
    return Raw(
        figures=figures,
        tables={
            "by_camera": count_by(session, Alert.camera_name, *where),
            "by_kind": count_by(session, Alert.kind, *where),
            "by_outcome": outcome,
        },
        series=[
            Series(key="by_hour", labels=labels, values={"current": [hours[h] for h in labels]}),
            _ack_histogram(session, where),
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

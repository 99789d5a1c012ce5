"""Incidents: by channel, category and outcome; reports answered within the deadline; overdue at period end."""

from __future__ import annotations

from sqlalchemy import ColumnElement, String, and_, case, func, literal, or_, select, type_coerce
from sqlalchemy.orm import Session

from alerts.models import Alert
from reports.schemas import Series
from reports.scope import ScopeKind
from reports.sections.base import Raw, SectionSpec, Window, count_by, group_camera_ids
from reports.sql import ratio, when
from shift_logs.incident.models import Channel, Incident, IncidentSource

__all__ = ["SECTION"]


def _scope(window: Window) -> list[ColumnElement[bool]]:
    if window.scope.kind is ScopeKind.POST:
        return [Incident.post_id == window.post_id]
    if window.scope.kind is ScopeKind.GROUP:
        alert_ids = select(Alert.id).where(Alert.camera_id.in_(group_camera_ids(window)))
        return [Incident.alert_id.in_(alert_ids)]
    return []


def _n(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _overdue_at_end(session: Session, window: Window) -> int:
    end = when(window.end)
    ack_late = and_(
        Incident.ack_due_at < end, or_(Incident.acknowledged_at.is_(None), Incident.acknowledged_at >= end)
    )
    result_late = and_(
        Incident.result_due_at < end, or_(Incident.closed_at.is_(None), Incident.closed_at >= end)
    )
    stmt = select(func.count()).where(*_scope(window), Incident.created_at < end, or_(ack_late, result_late))
    return int(session.scalar(stmt) or 0)


def compute(session: Session, window: Window) -> Raw:
    """Every incident figure of the window."""
    where = [window.within(Incident.created_at), *_scope(window)]
    report = Incident.source == IncidentSource.REPORT
    end = when(window.end)
    acknowledged = and_(Incident.acknowledged_at.is_not(None), Incident.acknowledged_at < end)
    answered = and_(report, acknowledged, Incident.acknowledged_at <= Incident.ack_due_at)
    due = and_(report, or_(acknowledged, Incident.ack_due_at < end))
    columns = {
        "incidents": func.count(),
        "reports": _n(report),
        "from_alerts": _n(Incident.source == IncidentSource.ALERT),
        "acknowledged": _n(Incident.acknowledged_at.is_not(None)),
        "closed": _n(Incident.closed_at.is_not(None)),
        "reports_answered_in_time": _n(answered),
        "reports_due": _n(due),
    }
    row = session.execute(select(*columns.values()).where(*where)).one()
    figures: dict[str, int | float | None] = {k: int(v) for k, v in zip(columns, row, strict=True)}
    # a share of the reports whose answer was due by the period end: nothing due is "—", not 0 %
    figures["reports_answered_in_time_share"] = ratio(
        int(figures["reports_answered_in_time"] or 0), int(figures["reports_due"] or 0)
    )
    figures["overdue_at_end"] = _overdue_at_end(session, window)
    outcome = case(
        (and_(Incident.closed_at.is_not(None), Incident.closed_at < end), literal("closed")),
        (
            and_(Incident.acknowledged_at.is_not(None), Incident.acknowledged_at < end),
            literal("acknowledged"),
        ),
        else_=literal("open"),
    )
    channel = func.coalesce(type_coerce(Incident.channel, String), literal("alert"))
    by_channel = count_by(session, channel, *where)
    labels = [c.value for c in Channel] + ["alert"]
    return Raw(
        figures=figures,
        tables={
            "by_channel": by_channel,
            "by_category": count_by(session, Incident.category, *where),
            "by_outcome": count_by(session, outcome, *where),
        },
        series=[
            Series(
                key="by_channel", labels=labels, values={"current": [by_channel.get(c, 0) for c in labels]}
            )
        ],
    )


SECTION = SectionSpec(
    name="incidents",
    scopes=frozenset({ScopeKind.ALL, ScopeKind.POST, ScopeKind.GROUP}),
    units={
        "incidents": "count",
        "reports": "count",
        "from_alerts": "count",
        "acknowledged": "count",
        "closed": "count",
        "reports_answered_in_time": "count",
        "reports_due": "count",
        "reports_answered_in_time_share": "share",
        "overdue_at_end": "count",
        "by_channel": "count",
        "by_category": "count",
        "by_outcome": "count",
    },
    compute=compute,
)

"""Equipment faults: opened and fixed, time to repair, open at period end; by severity and source; per day."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from maintenance.models import Equipment, Fault
from reports.schemas import Series
from reports.scope import ScopeKind
from reports.sections.base import Raw, SectionSpec, Window, count_by, group_camera_ids, local_buckets
from reports.sql import percentile, when

__all__ = ["SECTION"]


def _scope(window: Window) -> list[ColumnElement[bool]]:
    if window.scope.kind is ScopeKind.GROUP:
        equipment = select(Equipment.id).where(Equipment.camera_id.in_(group_camera_ids(window)))
        return [Fault.equipment_id.in_(equipment)]
    return []


def _per_day(session: Session, window: Window) -> Series:
    zone, zone_days = zoneinfo.ZoneInfo(window.tz), list[str]()
    day = window.start
    while day < window.end:
        label = f"{day.astimezone(zone):%Y-%m-%d}"
        if label not in zone_days:
            zone_days.append(label)
        day += dt.timedelta(hours=1)

    def key(moment: dt.datetime) -> str:
        return f"{moment:%Y-%m-%d}"

    opened = local_buckets(
        session, Fault.reported_at, [window.within(Fault.reported_at), *_scope(window)], window.tz, key
    )
    fixed = local_buckets(
        session, Fault.fixed_at, [window.within(Fault.fixed_at), *_scope(window)], window.tz, key
    )
    return Series(
        key="per_day",
        labels=zone_days,
        values={"opened": [opened[d] for d in zone_days], "fixed": [fixed[d] for d in zone_days]},
    )


def compute(session: Session, window: Window) -> Raw:
    """Every fault figure of the window."""
    scope = _scope(window)
    opened = [window.within(Fault.reported_at), *scope]
    fixed = [window.within(Fault.fixed_at), *scope]
    end = when(window.end)
    open_at_end = select(func.count()).where(
        *scope,
        Fault.reported_at < end,
        or_(Fault.fixed_at.is_(None), Fault.fixed_at >= end),
        or_(Fault.closed_at.is_(None), Fault.closed_at >= end),
    )
    repair = select(Fault.repair_seconds).where(*fixed)
    mean = session.scalar(select(func.avg(Fault.repair_seconds)).where(*fixed))
    return Raw(
        figures={
            "opened": int(session.scalar(select(func.count()).where(*opened)) or 0),
            "fixed": int(session.scalar(select(func.count()).where(*fixed)) or 0),
            "repair_mean_s": None if mean is None else round(float(mean), 1),
            "repair_p50_s": percentile(session, repair, 0.5),
            "open_at_end": int(session.scalar(open_at_end) or 0),
        },
        tables={
            "by_severity": count_by(session, Fault.severity, *opened),
            "by_source": count_by(session, Fault.source, *opened),
        },
        series=[_per_day(session, window)],
    )


SECTION = SectionSpec(
    name="faults",
    scopes=frozenset({ScopeKind.ALL, ScopeKind.GROUP}),
    units={
        "opened": "count",
        "fixed": "count",
        "repair_mean_s": "seconds",
        "repair_p50_s": "seconds",
        "open_at_end": "count",
        "by_severity": "count",
        "by_source": "count",
    },
    compute=compute,
)

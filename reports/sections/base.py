"""What every section shares: the window it counts over, its raw result, scope filters, local-time buckets."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, select
from sqlalchemy.orm import Session

from config.alerting import AlertSettings
from devices.camera.models import Camera
from reports.schemas import Number, Series, Unit
from reports.scope import Scope, ScopeKind
from reports.sql import epoch_int, when

__all__ = ["BUCKET_S", "Raw", "Window", "count_by", "group_camera_ids", "local_buckets"]

BUCKET_S = 900  # 15-minute buckets: exact local hours and days in every zone (including +05:45)


@dataclass(frozen=True, slots=True)
class Window:
    """One period to count over, in one scope. `post_id` is set for a post scope."""

    start: dt.datetime
    end: dt.datetime
    now: dt.datetime
    tz: str
    scope: Scope
    alerts: AlertSettings
    post_id: int | None = None

    def within(self, column: Any) -> ColumnElement[bool]:
        """`start <= column < end`."""
        return and_(column >= when(self.start), column < when(self.end))

    @property
    def cap(self) -> dt.datetime:
        """The end, or now when the period is still running (time after now is not counted)."""
        return max(self.start, min(self.end, self.now))


@dataclass(slots=True)
class Raw:
    """A section's figures, breakdown tables and chart series for one window."""

    figures: dict[str, Number | None] = field(default_factory=dict)
    tables: dict[str, dict[str, Number]] = field(default_factory=dict)
    series: list[Series] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class SectionSpec:
    """A section: its name, which scopes narrow it, units of its figures and tables, its function."""

    name: str
    scopes: frozenset[ScopeKind]
    units: dict[str, Unit]
    compute: Callable[[Session, Window], Raw]


def group_camera_ids(window: Window) -> Select[Any]:
    """Ids of the cameras in the window's camera group."""
    return select(Camera.id).where(Camera.group == window.scope.name)


def count_by(session: Session, label: Any, *where: ColumnElement[bool]) -> dict[str, Number]:
    """COUNT(*) grouped by `label` (NULL shown as an empty label)."""
    rows = session.execute(select(label, func.count()).where(*where).group_by(label)).all()
    return {str(key.value if hasattr(key, "value") else (key or "")): int(n) for key, n in rows}


def local_buckets(
    session: Session,
    column: Any,
    where: list[ColumnElement[bool]],
    tz: str,
    key: Callable[[dt.datetime], str],
) -> Counter[str]:
    """Counts grouped in SQL by 15-minute UTC buckets, then summed in Python by `key(local time)`."""
    bucket = epoch_int(column) // BUCKET_S
    rows = session.execute(select(bucket, func.count()).where(*where).group_by(bucket)).all()
    zone = zoneinfo.ZoneInfo(tz)
    out: Counter[str] = Counter()
    for index, n in rows:
        moment = dt.datetime.fromtimestamp(int(index) * BUCKET_S, tz=dt.UTC).astimezone(zone)
        out[key(moment)] += int(n)
    return out

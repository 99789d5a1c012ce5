"""Build a report: resolve the period and scope, run every section for it and for the previous period."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from config.settings import Settings
from devices.camera.models import Camera
from reports.compare import change, compare_rows
from reports.errors import BadPeriod, BadScope
from reports.periods import Period, PeriodKind, parse_instant, parse_period, previous
from reports.schemas import Figure, ReportData, SectionData, Series, Table
from reports.scope import ALL, Scope, ScopeKind, parse_scope
from reports.sections import SECTIONS, Raw, SectionSpec, Window
from shift_logs.roster.models import Post, Shift

__all__ = ["build", "build_report", "resolve_period", "resolve_scope"]


def _shift_period(shift: Shift, tz: str) -> Period:
    return Period(PeriodKind.SHIFT, shift.starts_at, shift.ends_at, f"{shift.name} (#{shift.id})")


def _resolve_shift(session: Session, at: str | None, tz: str, now: dt.datetime) -> tuple[Period, Period]:
    text = (at or "").strip()
    if text.isdigit():
        shift = session.get(Shift, int(text))
    else:
        moment = parse_instant(text, tz, field="at") if text else now
        stmt = select(Shift).where(Shift.starts_at <= moment, Shift.ends_at > moment)
        shift = session.scalars(stmt.order_by(Shift.starts_at.desc()).limit(1)).first()
    if shift is None:
        raise BadPeriod(f"no shift {'at ' + text if text else 'now'} in the roster", field="at")
    period = _shift_period(shift, tz)
    before = session.scalars(
        select(Shift).where(Shift.starts_at < shift.starts_at).order_by(Shift.starts_at.desc()).limit(1)
    ).first()
    return period, (_shift_period(before, tz) if before is not None else previous(period, tz))


def resolve_period(
    session: Session, kind: str, at: str | None, *, tz: str, now: dt.datetime
) -> tuple[Period, Period]:
    """The period asked for and the one it is compared with (422 BadPeriod when it makes no sense)."""
    if kind == PeriodKind.SHIFT.value:
        return _resolve_shift(session, at, tz, now)
    period = parse_period(kind, at, tz=tz, now=now)
    return period, previous(period, tz)


def resolve_scope(session: Session, text: str | None) -> tuple[Scope, int | None]:
    """The scope and, for a post, its id (422 BadScope for an unknown post or camera group)."""
    scope = parse_scope(text)
    if scope.kind is ScopeKind.POST:
        post_id = session.scalar(select(Post.id).where(Post.name == scope.name))
        if post_id is None:
            raise BadScope(f"no post called {scope.name!r}", field="scope")
        return scope, post_id
    group_camera = select(Camera.id).where(Camera.group == scope.name).limit(1)
    if scope.kind is ScopeKind.GROUP and session.scalar(group_camera) is None:
        raise BadScope(f"no camera group called {scope.name!r}", field="scope")
    return scope, None


def _merge_series(current: list[Series], before: list[Series]) -> list[Series]:
    earlier = {s.key: s for s in before}
    out = []
    for series in current:
        prior = earlier.get(series.key)
        if prior is not None and prior.labels == series.labels and "current" in prior.values:
            series = series.model_copy(
                update={"values": {**series.values, "previous": prior.values["current"]}}
            )
        out.append(series)
    return out


def _section(spec: SectionSpec, current: Raw, before: Raw, *, scoped: bool) -> SectionData:
    figures = [
        Figure(
            key=key,
            unit=spec.units[key],
            current=current.figures[key],
            previous=before.figures.get(key),
            change=change(current.figures[key], before.figures.get(key)),
        )
        for key in spec.units
        if key in current.figures
    ]
    tables = [
        Table(
            key=key, unit=spec.units[key], rows=compare_rows(current.tables[key], before.tables.get(key, {}))
        )
        for key in spec.units
        if key in current.tables
    ]
    return SectionData(
        name=spec.name,
        scoped=scoped,
        figures=figures,
        tables=tables,
        series=_merge_series(current.series, before.series),
    )


def build(
    session: Session,
    *,
    period: Period,
    before: Period,
    scope: Scope,
    post_id: int | None,
    settings: Settings,
    now: dt.datetime,
) -> ReportData:
    """Compute every section for `period` and `before` (all in SQL aggregates)."""
    tz = settings.site.timezone
    base = Window(period.start, period.end, now, tz, scope, settings.alerts, post_id)
    sections = []
    for spec in SECTIONS:
        scoped = scope.kind in spec.scopes
        window = base if scoped else dataclasses.replace(base, scope=ALL, post_id=None)
        earlier = dataclasses.replace(window, start=before.start, end=before.end)
        sections.append(
            _section(spec, spec.compute(session, window), spec.compute(session, earlier), scoped=scoped)
        )
    return ReportData(
        period_kind=period.kind.value,
        period_label=period.label,
        start=period.start,
        end=period.end,
        previous_label=before.label,
        previous_start=before.start,
        previous_end=before.end,
        scope=scope.text,
        timezone=tz,
        generated_at=now,
        sections=sections,
    )


def build_report(
    session: Session,
    *,
    period: str,
    at: str | None,
    scope: str | None,
    settings: Settings,
    now: dt.datetime,
) -> ReportData:
    """Parse the period and scope as written (`month`, `2026-11`, `group:north`) and build the report."""
    current, before = resolve_period(session, period, at, tz=settings.site.timezone, now=now)
    resolved, post_id = resolve_scope(session, scope)
    return build(
        session, period=current, before=before, scope=resolved, post_id=post_id, settings=settings, now=now
    )

"""Scheduled reports: the worker calls `generate_due_reports` often; each period is stored exactly once."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from config.settings import Settings
from db import lookup
from reports.errors import StoredReportNotFound
from reports.models import StoredReport
from reports.periods import Period, parse_period, previous
from reports.schemas import ReportData
from reports.scope import ALL
from reports.service import build

__all__ = ["due_periods", "generate_due_reports", "get_data", "list_", "require"]


def due_periods(now: dt.datetime, settings: Settings) -> list[Period]:
    """The last complete month and day (in the site's zone) that the settings ask to store."""
    tz = settings.site.timezone
    today = now.astimezone(zoneinfo.ZoneInfo(tz)).date()
    out = []
    if settings.reports.monthly:
        out.append(previous(parse_period("month", f"{today:%Y-%m}", tz=tz, now=now), tz))
    if settings.reports.daily:
        out.append(previous(parse_period("day", today.isoformat(), tz=tz, now=now), tz))
    return out


def _stored(session: Session, period: Period) -> bool:
    stmt = select(StoredReport.id).where(
        StoredReport.period_kind == period.kind.value,
        StoredReport.period_label == period.label,
        StoredReport.scope == ALL.text,
    )
    return session.scalar(stmt) is not None


def generate_due_reports(session: Session, now: dt.datetime, settings: Settings) -> list[StoredReport]:
    """Store every due report not stored yet (idempotent; safe with several workers). Returns the new ones."""
    made = []
    for period in due_periods(now, settings):
        if _stored(session, period):
            continue
        data = build(
            session,
            period=period,
            before=previous(period, settings.site.timezone),
            scope=ALL,
            post_id=None,
            settings=settings,
            now=now,
        )
        row = StoredReport(
            period_kind=period.kind.value,
            period_label=period.label,
            scope=ALL.text,
            period_start=period.start,
            period_end=period.end,
            generated_at=now,
            data=data.model_dump(mode="json"),
        )
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:  # another worker stored it first
            continue
        made.append(row)
    return made


def list_(session: Session, *, limit: int, offset: int) -> tuple[list[StoredReport], int]:
    """Stored reports, newest period first, and the total."""
    total = session.scalar(select(func.count()).select_from(StoredReport)) or 0
    stmt = select(StoredReport).order_by(StoredReport.period_start.desc(), StoredReport.id.desc())
    return list(session.scalars(stmt.limit(limit).offset(offset))), int(total)


def require(session: Session, report_id: int) -> StoredReport:
    """The stored report (404 when absent)."""
    return lookup.require(session, StoredReport, report_id, error=StoredReportNotFound, what="stored report")


def get_data(session: Session, report_id: int) -> ReportData:
    """The stored report's figures."""
    return ReportData.model_validate(require(session, report_id).data)

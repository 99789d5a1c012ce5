"""Report periods as pure rules (no session): parse `--period month --at 2026-11`, find the previous one.

Periods are whole local days, ISO weeks and calendar months in the site's time zone, turned into UTC
bounds `[start, end)`. A custom range is `from..to` (dates are whole days, `to` inclusive; datetimes are
exact, `to` exclusive). A shift is resolved against the roster by the service (`reports.service`).
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import zoneinfo
from dataclasses import dataclass

from reports.errors import BadPeriod

__all__ = ["MAX_DAYS", "Period", "PeriodKind", "month_of", "parse_instant", "parse_period", "previous"]

MAX_DAYS = 400
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


class PeriodKind(enum.StrEnum):
    """The kinds of report period."""

    SHIFT = "shift"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    CUSTOM = "custom"


@dataclass(frozen=True, slots=True)
class Period:
    """A half-open UTC interval `[start, end)` with its kind and a label such as `2026-11`."""

    kind: PeriodKind
    start: dt.datetime
    end: dt.datetime
    label: str

    @property
    def seconds(self) -> float:
        """Its length in seconds."""
        return (self.end - self.start).total_seconds()


def _zone(tz: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(tz)


def _local_midnight(day: dt.date, tz: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=_zone(tz)).astimezone(dt.UTC)


def _days(kind: PeriodKind, first: dt.date, after: dt.date, label: str, tz: str) -> Period:
    return Period(kind, _local_midnight(first, tz), _local_midnight(after, tz), label)


def _date(text: str, field: str = "at") -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise BadPeriod(f"{text!r} is not a date (YYYY-MM-DD)", field=field) from None


def month_of(year: int, month: int, tz: str) -> Period:
    """The calendar month `year-month` in zone `tz`."""
    if not (1 <= month <= 12 and 1900 <= year <= 9998):
        raise BadPeriod(f"{year:04d}-{month:02d} is not a month", field="at")
    first = dt.date(year, month, 1)
    after = dt.date(year + (month == 12), month % 12 + 1, 1)
    return _days(PeriodKind.MONTH, first, after, f"{year:04d}-{month:02d}", tz)


def _month(at: str, tz: str) -> Period:
    found = _MONTH.match(at)
    if found is None:
        raise BadPeriod(f"{at!r} is not a month (YYYY-MM)", field="at")
    return month_of(int(found[1]), int(found[2]), tz)


def _week(at: str, tz: str) -> Period:
    found = _WEEK.match(at)
    try:
        monday = (
            dt.date.fromisocalendar(int(found[1]), int(found[2]), 1)
            if found
            else _date(at) - dt.timedelta(days=_date(at).weekday())
        )
    except ValueError:
        raise BadPeriod(f"{at!r} is not an ISO week (YYYY-Www)", field="at") from None
    year, week, _ = monday.isocalendar()
    return _days(PeriodKind.WEEK, monday, monday + dt.timedelta(days=7), f"{year}-W{week:02d}", tz)


def _day(at: str, tz: str) -> Period:
    day = _date(at)
    return _days(PeriodKind.DAY, day, day + dt.timedelta(days=1), day.isoformat(), tz)


def parse_instant(text: str, tz: str, *, field: str, end: bool = False) -> dt.datetime:
    """A date (its local midnight; the next one when `end`) or a datetime (local unless it has a zone)."""
    text = text.strip()
    if len(text) == 10:
        day = _date(text, field)
        return _local_midnight(day + dt.timedelta(days=1) if end else day, tz)
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise BadPeriod(f"{text!r} is not a date or a date and time (ISO 8601)", field=field) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=_zone(tz))
    return value.astimezone(dt.UTC)


def _custom(at: str, tz: str) -> Period:
    first, sep, last = at.partition("..")
    if not sep or not first or not last:
        raise BadPeriod(f"a custom range is FROM..TO, not {at!r}", field="at")
    start = parse_instant(first, tz, field="from")
    end = parse_instant(last, tz, field="to", end=True)
    if end <= start:
        raise BadPeriod(f"the range {at!r} ends before it starts", field="to")
    if end - start > dt.timedelta(days=MAX_DAYS):
        raise BadPeriod(f"a range may span at most {MAX_DAYS} days", field="to")
    return Period(PeriodKind.CUSTOM, start, end, f"{first}..{last}")


def _default_at(kind: PeriodKind, now: dt.datetime, tz: str) -> str:
    today = now.astimezone(_zone(tz)).date()
    if kind is PeriodKind.MONTH:
        return f"{today.year:04d}-{today.month:02d}"
    return today.isoformat()


def parse_period(kind: str, at: str | None, *, tz: str, now: dt.datetime) -> Period:
    """Parse a day, week, month or custom period; `at` defaults to the one containing `now`."""
    try:
        period_kind = PeriodKind(kind)
    except ValueError:
        names = ", ".join(k.value for k in PeriodKind)
        raise BadPeriod(f"unknown period {kind!r} (one of {names})", field="period") from None
    if period_kind is PeriodKind.SHIFT:
        raise BadPeriod("a shift period is resolved against the roster", field="period")
    at = (at or "").strip() or None
    if at is None:
        if period_kind is PeriodKind.CUSTOM:
            raise BadPeriod("a custom period needs FROM..TO", field="at")
        at = _default_at(period_kind, now, tz)
    parsers = {PeriodKind.DAY: _day, PeriodKind.WEEK: _week, PeriodKind.MONTH: _month}
    return parsers.get(period_kind, _custom)(at, tz)


def previous(period: Period, tz: str) -> Period:
    """The period before: the previous day, week or month; for a range or shift the same length before."""
    local_start = period.start.astimezone(_zone(tz)).date()
    if period.kind is PeriodKind.MONTH:
        year, month = local_start.year, local_start.month
        return month_of(year - (month == 1), (month - 2) % 12 + 1, tz)
    if period.kind is PeriodKind.WEEK:
        return _week((local_start - dt.timedelta(days=7)).isoformat(), tz)
    if period.kind is PeriodKind.DAY:
        return _day((local_start - dt.timedelta(days=1)).isoformat(), tz)
    length = period.end - period.start
    start = period.start - length
    label = (
        f"{start.astimezone(_zone(tz)):%Y-%m-%d %H:%M}..{period.start.astimezone(_zone(tz)):%Y-%m-%d %H:%M}"
    )
    return Period(period.kind, start, period.start, label)

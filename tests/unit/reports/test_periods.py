"""Report periods, scopes and the period-over-period change as pure rules."""

from __future__ import annotations

import datetime as dt

import pytest

from reports.compare import change, compare_rows
from reports.errors import BadPeriod, BadScope
from reports.periods import PeriodKind, parse_period, previous
from reports.scope import ScopeKind, parse_scope

NOW = dt.datetime(2026, 11, 25, 3, 0, tzinfo=dt.UTC)
SH = "Asia/Shanghai"


def _iso(value: dt.datetime) -> str:
    return value.isoformat()


def test_a_month_is_its_local_calendar_month_in_utc():
    period = parse_period("month", "2026-11", tz=SH, now=NOW)
    assert (period.kind, period.label) == (PeriodKind.MONTH, "2026-11")
    assert (_iso(period.start), _iso(period.end)) == (
        "2026-10-31T16:00:00+00:00",
        "2026-11-30T16:00:00+00:00",
    )


def test_the_month_before_january_is_last_december():
    before = previous(parse_period("month", "2027-01", tz="UTC", now=NOW), "UTC")
    assert before.label == "2026-12" and before.end.isoformat() == "2027-01-01T00:00:00+00:00"


def test_a_week_is_monday_to_monday_from_a_week_or_any_of_its_days():
    by_week = parse_period("week", "2026-W48", tz="UTC", now=NOW)
    by_day = parse_period("week", "2026-11-26", tz="UTC", now=NOW)
    assert by_week == by_day
    assert _iso(by_week.start) == "2026-11-23T00:00:00+00:00" and by_week.label == "2026-W48"
    assert previous(by_week, "UTC").label == "2026-W47"


def test_a_day_across_a_dst_change_is_23_hours_long():
    day = parse_period("day", "2026-03-29", tz="Europe/Berlin", now=NOW)
    assert day.seconds == 23 * 3600
    assert previous(day, "Europe/Berlin").seconds == 24 * 3600


def test_a_custom_range_of_dates_includes_its_last_day_and_compares_with_the_same_length_before():
    period = parse_period("custom", "2026-11-01..2026-11-10", tz="UTC", now=NOW)
    assert period.seconds == 10 * 86400
    before = previous(period, "UTC")
    assert (before.end, before.seconds) == (period.start, period.seconds)


def test_a_custom_range_of_times_is_exact():
    period = parse_period("custom", "2026-11-01T08:00..2026-11-01T20:00+08:00", tz=SH, now=NOW)
    assert (_iso(period.start), _iso(period.end)) == (
        "2026-11-01T00:00:00+00:00",
        "2026-11-01T12:00:00+00:00",
    )


def test_without_at_the_period_containing_now_is_taken():
    assert parse_period("month", None, tz=SH, now=NOW).label == "2026-11"
    assert parse_period("day", "", tz=SH, now=NOW).label == "2026-11-25"


@pytest.mark.parametrize(
    ("kind", "at", "field", "words"),
    [
        ("month", "2026-13", "at", "is not a month"),
        ("month", "2026/11", "at", "is not a month"),
        ("year", "2026", "period", "unknown period"),
        ("day", "2026-02-30", "at", "is not a date"),
        ("week", "2026-W54", "at", "ISO week"),
        ("custom", None, "at", "FROM..TO"),
        ("custom", "2026-11-01", "at", "FROM..TO"),
        ("custom", "2026-11-10..2026-11-01", "to", "ends before it starts"),
        ("custom", "2026-11-10T10:00..2026-11-10T10:00", "to", "ends before it starts"),
        ("custom", "2026-11-01..yesterday", "to", "is not a date"),
        ("custom", "2020-01-01..2026-01-01", "to", "at most 400 days"),
    ],
)
def test_bad_periods_are_refused_with_the_field_and_reason(kind, at, field, words):
    with pytest.raises(BadPeriod) as caught:
        parse_period(kind, at, tz="UTC", now=NOW)
    assert caught.value.field == field and words in caught.value.message


def test_scopes_parse_and_refuse_unknown_kinds():
    assert parse_scope(None).kind is ScopeKind.ALL
    assert parse_scope("post:desk 1").name == "desk 1"
    assert parse_scope("group:north").text == "group:north"
    for bad in ("desk", "camera:x", "post:", "group: "):
        with pytest.raises(BadScope):
            parse_scope(bad)


def test_change_against_a_zero_base_is_new_not_a_division_error():
    assert change(3, 0).model_dump() == {"absolute": 3, "percent": None, "note": "new"}
    assert change(0, 0).model_dump() == {"absolute": 0, "percent": None, "note": "n/a"}
    assert change(None, 5).note == "n/a" and change(5, None).note == "n/a"
    assert change(1, 4).model_dump() == {"absolute": -3, "percent": -75.0, "note": ""}
    assert change(0.25, 0.5).model_dump() == {"absolute": -0.25, "percent": -50.0, "note": ""}


def test_rows_of_both_periods_are_compared_missing_ones_as_zero():
    rows = compare_rows({"a": 2, "b": 5}, {"a": 1, "c": 4})
    assert [(r.label, r.current, r.previous, r.change.note) for r in rows] == [
        ("b", 5, 0, "new"),
        ("a", 2, 1, ""),
        ("c", 0, 4, ""),
    ]

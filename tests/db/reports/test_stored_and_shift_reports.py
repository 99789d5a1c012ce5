"""Scheduled reports are stored once per period; shift periods come from the roster."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reports.errors import BadPeriod
from reports.models import StoredReport
from reports.service import build_report
from reports.stored import generate_due_reports, get_data
from shift_logs.roster.models import Shift
from tests.conftest import make_settings
from tests.factories.reports import NOW, TZ, local, seed


def _settings(**reports: bool):
    return make_settings("sqlite://", site={"timezone": TZ}, reports=reports)


def _stored(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(StoredReport)) or 0


def test_due_reports_are_generated_once_however_often_the_worker_asks(session: Session):
    seed(session)
    before = _stored(session)
    made = generate_due_reports(session, NOW, _settings())
    assert [(r.period_kind, r.period_label) for r in made] == [("month", "2026-11"), ("day", "2026-12-01")]
    assert generate_due_reports(session, NOW + dt.timedelta(hours=5), _settings()) == []
    assert _stored(session) == before + 2
    month = get_data(session, made[0].id)
    assert month.section("alerts").figures[0].current == 6


def test_a_new_day_adds_only_the_daily_report_and_settings_can_turn_them_off(session: Session):
    generate_due_reports(session, NOW, _settings())
    next_day = generate_due_reports(session, NOW + dt.timedelta(days=1), _settings())
    assert [(r.period_kind, r.period_label) for r in next_day] == [("day", "2026-12-02")]
    assert (
        generate_due_reports(session, NOW + dt.timedelta(days=2), _settings(daily=False, monthly=False)) == []
    )


def _shift(session: Session, name: str, start: dt.datetime, hours: int) -> Shift:
    shift = Shift(name=name, starts_at=start, ends_at=start + dt.timedelta(hours=hours))
    session.add(shift)
    session.flush()
    return shift


def test_a_shift_report_is_that_shift_against_the_shift_before(session: Session):
    seed(session)
    _shift(session, "night 9 Nov", local(2026, 11, 9, 20), 12)
    day = _shift(session, "day 10 Nov", local(2026, 11, 10, 8), 12)
    by_time = build_report(
        session, period="shift", at="2026-11-10T14:00", scope="all", settings=_settings(), now=NOW
    )
    by_id = build_report(session, period="shift", at=str(day.id), scope="all", settings=_settings(), now=NOW)
    assert by_time.period_label == by_id.period_label == f"day 10 Nov (#{day.id})"
    assert by_time.previous_label.startswith("night 9 Nov")
    alerts = {f.key: (f.current, f.previous) for f in by_time.section("alerts").figures}
    assert alerts["alerts"] == (1, 0)  # the tamper alert at 14:00


def test_a_shift_that_is_not_in_the_roster_is_refused(session: Session):
    with pytest.raises(BadPeriod, match="no shift"):
        build_report(session, period="shift", at="999999", scope="all", settings=_settings(), now=NOW)

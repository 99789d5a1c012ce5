"""When scheduled checks fall due, and the maintenance settings' rules."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from config.maintenance import MaintenanceSettings
from maintenance.checks import next_due_at

T0 = dt.datetime(2026, 11, 25, 8, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


def test_first_check_is_one_interval_after_installation():
    due = next_due_at(
        interval_days=30,
        installed_on=dt.date(2026, 11, 1),
        registered_at=T0 - 60 * DAY,
        last_due=None,
        last_done=None,
    )
    assert due == dt.datetime(2026, 12, 1, tzinfo=dt.UTC)


def test_old_equipment_registered_now_is_due_at_registration_not_in_the_past():
    due = next_due_at(
        interval_days=30, installed_on=dt.date(2019, 1, 1), registered_at=T0, last_due=None, last_done=None
    )
    assert due == T0


def test_without_installation_date_the_interval_counts_from_registration():
    assert (
        next_due_at(interval_days=7, installed_on=None, registered_at=T0, last_due=None, last_done=None)
        == T0 + 7 * DAY
    )


def test_a_check_done_early_keeps_the_schedule():
    due = next_due_at(
        interval_days=30, installed_on=None, registered_at=T0, last_due=T0, last_done=T0 - 2 * DAY
    )
    assert due == T0 + 30 * DAY


def test_a_check_done_late_counts_from_its_completion_so_checks_do_not_pile_up():
    due = next_due_at(
        interval_days=30, installed_on=None, registered_at=T0, last_due=T0, last_done=T0 + 10 * DAY
    )
    assert due == T0 + 40 * DAY


def test_settings_need_a_target_for_every_severity():
    with pytest.raises(ValidationError, match="missing severities critical"):
        MaintenanceSettings(assign_within_min={"low": 1, "medium": 1, "high": 1})


def test_settings_refuse_unknown_auto_conditions():
    with pytest.raises(ValidationError, match="unknown conditions sneezing"):
        MaintenanceSettings(auto_severity={"sneezing": "low"})

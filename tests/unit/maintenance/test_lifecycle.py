"""The fault lifecycle and deadline rules, without a database."""

from __future__ import annotations

import datetime as dt

import pytest

from maintenance.lifecycle import Action, FaultState, allowed_actions, due_flags, step

S = FaultState
T0 = dt.datetime(2026, 11, 25, 8, 0, tzinfo=dt.UTC)

ALLOWED = [
    (S.REPORTED, Action.ASSIGN, S.ASSIGNED),
    (S.ASSIGNED, Action.ASSIGN, S.ASSIGNED),
    (S.IN_PROGRESS, Action.ASSIGN, S.ASSIGNED),
    (S.ASSIGNED, Action.START, S.IN_PROGRESS),
    (S.ASSIGNED, Action.FIX, S.FIXED),
    (S.IN_PROGRESS, Action.FIX, S.FIXED),
    (S.REPORTED, Action.AUTO_FIX, S.FIXED),
    (S.IN_PROGRESS, Action.AUTO_FIX, S.FIXED),
    (S.FIXED, Action.VERIFY, S.VERIFIED),
    (S.REPORTED, Action.REJECT, S.REJECTED),
    (S.IN_PROGRESS, Action.DUPLICATE, S.DUPLICATE),
]


@pytest.mark.parametrize(("current", "action", "target"), ALLOWED)
def test_lifecycle_allows_the_forward_steps(current, action, target):
    assert step(current, action, has_assignee=True).target is target


@pytest.mark.parametrize("final", [S.VERIFIED, S.REJECTED, S.DUPLICATE])
@pytest.mark.parametrize("action", list(Action))
def test_final_states_refuse_every_step(final, action):
    assert not step(final, action, has_assignee=True).allowed


@pytest.mark.parametrize(
    ("current", "action"),
    [
        (S.REPORTED, Action.START),
        (S.REPORTED, Action.FIX),
        (S.REPORTED, Action.VERIFY),
        (S.IN_PROGRESS, Action.VERIFY),
        (S.FIXED, Action.FIX),
        (S.FIXED, Action.AUTO_FIX),
        (S.FIXED, Action.REJECT),
        (S.ASSIGNED, Action.REOPEN),
    ],
)
def test_skipping_or_repeating_a_step_is_refused(current, action):
    assert step(current, action, has_assignee=True).target is None


def test_reopen_goes_back_to_work_or_to_reported_without_assignee():
    assert step(S.FIXED, Action.REOPEN, has_assignee=True).target is S.IN_PROGRESS
    assert step(S.FIXED, Action.REOPEN, has_assignee=False).target is S.REPORTED


def test_people_are_never_offered_the_systems_auto_fix():
    assert Action.AUTO_FIX not in allowed_actions(S.REPORTED, has_assignee=False)
    assert allowed_actions(S.FIXED, has_assignee=True) == [Action.VERIFY, Action.REOPEN]
    assert allowed_actions(S.VERIFIED, has_assignee=True) == []


def _flags(state, minutes, *, assign_flagged=False, fix_flagged=False):
    return due_flags(
        state,
        reported_at=T0,
        assign_within=dt.timedelta(minutes=15),
        fix_within=dt.timedelta(minutes=60),
        assign_flagged=assign_flagged,
        fix_flagged=fix_flagged,
        now=T0 + dt.timedelta(minutes=minutes),
    )


def test_unassigned_fault_is_flagged_once_at_its_assign_target():
    assert _flags(S.REPORTED, 14) == []
    assert _flags(S.REPORTED, 15) == ["assign"]
    assert _flags(S.REPORTED, 30, assign_flagged=True) == []


def test_unfixed_fault_is_flagged_at_its_fix_target_in_any_working_state():
    assert _flags(S.IN_PROGRESS, 59) == []
    assert _flags(S.IN_PROGRESS, 60) == ["fix"]
    assert _flags(S.REPORTED, 61) == ["assign", "fix"]
    assert _flags(S.FIXED, 600) == []
    assert _flags(S.ASSIGNED, 600, fix_flagged=True) == []

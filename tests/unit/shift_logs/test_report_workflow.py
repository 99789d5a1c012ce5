"""The report follow-through as pure rules: which step leads where, and which deadline follows."""

from __future__ import annotations

import datetime as dt

import pytest

from shift_logs.incident.workflow import (
    Action,
    DueKind,
    ReportDeadlines,
    Stage,
    allowed_actions,
    due_for,
    legacy_state_name,
    step,
)

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
RULES = ReportDeadlines(acceptance_days=15, result_days=60, unit_reply_days=10, return_visit_days=7)


def test_a_report_can_go_from_receipt_to_review_and_closure() -> None:
    path = [
        (Action.ACCEPT, None, Stage.ACCEPTED),
        (Action.TRANSFER, None, Stage.TRANSFERRED),
        (Action.REMIND, None, Stage.TRANSFERRED),
        (Action.UNIT_REPLY, None, Stage.REPLIED),
        (Action.CONCLUDE, None, Stage.CONCLUDED),
        (Action.ANSWER, None, Stage.ANSWERED),
        (Action.VISIT, False, Stage.REVIEW),
        (Action.REVIEW, None, Stage.CLOSED),
    ]
    stage = Stage.RECEIVED
    for action, satisfied, expected in path:
        move = step(stage, action, satisfied=satisfied)
        assert move.allowed and move.target is expected, (stage, action)
        stage = move.target
    assert allowed_actions(stage) == []


def test_a_satisfied_return_visit_closes_and_refusal_is_final() -> None:
    assert step(Stage.ANSWERED, Action.VISIT, satisfied=True).target is Stage.CLOSED
    assert step(Stage.RECEIVED, Action.REFUSE).target is Stage.REFUSED
    assert allowed_actions(Stage.REFUSED) == []


@pytest.mark.parametrize(
    ("stage", "action"),
    [
        (Stage.RECEIVED, Action.CONCLUDE),
        (Stage.RECEIVED, Action.TRANSFER),
        (Stage.ACCEPTED, Action.OPEN_CASE),
        (Stage.TRANSFERRED, Action.CONCLUDE),
        (Stage.CONCLUDED, Action.VISIT),
        (Stage.CLOSED, Action.REVIEW),
    ],
)
def test_steps_out_of_order_are_refused_and_leave_the_stage(stage: Stage, action: Action) -> None:
    move = step(stage, action)
    assert not move.allowed and move.target is stage


def test_each_stage_runs_against_its_deadline_from_the_rules() -> None:
    now = T0 + dt.timedelta(days=3)
    assert due_for(Stage.RECEIVED, now=now, received_at=T0, promised_at=None, rules=RULES) == (
        DueKind.ACCEPTANCE,
        T0 + dt.timedelta(days=15),
    )
    promised = T0 + dt.timedelta(days=30)
    assert due_for(Stage.CHECKING, now=now, received_at=T0, promised_at=promised, rules=RULES) == (
        DueKind.RESULT,
        promised,
    )
    assert due_for(Stage.TRANSFERRED, now=now, received_at=T0, promised_at=None, rules=RULES) == (
        DueKind.UNIT_REPLY,
        now + dt.timedelta(days=10),
    )
    assert due_for(Stage.TRANSFERRED, now=now, received_at=T0, promised_at=None, rules=RULES, unit_days=3)[
        1
    ] == (now + dt.timedelta(days=3))
    assert (
        due_for(Stage.ANSWERED, now=now, received_at=T0, promised_at=None, rules=RULES)[0]
        is DueKind.RETURN_VISIT
    )
    assert due_for(Stage.CLOSED, now=now, received_at=T0, promised_at=None, rules=RULES) == (None, None)


def test_the_older_state_follows_the_stage() -> None:
    assert legacy_state_name(Stage.RECEIVED) == "open"
    assert legacy_state_name(Stage.TRANSFERRED) == "acknowledged"
    assert legacy_state_name(Stage.CONCLUDED) == "closed"

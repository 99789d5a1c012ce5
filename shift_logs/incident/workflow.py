"""The follow-through of a report from the public as pure rules (no session):

    received ──accept──▶ accepted ──check──▶ checking ──open_case──▶ investigating
        │                   │                   │                        │
        └──refuse──▶ refused │                   │                        │
                            └───────transfer────┴────────────────────────┴──▶ transferred
                                                                                │ (remind: no change)
                                                                          unit_reply
                                                                                ▼
    accepted / checking / investigating / replied ──conclude──▶ concluded ──answer──▶ answered
    answered ──visit(satisfied)──▶ closed;  answered ──visit(dissatisfied)──▶ review ──review──▶ closed

Each stage has at most one deadline (`DueKind`): acceptance while received, the result while the
matter is worked on, the unit's reply while transferred, the return visit once answered. Refused and
closed are final. `legacy_state` keeps the older open/acknowledged/closed state in step.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

__all__ = [
    "FINAL_STAGES",
    "Action",
    "DueKind",
    "Finding",
    "ReportDeadlines",
    "ReportType",
    "Stage",
    "Step",
    "allowed_actions",
    "due_for",
    "legacy_state_name",
    "step",
]


class Stage(enum.StrEnum):
    """Where a report stands."""

    RECEIVED = "received"
    ACCEPTED = "accepted"
    REFUSED = "refused"
    CHECKING = "checking"
    INVESTIGATING = "investigating"
    TRANSFERRED = "transferred"
    REPLIED = "replied"
    CONCLUDED = "concluded"
    ANSWERED = "answered"
    REVIEW = "review"
    CLOSED = "closed"


FINAL_STAGES = frozenset({Stage.REFUSED, Stage.CLOSED})
_WORKING = frozenset({Stage.ACCEPTED, Stage.CHECKING, Stage.INVESTIGATING})


class Action(enum.StrEnum):
    """A step someone takes on a report."""

    ACCEPT = "accept"
    REFUSE = "refuse"
    CHECK = "check"
    OPEN_CASE = "open_case"
    TRANSFER = "transfer"
    REMIND = "remind"
    UNIT_REPLY = "unit_reply"
    CONCLUDE = "conclude"
    ANSWER = "answer"
    VISIT = "visit"
    REVIEW = "review"


class ReportType(enum.StrEnum):
    """The kind of report (the disposal report counts by these)."""

    ACCUSATION = "accusation"
    APPEAL = "appeal"
    SUGGESTION = "suggestion"
    OTHER = "other"


class Finding(enum.StrEnum):
    """The outcome of a concluded report."""

    SUBSTANTIATED = "substantiated"
    PARTLY = "partly"
    UNSUBSTANTIATED = "unsubstantiated"
    FALSE_ACCUSATION = "false_accusation"


class DueKind(enum.StrEnum):
    """Which deadline a stage runs against."""

    ACCEPTANCE = "acceptance"
    RESULT = "result"
    UNIT_REPLY = "unit_reply"
    RETURN_VISIT = "return_visit"


_FROM: dict[Action, frozenset[Stage]] = {
    Action.ACCEPT: frozenset({Stage.RECEIVED}),
    Action.REFUSE: frozenset({Stage.RECEIVED}),
    Action.CHECK: frozenset({Stage.ACCEPTED}),
    Action.OPEN_CASE: frozenset({Stage.CHECKING}),
    Action.TRANSFER: _WORKING,
    Action.REMIND: frozenset({Stage.TRANSFERRED}),
    Action.UNIT_REPLY: frozenset({Stage.TRANSFERRED}),
    Action.CONCLUDE: _WORKING | {Stage.REPLIED},
    Action.ANSWER: frozenset({Stage.CONCLUDED}),
    Action.VISIT: frozenset({Stage.ANSWERED}),
    Action.REVIEW: frozenset({Stage.REVIEW}),
}
_TO: dict[Action, Stage] = {
    Action.ACCEPT: Stage.ACCEPTED,
    Action.REFUSE: Stage.REFUSED,
    Action.CHECK: Stage.CHECKING,
    Action.OPEN_CASE: Stage.INVESTIGATING,
    Action.TRANSFER: Stage.TRANSFERRED,
    Action.UNIT_REPLY: Stage.REPLIED,
    Action.CONCLUDE: Stage.CONCLUDED,
    Action.ANSWER: Stage.ANSWERED,
    Action.REVIEW: Stage.CLOSED,
}


@dataclass(frozen=True, slots=True)
class ReportDeadlines:
    """The time limits of the duty rules (`report_deadlines`), in days."""

    acceptance_days: int = 15
    result_days: int = 60
    unit_reply_days: int = 15
    return_visit_days: int = 7


@dataclass(frozen=True, slots=True)
class Step:
    """The outcome of asking for `action` in `current`: allowed or not, and the stage it leads to."""

    action: Action
    current: Stage
    allowed: bool
    target: Stage


def step(current: Stage, action: Action, *, satisfied: bool | None = None) -> Step:
    """Where `action` leads from `current` (`satisfied` decides where a return visit leads)."""
    allowed = current in _FROM[action]
    if action is Action.REMIND:
        target = current
    elif action is Action.VISIT:
        target = Stage.CLOSED if satisfied else Stage.REVIEW
    else:
        target = _TO[action]
    return Step(action=action, current=current, allowed=allowed, target=target if allowed else current)


def allowed_actions(current: Stage) -> list[Action]:
    """The actions possible in `current`, in the order the console offers them."""
    return [a for a in Action if current in _FROM[a]]


def due_for(
    stage: Stage,
    *,
    now: dt.datetime,
    received_at: dt.datetime,
    promised_at: dt.datetime | None,
    rules: ReportDeadlines,
    unit_days: int | None = None,
) -> tuple[DueKind | None, dt.datetime | None]:
    """The deadline the report runs against once it has entered `stage` at `now`."""
    days = dt.timedelta(days=1)
    if stage is Stage.RECEIVED:
        return DueKind.ACCEPTANCE, received_at + rules.acceptance_days * days
    if stage in _WORKING or stage is Stage.REPLIED:
        return DueKind.RESULT, promised_at or received_at + rules.result_days * days
    if stage is Stage.TRANSFERRED:
        return DueKind.UNIT_REPLY, now + (unit_days or rules.unit_reply_days) * days
    if stage is Stage.ANSWERED:
        return DueKind.RETURN_VISIT, now + rules.return_visit_days * days
    if stage is Stage.REVIEW:
        return DueKind.RESULT, now + rules.result_days * days
    return None, None


def legacy_state_name(stage: Stage) -> str:
    """The older open/acknowledged/closed state that matches `stage`."""
    if stage is Stage.RECEIVED:
        return "open"
    if stage in (Stage.REFUSED, Stage.CONCLUDED, Stage.ANSWERED, Stage.REVIEW, Stage.CLOSED):
        return "closed"
    return "acknowledged"

"""The fault lifecycle as pure rules (no session):

    reported ──assign──▶ assigned ──start──▶ in_progress ──fix──▶ fixed ──verify──▶ verified
        │                   │  ▲                 │                  │
        │                   │  └──assign─────────┘                  └──reopen──▶ in_progress (or reported)
        └───────────────────┴──reject / duplicate (also from in_progress)──▶ rejected / duplicate

The system closes an automatic fault whose condition has cleared (`auto_fix`: reported, assigned or
in_progress -> fixed); a person still verifies it. Verified, rejected and duplicate are final.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

__all__ = ["OPEN_STATES", "Action", "FaultState", "Step", "allowed_actions", "due_flags", "step"]


class FaultState(enum.StrEnum):
    """Where a fault stands."""

    REPORTED = "reported"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    FIXED = "fixed"
    VERIFIED = "verified"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"

    @property
    def is_open(self) -> bool:
        """True until verified, rejected or marked a duplicate."""
        return self in OPEN_STATES


OPEN_STATES = frozenset({FaultState.REPORTED, FaultState.ASSIGNED, FaultState.IN_PROGRESS, FaultState.FIXED})
_WORKING = frozenset({FaultState.REPORTED, FaultState.ASSIGNED, FaultState.IN_PROGRESS})


class Action(enum.StrEnum):
    """A step someone (or the system) takes on a fault."""

    ASSIGN = "assign"
    START = "start"
    FIX = "fix"
    AUTO_FIX = "auto_fix"
    VERIFY = "verify"
    REOPEN = "reopen"
    REJECT = "reject"
    DUPLICATE = "duplicate"


_FROM: dict[Action, frozenset[FaultState]] = {
    Action.ASSIGN: frozenset({FaultState.REPORTED, FaultState.ASSIGNED, FaultState.IN_PROGRESS}),
    Action.START: frozenset({FaultState.ASSIGNED}),
    Action.FIX: frozenset({FaultState.ASSIGNED, FaultState.IN_PROGRESS}),
    Action.AUTO_FIX: _WORKING,
    Action.VERIFY: frozenset({FaultState.FIXED}),
    Action.REOPEN: frozenset({FaultState.FIXED}),
    Action.REJECT: _WORKING,
    Action.DUPLICATE: _WORKING,
}
_TO: dict[Action, FaultState] = {
    Action.ASSIGN: FaultState.ASSIGNED,
    Action.START: FaultState.IN_PROGRESS,
    Action.FIX: FaultState.FIXED,
    Action.AUTO_FIX: FaultState.FIXED,
    Action.VERIFY: FaultState.VERIFIED,
    Action.REJECT: FaultState.REJECTED,
    Action.DUPLICATE: FaultState.DUPLICATE,
}


@dataclass(frozen=True, slots=True)
class Step:
    """The outcome of asking for `action` in `current`: allowed or not, and the state it leads to."""

    action: Action
    current: FaultState
    target: FaultState | None

    @property
    def allowed(self) -> bool:
        """True when the step may be taken."""
        return self.target is not None


def step(current: FaultState, action: Action, *, has_assignee: bool) -> Step:
    """Where `action` leads from `current` (target None when the lifecycle refuses it)."""
    if current not in _FROM[action]:
        return Step(action, current, None)
    if action is Action.REOPEN:
        return Step(action, current, FaultState.IN_PROGRESS if has_assignee else FaultState.REPORTED)
    return Step(action, current, _TO[action])


def allowed_actions(current: FaultState, *, has_assignee: bool) -> list[Action]:
    """The actions a person may take now (the system's auto_fix left out)."""
    return [
        a for a in Action if a is not Action.AUTO_FIX and step(current, a, has_assignee=has_assignee).allowed
    ]


def due_flags(
    current: FaultState,
    *,
    reported_at: dt.datetime,
    assign_within: dt.timedelta,
    fix_within: dt.timedelta,
    assign_flagged: bool,
    fix_flagged: bool,
    now: dt.datetime,
) -> list[str]:
    """Which targets a fault has newly missed: 'assign' (still reported), 'fix' (not fixed yet)."""
    missed = []
    if current is FaultState.REPORTED and not assign_flagged and now >= reported_at + assign_within:
        missed.append("assign")
    if current in _WORKING and not fix_flagged and now >= reported_at + fix_within:
        missed.append("fix")
    return missed

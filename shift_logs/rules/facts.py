"""The facts the duty rules are judged on, and what a broken rule looks like: plain, frozen data, no database.
Every place that checks a duty rule builds one of these and calls `shift_logs.rules.evaluate.evaluate`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from core.messages import Message
from shift_logs.rules.model import Severity

__all__ = [
    "AlertFact",
    "ApprovalFacts",
    "CameraFact",
    "CheckInFacts",
    "EndedDuty",
    "Facts",
    "HandoverFacts",
    "LiveFacts",
    "PostWatch",
    "RosterFacts",
    "Slot",
    "Violation",
]


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken rule: which, the clause, block or warn, who, a stable key (for de-duplication), why."""

    rule_id: str
    clause: str
    severity: Severity
    subject: str
    key: str
    message: str
    post: str = ""
    said: Message | None = None  # `message` as a catalogue key with parameters (core.messages)


@dataclass(frozen=True, slots=True)
class Slot:
    """One roster entry: a person on a post for a window of a shift."""

    user: str
    post: str
    shift_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime


@dataclass(frozen=True, slots=True)
class RosterFacts:
    """A roster edit: the new slot, that person's other slots, and the post's slots in the shift window."""

    candidate: Slot
    person_slots: Sequence[Slot]
    post_slots: Sequence[Slot]
    shift_starts_at: dt.datetime
    shift_ends_at: dt.datetime


@dataclass(frozen=True, slots=True)
class ApprovalFacts:
    """Someone deciding on someone's business: a footage request, a leave, a handover, a hold release."""

    kind: Literal["footage_request", "leave", "handover", "hold_release"]
    requester_id: int
    requester: str
    decider_id: int
    decider: str
    ref: str
    grant_hours: float | None = None


@dataclass(frozen=True, slots=True)
class CheckInFacts:
    """Someone checking in now at a post for a duty that started at `starts_at`."""

    post: str
    user: str
    roster_ref: str
    starts_at: dt.datetime


@dataclass(frozen=True, slots=True)
class HandoverFacts:
    """A handover started by `outgoing` at `now` for a duty ending at `ends_at`."""

    post: str
    outgoing: str
    ends_at: dt.datetime
    ref: str


@dataclass(frozen=True, slots=True)
class PostWatch:
    """A rostered post now: who is rostered, who is checked in, watching since, last activity, handover."""

    post: str
    rostered: str
    roster_ref: str
    ends_at: dt.datetime
    present: bool = False
    watching_since: dt.datetime | None = None
    last_activity: dt.datetime | None = None
    covered_by_substitute: bool = False
    handover_started: bool = False
    starts_at: dt.datetime | None = None
    post_staffed: bool = False


@dataclass(frozen=True, slots=True)
class EndedDuty:
    """A duty that ended recently, and whether its outgoing operator has signed a handover since it began."""

    post: str
    rostered: str
    roster_ref: str
    ends_at: dt.datetime
    handed_over: bool


@dataclass(frozen=True, slots=True)
class AlertFact:
    """An alert still waiting for an acknowledgement."""

    alert_id: int
    priority: str
    first_seen: dt.datetime
    camera: str = ""


@dataclass(frozen=True, slots=True)
class CameraFact:
    """A camera as the wall sees it."""

    name: str
    key: bool
    ptz_moved_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class LiveFacts:
    """The room now, for the scheduled evaluation."""

    posts: Sequence[PostWatch] = ()
    alerts: Sequence[AlertFact] = ()
    ended: Sequence[EndedDuty] = ()
    cameras: Sequence[CameraFact] = field(default_factory=tuple)


Facts = RosterFacts | ApprovalFacts | CheckInFacts | HandoverFacts | LiveFacts

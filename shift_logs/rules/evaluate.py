"""The one evaluation of the operator duty rules: pure (rule set + facts + now -> violations), no database.

Every place that checks a duty rule (roster edits, check-in, leave, handover, approvals, hold release,
the live evaluation) builds one of the facts below and calls `evaluate`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from shift_logs.rules.model import DutyRules, Severity

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
    "blocking",
    "evaluate",
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
Check = Callable[[DutyRules, Facts, dt.datetime], Iterable[Violation]]


def _v(rules: DutyRules, rule_id: str, subject: str, key: str, message: str, post: str = "") -> Violation:
    rule = getattr(rules.rules, rule_id)
    return Violation(rule_id, rule.clause, rule.severity, subject, f"{rule_id}:{key}", message, post)


def _fmt(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M UTC")


def _hours(d: dt.timedelta) -> str:
    return f"{d.total_seconds() / 3600:g} h"


def _duty_periods(slots: Sequence[Slot], rest: dt.timedelta) -> list[tuple[dt.datetime, dt.datetime]]:
    periods: list[tuple[dt.datetime, dt.datetime]] = []
    for slot in sorted(slots, key=lambda s: s.starts_at):
        if periods and slot.starts_at - periods[-1][1] < rest:
            periods[-1] = (periods[-1][0], max(periods[-1][1], slot.ends_at))
        else:
            periods.append((slot.starts_at, slot.ends_at))
    return periods


def _max_duty(rules: DutyRules, f: Facts, now: dt.datetime) -> Iterable[Violation]:
    if not isinstance(f, RosterFacts):
        return
    limit = dt.timedelta(hours=rules.rules.max_continuous_duty.params.hours)
    rest = dt.timedelta(hours=rules.rules.min_rest.params.hours)
    c = f.candidate
    for start, end in _duty_periods([*f.person_slots, c], rest):
        if start <= c.starts_at < end and end - start > limit:
            yield _v(
                rules, "max_continuous_duty", c.user, f"{c.user}:{_fmt(start)}",
                f"{c.user} would be on duty {_hours(end - start)} without a rest of "
                f"{_hours(rest)} (from {_fmt(start)} to {_fmt(end)}); the limit is {_hours(limit)}", c.post,
            )  # fmt: skip


def _min_rest(rules: DutyRules, f: Facts, now: dt.datetime) -> Iterable[Violation]:
    if not isinstance(f, RosterFacts):
        return
    rest = dt.timedelta(hours=rules.rules.min_rest.params.hours)
    c = f.candidate
    for other in f.person_slots:
        if other.shift_id == c.shift_id:
            continue
        gap = max(c.starts_at - other.ends_at, other.starts_at - c.ends_at)
        if dt.timedelta(0) <= gap < rest:
            yield _v(
                rules, "min_rest", c.user, f"{c.user}:{_fmt(c.starts_at)}",
                f"{c.user} would have only {_hours(gap)} of rest between shifts; at least {_hours(rest)} is required",
                c.post,
            )  # fmt: skip
            return


def _min_staff(rules: DutyRules, f: Facts, now: dt.datetime) -> Iterable[Violation]:
    if not isinstance(f, RosterFacts):
        return
    c = f.candidate
    slots = sorted([*f.post_slots, c], key=lambda s: s.starts_at)
    cursor, gaps = f.shift_starts_at, []
    for slot in slots:
        if slot.starts_at > cursor:
            gaps.append((cursor, slot.starts_at))
        cursor = max(cursor, slot.ends_at)
    if cursor < f.shift_ends_at:
        gaps.append((cursor, f.shift_ends_at))
    if gaps:
        text = ", ".join(f"{a:%H:%M}-{b:%H:%M}" for a, b in gaps)
        yield _v(
            rules, "min_staff", c.post, f"{c.post}:{c.shift_id}",
            f"post {c.post} has nobody rostered {text} UTC in this shift", c.post,
        )  # fmt: skip


_SEPARATION_TEXT = {
    "footage_request": "{d} may not approve their own footage-access request {ref}",
    "leave": "{d} may not decide on their own leave request {ref}",
    "handover": "the incoming operator of handover {ref} must be someone other than {d}",
    "hold_release": "{d} placed hold {ref} and may not release it",
}


def _separation(rules: DutyRules, f: Facts, now: dt.datetime) -> Iterable[Violation]:
    if not isinstance(f, ApprovalFacts) or f.requester_id != f.decider_id:
        return
    if getattr(rules.rules.separation_of_duties.params, f.kind):
        text = _SEPARATION_TEXT[f.kind].format(d=f.decider, ref=f.ref)
        yield _v(rules, "separation_of_duties", f.decider, f"{f.kind}:{f.ref}", text)


def _grant_validity(rules: DutyRules, f: Facts, now: dt.datetime) -> Iterable[Violation]:
    if not isinstance(f, ApprovalFacts) or f.grant_hours is None:
        return
    limit = rules.rules.grant_validity.params.max_hours
    if f.grant_hours > limit:
        text = f"a footage grant of {f.grant_hours:g} h exceeds the longest validity of {limit:g} h"
        yield _v(rules, "grant_validity", f.decider, f"grant:{f.ref}", text)


def _handover_lead(rules: DutyRules, f: Facts, now: dt.datetime) -> Iterable[Violation]:
    lead = dt.timedelta(minutes=rules.rules.handover_lead.params.minutes)
    if isinstance(f, HandoverFacts) and now > f.ends_at - lead:
        text = f"handover of post {f.post} started at {now:%H:%M}, less than {lead} before the end at {f.ends_at:%H:%M} UTC"
        yield _v(rules, "handover_lead", f.outgoing, f"{f.ref}", text, f.post)
    if isinstance(f, LiveFacts):
        for p in f.posts:
            if p.present and not p.handover_started and now > p.ends_at - lead:
                text = f"{p.rostered} has not started the handover of post {p.post} (duty ends {p.ends_at:%H:%M} UTC)"
                yield _v(rules, "handover_lead", p.rostered, p.roster_ref, text, p.post)
        grace = dt.timedelta(minutes=rules.rules.handover_lead.params.grace_minutes)
        for d in f.ended:
            if not d.handed_over and now > d.ends_at + grace:
                text = f"{d.rostered} has not handed over post {d.post} (duty ended {d.ends_at:%H:%M} UTC)"
                yield _v(rules, "handover_lead", d.rostered, f"late:{d.roster_ref}", text, d.post)


def _unstaffed(rules: DutyRules, f: Facts, now: dt.datetime) -> Iterable[Violation]:
    if not isinstance(f, LiveFacts):
        return
    grace = dt.timedelta(minutes=rules.rules.min_staff.params.grace_minutes)
    for p in f.posts:
        if p.present or p.post_staffed or p.covered_by_substitute:
            continue
        if p.starts_at is None or now > p.starts_at + grace:
            text = f"post {p.post} is unstaffed: {p.rostered} is rostered but not checked in"
            yield _v(rules, "min_staff", p.rostered, f"live:{p.roster_ref}", text, p.post)


def _late_check_in(rules: DutyRules, f: Facts, now: dt.datetime) -> Iterable[Violation]:
    if not isinstance(f, CheckInFacts):
        return
    grace = dt.timedelta(minutes=rules.rules.min_staff.params.grace_minutes)
    if now > f.starts_at + grace:
        minutes = int((now - f.starts_at).total_seconds() // 60)
        text = f"{f.user} checked in at post {f.post} {minutes} min after the duty started"
        yield _v(rules, "min_staff", f.user, f"late:{f.roster_ref}", text, f.post)


def _watch_check(
    rule_id: str,
    limit_of: Callable[[DutyRules], dt.timedelta],
    since: Callable[[PostWatch], dt.datetime | None],
    say: Callable[[PostWatch, dt.datetime], str],
) -> Check:
    """A live check: a post's present, uncovered operator is past the rule's limit since `since(post)`."""

    def check(rules: DutyRules, f: Facts, now: dt.datetime) -> Iterable[Violation]:
        if not isinstance(f, LiveFacts):
            return
        limit = limit_of(rules)
        for p in f.posts:
            at = since(p)
            if p.present and not p.covered_by_substitute and at is not None and now - at > limit:
                yield _v(rules, rule_id, p.rostered, f"{p.roster_ref}:{_fmt(at)}", say(p, at), p.post)

    return check


_inactivity = _watch_check(
    "inactivity",
    lambda r: dt.timedelta(minutes=r.rules.inactivity.params.minutes),
    lambda p: p.last_activity,
    lambda p, at: f"no activity on post {p.post} by {p.rostered} since {at:%H:%M} UTC",
)
_screen_break = _watch_check(
    "screen_break",
    lambda r: dt.timedelta(minutes=r.rules.screen_break.params.after_minutes),
    lambda p: p.watching_since,
    lambda p, at: (
        f"{p.rostered} has watched post {p.post} since {at:%H:%M} UTC: a break with a substitute covering is due"
    ),
)


def _ack_targets(rules: DutyRules, f: Facts, now: dt.datetime) -> Iterable[Violation]:
    if not isinstance(f, LiveFacts):
        return
    params = rules.rules.ack_targets.params
    for a in f.alerts:
        target = params.high_s if a.priority == "high" else params.normal_s
        if (now - a.first_seen).total_seconds() > target:
            text = f"alert {a.alert_id} ({a.priority}, {a.camera}) not acknowledged within {target:g} s"
            yield _v(rules, "ack_targets", a.camera or "room", f"alert:{a.alert_id}", text)


def _ptz_home(rules: DutyRules, f: Facts, now: dt.datetime) -> Iterable[Violation]:
    if not isinstance(f, LiveFacts):
        return
    limit = dt.timedelta(seconds=rules.rules.ptz_return_home.params.seconds)
    for cam in f.cameras:
        if cam.ptz_moved_at is not None and now - cam.ptz_moved_at > limit:
            text = f"camera {cam.name} has not returned to its home preset {limit} after it was moved"
            yield _v(rules, "ptz_return_home", cam.name, f"{cam.name}:{_fmt(cam.ptz_moved_at)}", text)


def _key_cameras(rules: DutyRules, f: Facts, now: dt.datetime) -> Iterable[Violation]:
    if not isinstance(f, LiveFacts):
        return
    known = {c.name: c for c in f.cameras}
    for name in rules.rules.key_cameras_on_wall.params.cameras:
        cam = known.get(name)
        if cam is None or not cam.key:
            why = "does not exist" if cam is None else "is not marked key, so the wall does not pin it"
            yield _v(rules, "key_cameras_on_wall", name, name, f"key camera {name} {why}")


_CHECKS: dict[str, tuple[Check, ...]] = {
    "min_staff": (_min_staff, _unstaffed, _late_check_in),
    "max_continuous_duty": (_max_duty,),
    "min_rest": (_min_rest,),
    "screen_break": (_screen_break,),
    "handover_lead": (_handover_lead,),
    "inactivity": (_inactivity,),
    "ack_targets": (_ack_targets,),
    "ptz_return_home": (_ptz_home,),
    "separation_of_duties": (_separation,),
    "grant_validity": (_grant_validity,),
    "key_cameras_on_wall": (_key_cameras,),
}


def evaluate(rules: DutyRules, facts: Facts, now: dt.datetime) -> list[Violation]:
    """Every enabled rule that the facts break at `now`, in rule order."""
    found: list[Violation] = []
    for rule_id, checks in _CHECKS.items():
        if not getattr(rules.rules, rule_id).enabled:
            continue
        for check in checks:
            found.extend(check(rules, facts, now))
    return found


def blocking(violations: Iterable[Violation]) -> list[Violation]:
    """The violations whose rule refuses the action."""
    return [v for v in violations if v.severity is Severity.BLOCK]

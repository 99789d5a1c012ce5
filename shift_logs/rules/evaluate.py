"""The one evaluation of the operator duty rules: pure (rule set + facts + now -> violations), no database.

Every place that checks a duty rule (roster edits, check-in, leave, handover, approvals, hold release,
the live evaluation) builds one of the facts (`facts.py`) and calls `evaluate`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence

from core.messages import Message
from shift_logs.rules.facts import (
    ApprovalFacts,
    CheckInFacts,
    Facts,
    HandoverFacts,
    LiveFacts,
    PostWatch,
    RosterFacts,
    Slot,
    Violation,
)
from shift_logs.rules.model import DutyRules, Severity

__all__ = ["blocking", "evaluate"]


Check = Callable[[DutyRules, Facts, dt.datetime], Iterable[Violation]]


def _v(
    rules: DutyRules,
    rule_id: str,
    subject: str,
    key: str,
    message: str,
    post: str = "",
    said: Message | None = None,
) -> Violation:
    rule = getattr(rules.rules, rule_id)
    return Violation(rule_id, rule.clause, rule.severity, subject, f"{rule_id}:{key}", message, post, said)


def _at(t: dt.datetime) -> str:
    """A time as a message parameter (ISO, shown in the site's zone)."""
    return t.astimezone(dt.UTC).isoformat()


def _h(d: dt.timedelta) -> str:
    return f"{d.total_seconds() / 3600:g}"


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
                Message("msg.rule.max_continuous_duty", {"user": c.user, "hours": _h(end - start), "rest": _h(rest),
                        "from_at": _at(start), "to_at": _at(end), "limit": _h(limit)}),
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
                c.post, Message("msg.rule.min_rest", {"user": c.user, "gap": _h(gap), "rest": _h(rest)}),
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
            Message("msg.rule.min_staff_gaps", {"post": c.post, "gaps": text}),
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
        said = Message(f"msg.rule.separation.{f.kind}", {"d": f.decider, "ref": f.ref})
        yield _v(rules, "separation_of_duties", f.decider, f"{f.kind}:{f.ref}", text, said=said)


def _grant_validity(rules: DutyRules, f: Facts, now: dt.datetime) -> Iterable[Violation]:
    if not isinstance(f, ApprovalFacts) or f.grant_hours is None:
        return
    limit = rules.rules.grant_validity.params.max_hours
    if f.grant_hours > limit:
        text = f"a footage grant of {f.grant_hours:g} h exceeds the longest validity of {limit:g} h"
        said = Message("msg.rule.grant_validity", {"hours": f"{f.grant_hours:g}", "limit": f"{limit:g}"})
        yield _v(rules, "grant_validity", f.decider, f"grant:{f.ref}", text, said=said)


def _handover_lead(rules: DutyRules, f: Facts, now: dt.datetime) -> Iterable[Violation]:
    lead = dt.timedelta(minutes=rules.rules.handover_lead.params.minutes)
    if isinstance(f, HandoverFacts) and now > f.ends_at - lead:
        text = f"handover of post {f.post} started at {now:%H:%M}, less than {lead} before the end at {f.ends_at:%H:%M} UTC"
        said = Message(
            "msg.rule.handover_started_late",
            {
                "post": f.post,
                "started_at": _at(now),
                "minutes": int(lead.total_seconds() // 60),
                "ends_at": _at(f.ends_at),
            },
        )
        yield _v(rules, "handover_lead", f.outgoing, f"{f.ref}", text, f.post, said)
    if isinstance(f, LiveFacts):
        for p in f.posts:
            if p.present and not p.handover_started and now > p.ends_at - lead:
                text = f"{p.rostered} has not started the handover of post {p.post} (duty ends {p.ends_at:%H:%M} UTC)"
                said = Message(
                    "msg.rule.handover_not_started",
                    {"user": p.rostered, "post": p.post, "ends_at": _at(p.ends_at)},
                )
                yield _v(rules, "handover_lead", p.rostered, p.roster_ref, text, p.post, said)
        grace = dt.timedelta(minutes=rules.rules.handover_lead.params.grace_minutes)
        for d in f.ended:
            if not d.handed_over and now > d.ends_at + grace:
                text = f"{d.rostered} has not handed over post {d.post} (duty ended {d.ends_at:%H:%M} UTC)"
                said = Message(
                    "msg.rule.handover_missing",
                    {"user": d.rostered, "post": d.post, "ended_at": _at(d.ends_at)},
                )
                yield _v(rules, "handover_lead", d.rostered, f"late:{d.roster_ref}", text, d.post, said)


def _unstaffed(rules: DutyRules, f: Facts, now: dt.datetime) -> Iterable[Violation]:
    if not isinstance(f, LiveFacts):
        return
    grace = dt.timedelta(minutes=rules.rules.min_staff.params.grace_minutes)
    for p in f.posts:
        if p.present or p.post_staffed or p.covered_by_substitute:
            continue
        if p.starts_at is None or now > p.starts_at + grace:
            text = f"post {p.post} is unstaffed: {p.rostered} is rostered but not checked in"
            said = Message("msg.rule.unstaffed", {"post": p.post, "user": p.rostered})
            yield _v(rules, "min_staff", p.rostered, f"live:{p.roster_ref}", text, p.post, said)


def _late_check_in(rules: DutyRules, f: Facts, now: dt.datetime) -> Iterable[Violation]:
    if not isinstance(f, CheckInFacts):
        return
    grace = dt.timedelta(minutes=rules.rules.min_staff.params.grace_minutes)
    if now > f.starts_at + grace:
        minutes = int((now - f.starts_at).total_seconds() // 60)
        text = f"{f.user} checked in at post {f.post} {minutes} min after the duty started"
        said = Message("msg.rule.late_check_in", {"user": f.user, "post": f.post, "minutes": minutes})
        yield _v(rules, "min_staff", f.user, f"late:{f.roster_ref}", text, f.post, said)


def _watch_check(
    rule_id: str,
    limit_of: Callable[[DutyRules], dt.timedelta],
    since: Callable[[PostWatch], dt.datetime | None],
    say: Callable[[PostWatch, dt.datetime], tuple[str, Message]],
) -> Check:
    """A live check: a post's present, uncovered operator is past the rule's limit since `since(post)`."""

    def check(rules: DutyRules, f: Facts, now: dt.datetime) -> Iterable[Violation]:
        if not isinstance(f, LiveFacts):
            return
        limit = limit_of(rules)
        for p in f.posts:
            at = since(p)
            if p.present and not p.covered_by_substitute and at is not None and now - at > limit:
                text, said = say(p, at)
                yield _v(rules, rule_id, p.rostered, f"{p.roster_ref}:{_fmt(at)}", text, p.post, said)

    return check


_inactivity = _watch_check(
    "inactivity",
    lambda r: dt.timedelta(minutes=r.rules.inactivity.params.minutes),
    lambda p: p.last_activity,
    lambda p, at: (
        f"no activity on post {p.post} by {p.rostered} since {at:%H:%M} UTC",
        Message("msg.rule.inactivity", {"post": p.post, "user": p.rostered, "since_at": _at(at)}),
    ),
)
_screen_break = _watch_check(
    "screen_break",
    lambda r: dt.timedelta(minutes=r.rules.screen_break.params.after_minutes),
    lambda p: p.watching_since,
    lambda p, at: (
        f"{p.rostered} has watched post {p.post} since {at:%H:%M} UTC: a break with a substitute covering is due",
        Message("msg.rule.screen_break", {"user": p.rostered, "post": p.post, "since_at": _at(at)}),
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
            said = Message(
                "msg.rule.ack_targets",
                {
                    "id": a.alert_id,
                    "priority": Message(f"priority.{a.priority}"),
                    "camera": a.camera,
                    "seconds": f"{target:g}",
                },
            )
            yield _v(rules, "ack_targets", a.camera or "room", f"alert:{a.alert_id}", text, said=said)


def _ptz_home(rules: DutyRules, f: Facts, now: dt.datetime) -> Iterable[Violation]:
    if not isinstance(f, LiveFacts):
        return
    limit = dt.timedelta(seconds=rules.rules.ptz_return_home.params.seconds)
    for cam in f.cameras:
        if cam.ptz_moved_at is not None and now - cam.ptz_moved_at > limit:
            text = f"camera {cam.name} has not returned to its home preset {limit} after it was moved"
            said = Message(
                "msg.rule.ptz_return_home", {"camera": cam.name, "seconds": int(limit.total_seconds())}
            )
            yield _v(
                rules, "ptz_return_home", cam.name, f"{cam.name}:{_fmt(cam.ptz_moved_at)}", text, said=said
            )


def _key_cameras(rules: DutyRules, f: Facts, now: dt.datetime) -> Iterable[Violation]:
    if not isinstance(f, LiveFacts):
        return
    known = {c.name: c for c in f.cameras}
    for name in rules.rules.key_cameras_on_wall.params.cameras:
        cam = known.get(name)
        if cam is None or not cam.key:
            why = "does not exist" if cam is None else "is not marked key, so the wall does not pin it"
            said = Message(
                "msg.rule.key_camera_missing" if cam is None else "msg.rule.key_camera_not_key",
                {"camera": name},
            )
            yield _v(rules, "key_cameras_on_wall", name, name, f"key camera {name} {why}", said=said)


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

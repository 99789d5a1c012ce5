"""The scheduled live evaluation: the room now against the rules in force; new violations alert the leader.

This is the only live check of the duty rules: an unstaffed post (after `min_staff.grace_minutes`), console
inactivity, a handover not started in time or not signed `handover_lead.grace_minutes` after the duty, a
screen break due, acknowledgement targets, PTZ return and key cameras. Each new violation raises one alert
(kind `duty_rule`) and, for the presence rules, files the presence flag the reports count.

Also keeps the rule file and the stored versions in step: a changed file becomes a new version; a broken
file is reported and the previous version stays in force.
"""

from __future__ import annotations

import datetime as dt
import logging
import re

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from alerts import service as alerts
from alerts.models import Alert, AlertState, Priority
from config.settings import Settings
from core.actor import SYSTEM
from core.errors import ConfigError
from core.messages import Message
from devices.camera.models import Camera
from shift_logs.handover.models import Handover
from shift_logs.roster import flags
from shift_logs.roster.models import FlagKind, LeaveRequest, LeaveState, Presence, RosterEntry, Shift
from shift_logs.rules import evaluate as ev
from shift_logs.rules import service, store
from shift_logs.rules.facts import AlertFact, CameraFact, EndedDuty, LiveFacts, PostWatch, Violation
from shift_logs.rules.model import DutyRules, Severity, alert_settings_from, load_duty_rules
from shift_logs.rules.models import DutyRuleVersion

__all__ = ["ALERT_KIND", "evaluate_live", "live_facts", "sync_rule_file"]

log = logging.getLogger(__name__)
ALERT_KIND = "duty_rule"
HANDOVER_LOOKBACK = dt.timedelta(hours=12)
_ROSTER_REF = re.compile(r"roster:(\d+)")


def sync_rule_file(session: Session, settings: Settings, *, now: dt.datetime) -> DutyRuleVersion | None:
    """Store the rule file as a new version when it changed since it was last read; keep the old on error."""
    try:
        rules = load_duty_rules(settings.duty_rules.file)
    except ConfigError as exc:
        log.error("duty rules file refused, previous version stays in force: %s", exc.message)
        return None
    return store.sync_from_file(session, rules, now=now)


def _post_watch(session: Session, entry: RosterEntry, now: dt.datetime) -> PostWatch:
    presence = session.scalars(
        select(Presence).where(
            Presence.roster_id == entry.id,
            Presence.user_id == entry.user_id,
            Presence.checked_out_at.is_(None),
        )
    ).first()
    leaves = list(
        session.scalars(
            select(LeaveRequest).where(
                LeaveRequest.requester_id == entry.user_id,
                LeaveRequest.post_id == entry.post_id,
                LeaveRequest.state.in_([LeaveState.APPROVED, LeaveState.RETURNED]),
            )
        )
    )
    covered = any(leave.state is LeaveState.APPROVED for leave in leaves)
    since = presence.checked_in_at if presence is not None else None
    for leave in leaves:
        if since is not None and leave.returned_at is not None and leave.returned_at > since:
            since = leave.returned_at
    started = session.scalar(
        select(Handover.id).where(
            Handover.post_id == entry.post_id,
            Handover.outgoing_id == entry.user_id,
            Handover.created_at >= entry.starts_at,
        )
    )
    staffed = session.scalar(
        select(Presence.id)
        .where(Presence.post_id == entry.post_id, Presence.checked_out_at.is_(None))
        .limit(1)
    )
    return PostWatch(
        post=entry.post.name,
        rostered=entry.user.username,
        roster_ref=f"roster:{entry.id}",
        ends_at=entry.ends_at,
        present=presence is not None,
        watching_since=since,
        last_activity=presence.last_activity_at if presence is not None else None,
        covered_by_substitute=covered,
        handover_started=started is not None,
        starts_at=entry.starts_at,
        post_staffed=staffed is not None,
    )


def _ended(session: Session, now: dt.datetime) -> list[EndedDuty]:
    signed = exists().where(
        Handover.post_id == RosterEntry.post_id,
        Handover.outgoing_id == RosterEntry.user_id,
        Handover.outgoing_signed_at.is_not(None),
        Handover.outgoing_signed_at >= RosterEntry.starts_at,
    )
    stmt = select(RosterEntry, signed).where(
        RosterEntry.ends_at <= now, RosterEntry.ends_at > now - HANDOVER_LOOKBACK
    )
    return [
        EndedDuty(e.post.name, e.user.username, f"roster:{e.id}", e.ends_at, bool(done))
        for e, done in session.execute(stmt.order_by(RosterEntry.id))
    ]


def live_facts(session: Session, now: dt.datetime) -> LiveFacts:
    """The running roster entries, the unacknowledged alerts and the cameras, as facts."""
    running = session.scalars(
        select(RosterEntry).where(RosterEntry.starts_at <= now, RosterEntry.ends_at > now)
    )
    waiting = session.execute(  # columns, not objects: a backlog can be thousands of alerts
        select(Alert.id, Alert.priority, Alert.first_seen, Alert.camera_name).where(
            Alert.state == AlertState.NEW, Alert.kind != ALERT_KIND
        )
    )
    return LiveFacts(
        posts=[_post_watch(session, entry, now) for entry in running],
        ended=_ended(session, now),
        alerts=[
            AlertFact(i, priority.value, first_seen, camera) for i, priority, first_seen, camera in waiting
        ],
        cameras=[CameraFact(c.name, c.key, c.ptz_moved_at) for c in session.scalars(select(Camera))],
    )


def _leader(session: Session, now: dt.datetime) -> list[str]:
    shift = session.scalars(
        select(Shift).where(Shift.starts_at <= now, Shift.ends_at > now, Shift.leader_id.is_not(None))
    ).first()
    if shift is not None and shift.leader is not None:
        return [shift.leader.username]
    return alerts.default_leaders(session, now)


def _alert_leader(
    session: Session,
    found: list[Violation],
    leaders: list[str],
    rules: DutyRules,
    settings: Settings,
    now: dt.datetime,
) -> None:
    """One alert to the leader for the new violations of one rule at one post, counting them: a backlog of
    500 late alerts is one `ack_targets` alert counting 500, not 500 more alerts in the queue."""
    v = found[0]
    raised = alerts.raise_alert(
        session,
        kind=ALERT_KIND,
        camera_id=None,
        camera_name=v.post,
        zone=v.rule_id,
        priority=Priority.HIGH if any(f.severity is Severity.BLOCK for f in found) else Priority.NORMAL,
        score=1.0,
        title=f"[{v.clause} {v.rule_id}] {v.message}"[:300],
        message=Message(
            "msg.alert.rule", {"clause": v.clause, "rule": Message(f"rule.{v.rule_id}"), "why": v.said}
        )
        if v.said is not None
        else None,
        settings=alert_settings_from(rules, settings.alerts),
        now=now,
        count=len(found),
    )
    if raised.created:
        raised.alert.escalated_at, raised.alert.escalated_to = now, leaders


def _flag_kind(v: Violation) -> FlagKind | None:
    if v.rule_id == "min_staff":
        return FlagKind.UNSTAFFED
    if v.rule_id == "inactivity":
        return FlagKind.INACTIVE
    if v.rule_id == "handover_lead" and v.key.startswith("handover_lead:late:"):
        return FlagKind.LATE_HANDOVER
    return None


def _file_flag(session: Session, v: Violation, now: dt.datetime) -> None:
    """File a presence flag (counted by the reports) for an unstaffed post, inactivity or a late handover."""
    kind, found = _flag_kind(v), _ROSTER_REF.search(v.key)
    entry = session.get(RosterEntry, int(found.group(1))) if found else None
    if kind is not None and entry is not None:
        flags.raise_flag(session, entry=entry, kind=kind, detail=v.message, now=now, message=v.said)


def evaluate_live(session: Session, now: dt.datetime, settings: Settings) -> list[Violation]:
    """Evaluate the room now; record new violations, alert the shift leader on duty, resolve ended ones."""
    sync_rule_file(session, settings, now=now)
    rules = store.in_force(session)
    found = ev.evaluate(rules, live_facts(session, now), now)
    added = service.record(session, found, origin="live", now=now)
    new_keys = {row.key for row in added}
    by_cause: dict[tuple[str, str], list[Violation]] = {}
    for v in found:
        if v.key in new_keys:
            by_cause.setdefault((v.post, v.rule_id), []).append(v)
            _file_flag(session, v, now)
    leaders = _leader(session, now) if by_cause else []
    for group in by_cause.values():
        _alert_leader(session, group, leaders, rules, settings, now)
    service.resolve_keys(
        session, origin="live", keep={v.key for v in found}, by=SYSTEM.name, how="condition ended", now=now
    )
    return found

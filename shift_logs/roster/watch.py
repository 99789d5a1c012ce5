"""Presence rules checked by a periodic scan (R5, D2): unstaffed post, inactivity, late handover.

Each problem is raised once per roster entry and kind: a `shift_flags` row, an outbox message to the
shift leader (topic `controlroom/posts/<post_id>/<kind>`), and, given the alert settings, a high-priority
alert `presence.<kind>` in the alert queue (so it is acknowledged and escalated like any other alert).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session

from alerts import service as alerts
from alerts.models import Priority
from config.alerting import AlertSettings
from db.outbox import enqueue
from shift_logs.handover.models import Handover
from shift_logs.policy import DEFAULT_POLICY, ShiftPolicy
from shift_logs.roster.models import FlagKind, LeaveRequest, LeaveState, Presence, PresenceFlag, RosterEntry

__all__ = ["list_flags", "raise_flag", "scan"]

HANDOVER_LOOKBACK = dt.timedelta(hours=12)


def raise_flag(
    session: Session,
    *,
    entry: RosterEntry,
    kind: FlagKind,
    detail: str,
    now: dt.datetime,
    alert_settings: AlertSettings | None = None,
) -> PresenceFlag | None:
    """Raise a presence problem to the shift leader, once per roster entry and kind."""
    known = select(PresenceFlag.id).where(PresenceFlag.roster_id == entry.id, PresenceFlag.kind == kind)
    if session.scalar(known) is not None:
        return None
    flag = PresenceFlag(roster_id=entry.id, post_id=entry.post_id, kind=kind, raised_at=now, detail=detail)
    session.add(flag)
    payload = {
        "kind": str(kind),
        "post_id": entry.post_id,
        "post": entry.post.name,
        "user": entry.user.username,
        "shift_id": entry.shift_id,
        "leader_id": entry.shift.leader_id,
        "detail": detail,
        "raised_at": now.isoformat(),
    }
    enqueue(
        session, topic=f"controlroom/posts/{entry.post_id}/{kind}", payload=payload, targets=["mqtt"], now=now
    )
    if alert_settings is not None:
        alerts.raise_alert(
            session,
            kind=f"presence.{kind}",
            camera_id=None,
            camera_name="",
            zone=f"post:{entry.post_id}",
            priority=Priority.HIGH,
            score=1.0,
            title=f"{entry.post.title}: {detail}"[:200],
            settings=alert_settings,
            now=now,
        )
    session.flush()
    return flag


def _running(session: Session, now: dt.datetime) -> list[RosterEntry]:
    stmt = select(RosterEntry).where(RosterEntry.starts_at <= now, RosterEntry.ends_at > now)
    return list(session.scalars(stmt.order_by(RosterEntry.id)))


def _unstaffed(
    session: Session,
    entry: RosterEntry,
    now: dt.datetime,
    policy: ShiftPolicy,
    alert_settings: AlertSettings | None,
) -> PresenceFlag | None:
    if now <= entry.starts_at + policy.checkin_grace:
        return None
    staffed = exists().where(Presence.post_id == entry.post_id, Presence.checked_out_at.is_(None))
    if session.scalar(select(staffed)):
        return None
    detail = f"nobody checked in at {entry.post.name}; rostered: {entry.user.username}"
    return raise_flag(
        session, entry=entry, kind=FlagKind.UNSTAFFED, detail=detail, now=now, alert_settings=alert_settings
    )


def _inactive(
    session: Session,
    entry: RosterEntry,
    now: dt.datetime,
    policy: ShiftPolicy,
    alert_settings: AlertSettings | None,
) -> PresenceFlag | None:
    stmt = select(Presence).where(Presence.roster_id == entry.id, Presence.checked_out_at.is_(None))
    presence = session.scalars(stmt).first()
    if presence is None or now - presence.last_activity_at < policy.inactivity:
        return None
    on_leave = exists().where(
        LeaveRequest.requester_id == entry.user_id, LeaveRequest.state == LeaveState.APPROVED
    )
    if session.scalar(select(on_leave)):
        return None
    minutes = int((now - presence.last_activity_at).total_seconds() // 60)
    detail = f"no console activity from {entry.user.username} for {minutes} min"
    return raise_flag(
        session, entry=entry, kind=FlagKind.INACTIVE, detail=detail, now=now, alert_settings=alert_settings
    )


def _late_handovers(
    session: Session, now: dt.datetime, policy: ShiftPolicy, alert_settings: AlertSettings | None
) -> list[PresenceFlag]:
    signed = exists().where(
        and_(
            Handover.post_id == RosterEntry.post_id,
            Handover.outgoing_id == RosterEntry.user_id,
            Handover.outgoing_signed_at.is_not(None),
            Handover.outgoing_signed_at >= RosterEntry.starts_at,
        )
    )
    stmt = select(RosterEntry).where(
        RosterEntry.ends_at <= now - policy.handover_grace,
        RosterEntry.ends_at > now - HANDOVER_LOOKBACK,
        ~signed,
    )
    flags = []
    for entry in session.scalars(stmt.order_by(RosterEntry.id)):
        detail = f"{entry.user.username} has not handed over {entry.post.name}"
        flag = raise_flag(
            session,
            entry=entry,
            kind=FlagKind.LATE_HANDOVER,
            detail=detail,
            now=now,
            alert_settings=alert_settings,
        )
        if flag is not None:
            flags.append(flag)
    return flags


def scan(
    session: Session,
    *,
    now: dt.datetime,
    policy: ShiftPolicy = DEFAULT_POLICY,
    alert_settings: AlertSettings | None = None,
) -> list[PresenceFlag]:
    """Check every running roster entry and recent shift end; return the problems newly raised."""
    raised: list[PresenceFlag] = []
    for entry in _running(session, now):
        for rule in (_unstaffed, _inactive):
            flag = rule(session, entry, now, policy, alert_settings)
            if flag is not None:
                raised.append(flag)
    raised.extend(_late_handovers(session, now, policy, alert_settings))
    return raised


def list_flags(session: Session, *, since: dt.datetime) -> list[PresenceFlag]:
    """Presence problems raised since `since`, newest first."""
    stmt = select(PresenceFlag).where(PresenceFlag.raised_at >= since)
    return list(session.scalars(stmt.order_by(PresenceFlag.raised_at.desc(), PresenceFlag.id.desc())))

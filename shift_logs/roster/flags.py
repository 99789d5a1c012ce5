"""Presence flags (R5, D2): the per-post record of unstaffed posts, late check-ins, inactivity and late
handovers that the reports count.

The duty rules decide (`shift_logs.rules.evaluate`, live every 30 s, and check-in for a late arrival); this
module only files what they found, once per roster entry and kind: a `shift_flags` row and an outbox message
(topic `controlroom/posts/<post_id>/<kind>`). The live evaluation raises the one alert itself; only a late
check-in, which no live rule sees, raises its alert here (given the alert settings).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts import service as alerts
from alerts.models import Priority
from config.alerting import AlertSettings
from core.messages import Message
from db.outbox import enqueue
from shift_logs.roster.models import FlagKind, PresenceFlag, RosterEntry

__all__ = ["list_flags", "raise_flag"]


def raise_flag(
    session: Session,
    *,
    entry: RosterEntry,
    kind: FlagKind,
    detail: str,
    now: dt.datetime,
    alert_settings: AlertSettings | None = None,
    message: Message | None = None,
) -> PresenceFlag | None:
    """Raise a presence problem to the shift leader, once per roster entry and kind; `detail` in English,
    `message` the same as a catalogue key with parameters (shown in the reader's language)."""
    known = select(PresenceFlag.id).where(PresenceFlag.roster_id == entry.id, PresenceFlag.kind == kind)
    if session.scalar(known) is not None:
        return None
    said = message.as_json() if message is not None else None
    flag = PresenceFlag(
        roster_id=entry.id, post_id=entry.post_id, kind=kind, raised_at=now, detail=detail, message=said
    )
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
            message=Message(
                "msg.alert.post", {"post": entry.post.title or entry.post.name, "detail": message}
            )
            if message is not None
            else None,
            settings=alert_settings,
            now=now,
        )
    session.flush()
    return flag


def list_flags(session: Session, *, since: dt.datetime) -> list[PresenceFlag]:
    """Presence problems raised since `since`, newest first."""
    stmt = select(PresenceFlag).where(PresenceFlag.raised_at >= since)
    return list(session.scalars(stmt.order_by(PresenceFlag.raised_at.desc(), PresenceFlag.id.desc())))

"""The alert queue: raise (with de-duplication), acknowledge, close, dispatch, escalate, list, stream."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from access.roles import Role
from access.users import service as users
from access.users.models import User
from alerts.errors import AlertAlreadyHandled, AlertNotFound, UnknownResponder
from alerts.escalation import is_overdue
from alerts.models import Alert, AlertChange, AlertSnapshot, AlertState, Priority
from config.alerting import AlertSettings
from core.actor import SYSTEM, Actor
from core.messages import Message
from db import lookup, paging
from db.outbox import enqueue, enqueue_many
from db.transition import claim

__all__ = [
    "RaisedAlert",
    "acknowledge",
    "change_ids_after",
    "changes_after",
    "changes_by_id",
    "close",
    "dispatch",
    "escalate_overdue",
    "last_change_id",
    "list_",
    "raise_alert",
    "require",
    "route",
    "snapshot_of",
]

MQTT = "mqtt"


@dataclass(frozen=True, slots=True)
class RaisedAlert:
    """The alert an event landed in, and whether it is new."""

    alert: Alert
    created: bool


def _targets(settings: AlertSettings) -> dict[Priority, float]:
    return {Priority.HIGH: settings.ack_target_high_s, Priority.NORMAL: settings.ack_target_normal_s}


def _change(
    session: Session, alert: Alert, action: str, actor: Actor, at: dt.datetime, **detail: Any
) -> None:
    session.add(AlertChange(alert_id=alert.id, action=action, actor=actor.name, at=at, detail=detail))


def _summary(alert: Alert) -> dict[str, Any]:
    return {
        "id": alert.id,
        "camera": alert.camera_name,
        "zone": alert.zone,
        "kind": alert.kind,
        "priority": alert.priority.value,
        "state": alert.state.value,
        "title": alert.title,
        "message": alert.message,
        "first_seen": alert.first_seen.isoformat(),
        "last_seen": alert.last_seen.isoformat(),
    }


def require(session: Session, alert_id: int) -> Alert:
    """The alert with `alert_id`, or AlertNotFound."""
    return lookup.require(session, Alert, alert_id, error=AlertNotFound, what="alert")


def _state(alert: Alert) -> str:
    sent = f", dispatched to {', '.join(alert.dispatched_to)}" if alert.dispatched_to else ""
    return f"{alert.state.value}{sent}"


def _claim(session: Session, alert_id: int, allowed: Callable[[Alert], bool], now: dt.datetime) -> Alert:
    """Lock the alert for a transition; AlertAlreadyHandled (409, naming state and who) if `allowed` refuses."""

    def refuse(alert: Alert, state: str) -> AlertAlreadyHandled:
        who = (alert.acknowledged_by if alert.state.is_open else alert.closed_by) or "someone"
        when = (alert.closed_at or alert.acknowledged_at or now).isoformat()
        return AlertAlreadyHandled(
            f"alert {alert_id} is already {state} (by {who} at {when})",
            detail={"by": who, "at": when, "state": alert.state.value},
        )

    return claim(
        session,
        Alert,
        alert_id,
        state=_state,
        allowed=allowed,
        missing=lambda: AlertNotFound(f"no alert with id {alert_id}"),
        refuse=refuse,
    )


def raise_alert(
    session: Session,
    *,
    kind: str,
    camera_id: int | None,
    camera_name: str,
    zone: str | None,
    priority: Priority,
    score: float,
    title: str,
    settings: AlertSettings,
    snapshot: bytes | None = None,
    now: dt.datetime,
    message: Message | None = None,
    count: int = 1,
) -> RaisedAlert:
    """Open an alert, or fold a repeat (same camera, kind, zone within the cooldown) into the open one.
    `title` is English; `message` the same as a catalogue key with parameters (the reader's language);
    `count` events of one cause found at once are one alert (or one repeat) counting them all."""
    since = now - dt.timedelta(seconds=settings.cooldown_s)
    open_one = session.scalar(
        select(Alert)
        .where(
            Alert.camera_name == camera_name,
            Alert.kind == kind,
            Alert.zone.is_(None) if zone is None else Alert.zone == zone,
            Alert.state.in_([AlertState.NEW, AlertState.ACKNOWLEDGED]),
            Alert.last_seen >= since,
        )
        .order_by(Alert.id.desc())
        .limit(1)
        .with_for_update()
    )
    if open_one is not None:
        open_one.last_seen, open_one.event_count = now, open_one.event_count + count
        open_one.score = max(open_one.score, score)
        if priority is Priority.HIGH:
            open_one.priority = Priority.HIGH
        session.flush()
        _change(session, open_one, "repeated", SYSTEM, now, count=open_one.event_count)
        return RaisedAlert(open_one, created=False)
    alert = Alert(
        camera_id=camera_id,
        camera_name=camera_name,
        zone=zone,
        kind=kind,
        priority=priority,
        score=score,
        title=title,
        message=message.as_json() if message is not None else None,
        first_seen=now,
        last_seen=now,
        created_at=now,
        has_snapshot=snapshot is not None,
        event_count=count,
    )
    session.add(alert)
    session.flush()
    if snapshot is not None:
        session.add(AlertSnapshot(alert_id=alert.id, jpeg=snapshot))
    _change(session, alert, "created", SYSTEM, now)
    enqueue(
        session,
        topic=f"alerts/{camera_name or 'system'}/{kind}",
        payload=_summary(alert),
        targets=[MQTT],
        now=now,
    )
    return RaisedAlert(alert, created=True)


def acknowledge(session: Session, *, alert_id: int, user: User, now: dt.datetime) -> Alert:
    """Acknowledge a new alert; the time to acknowledge is measured (D2). 409 if someone else did."""
    alert = _claim(session, alert_id, lambda a: a.state is AlertState.NEW, now)
    alert.state, alert.acknowledged_at, alert.acknowledged_by = AlertState.ACKNOWLEDGED, now, user.username
    alert.ack_seconds = round((now - alert.first_seen).total_seconds(), 3)
    session.flush()
    _change(session, alert, "acknowledged", Actor.of(user), now, ack_seconds=alert.ack_seconds)
    return alert


def close(
    session: Session,
    *,
    alert_id: int,
    user: User,
    false_alarm: bool,
    note: str,
    now: dt.datetime,
) -> Alert:
    """Resolve an alert or mark it a false alarm, with a note. An unacknowledged one is acknowledged too."""
    alert = _claim(session, alert_id, lambda a: a.state.is_open, now)
    if alert.state is AlertState.NEW:
        acknowledge(session, alert_id=alert_id, user=user, now=now)
    alert.state = AlertState.FALSE_ALARM if false_alarm else AlertState.RESOLVED
    alert.closed_at, alert.closed_by, alert.resolution = now, user.username, note
    session.flush()
    _change(session, alert, alert.state.value, Actor.of(user), now, note=note)
    return alert


def dispatch(
    session: Session,
    *,
    alert_id: int,
    user: User,
    responders: Sequence[str],
    note: str,
    settings: AlertSettings,
    now: dt.datetime,
) -> Alert:
    """Send an open alert to named responders (R3, D4) over MQTT and webhooks; delivery is retried.

    409 when the alert is closed or every named responder has it already (a double click sends once)."""
    known = {r.name: r for r in settings.responders}
    for index, name in enumerate(responders):
        if name not in known:
            raise UnknownResponder(f"no responder called {name!r}", field=f"body.responders[{index}]")
    wanted = set(responders)
    alert = _claim(session, alert_id, lambda a: a.state.is_open and not wanted <= set(a.dispatched_to), now)
    alert.dispatched_at = alert.dispatched_at or now
    alert.dispatched_to = sorted({*alert.dispatched_to, *responders})
    session.flush()
    for name in responders:
        targets = [MQTT] + ([f"webhook:{name}"] if known[name].webhook_url else [])
        payload = {**_summary(alert), "responder": name, "note": note, "by": user.username}
        enqueue(
            session, topic=f"alerts/{alert.id}/dispatch/{name}", payload=payload, targets=targets, now=now
        )
    _change(session, alert, "dispatched", Actor.of(user), now, responders=list(responders), note=note)
    return alert


def route(session: Session, *, alert: Alert, to: str | None, why: str, now: dt.datetime) -> bool:
    """Route an open alert to the person who carries its post now (R5); False if it was routed there."""
    if alert.routed_to == to:
        return False
    alert.routed_to = to
    session.flush()
    _change(session, alert, "routed", SYSTEM, now, to=to, why=why)
    return True


def default_leaders(session: Session, now: dt.datetime) -> list[str]:
    """Everyone holding the shift-leader role (used until a roster says who is on duty)."""
    return [leader.username for leader in users.with_role(session, Role.SHIFT_LEADER)]


def escalate_overdue(
    session: Session,
    *,
    settings: AlertSettings,
    leaders: Sequence[str],
    now: dt.datetime,
    limit: int | None = None,
) -> list[Alert]:
    """Escalate the new alerts past their acknowledgement target (oldest first, at most `limit`) to the shift
    leaders on duty (R3). The alerts stay locked until the caller commits: a caller with a backlog escalates
    it in batches, so that an acknowledgement never waits behind thousands of escalations."""
    targets = _targets(settings)
    due = [
        (Alert.priority == priority) & (Alert.first_seen <= now - dt.timedelta(seconds=target_s))
        for priority, target_s in targets.items()
    ]
    candidates = session.scalars(
        select(Alert)
        .where(Alert.state == AlertState.NEW, Alert.escalated_at.is_(None), or_(*due))
        .order_by(Alert.first_seen, Alert.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    escalated = [
        alert
        for alert in candidates
        if is_overdue(
            state=alert.state,
            escalated=alert.escalated,
            first_seen=alert.first_seen,
            priority=alert.priority,
            targets=targets,
            now=now,
        )
    ]
    # one flush for the whole batch (the updates, the changes in order, the outbox rows): a few statements,
    # where a flush per alert took four round trips each
    for alert in escalated:
        alert.escalated_at, alert.escalated_to = now, list(leaders)
        _change(session, alert, "escalated", SYSTEM, now, to=list(leaders))
    messages = [
        (f"alerts/{a.id}/escalated", {**_summary(a), "escalated_to": list(leaders)}) for a in escalated
    ]
    enqueue_many(session, messages=messages, targets=[MQTT], now=now)
    return escalated


_OPEN_FIRST = case((Alert.state.in_([AlertState.NEW, AlertState.ACKNOWLEDGED]), 0), else_=1)
_HIGH_FIRST = case((Alert.priority == Priority.HIGH, 0), else_=1)


def list_(
    session: Session,
    *,
    limit: int,
    offset: int,
    states: Sequence[AlertState] = (),
    camera: str | None = None,
    kind: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> tuple[list[Alert], int]:
    """Alerts, open ones first, then high priority first, newest first; and the total."""
    stmt = select(Alert)
    if states:
        stmt = stmt.where(Alert.state.in_(list(states)))
    if camera:
        stmt = stmt.where(Alert.camera_name == camera)
    if kind:
        stmt = stmt.where(Alert.kind == kind)
    if since:
        stmt = stmt.where(Alert.last_seen >= since)
    if until:
        stmt = stmt.where(Alert.first_seen < until)
    order = (_OPEN_FIRST, _HIGH_FIRST, Alert.last_seen.desc(), Alert.id.desc())
    return paging.page(session, stmt, order=order, limit=limit, offset=offset)


def changes_after(session: Session, *, after: int, limit: int = 200) -> list[tuple[AlertChange, Alert]]:
    """Alert changes with an id above `after`, oldest first, each with its alert (for the SSE stream)."""
    stmt = (
        select(AlertChange, Alert)
        .join(Alert, Alert.id == AlertChange.alert_id)
        .where(AlertChange.id > after)
        .order_by(AlertChange.id)
        .limit(limit)
    )
    return [(change, alert) for change, alert in session.execute(stmt)]


def change_ids_after(session: Session, *, after: int, limit: int = 200) -> list[int]:
    """The ids `changes_after` would return, without loading the rows (a catch-up that has most of them)."""
    stmt = (
        select(AlertChange.id)
        .join(Alert, Alert.id == AlertChange.alert_id)
        .where(AlertChange.id > after)
        .order_by(AlertChange.id)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def changes_by_id(session: Session, *, ids: Sequence[int]) -> list[tuple[AlertChange, Alert]]:
    """The alert changes with these ids, oldest first, each with its alert."""
    stmt = (
        select(AlertChange, Alert)
        .join(Alert, Alert.id == AlertChange.alert_id)
        .where(AlertChange.id.in_(list(ids)))
        .order_by(AlertChange.id)
    )
    return [(change, alert) for change, alert in session.execute(stmt)]


def last_change_id(session: Session) -> int:
    """The id of the newest alert change (where a console that just rendered the queue resumes)."""
    return session.scalar(select(func.max(AlertChange.id))) or 0


def snapshot_of(session: Session, alert_id: int) -> bytes | None:
    """The alert's snapshot JPEG, if it has one."""
    row = session.get(AlertSnapshot, alert_id)
    return row.jpeg if row is not None else None

"""What a handover lists as open: a registry of providers that other domains add to.

A provider is `(session) -> list[OpenItem]`. Incidents and tasks are registered here; alerts and
equipment faults register theirs from their own wiring (`register("alert", provider)`), so this package
never imports them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts import service as alerts_service
from alerts.models import Alert, AlertState
from core.messages import Message, message_of
from maintenance.deadlines import open_faults
from shift_logs.incident.models import Incident, IncidentState
from shift_logs.roster.models import Post
from shift_logs.task.models import Task, TaskState

__all__ = ["OpenItem", "OpenItemProvider", "gather", "register", "registered", "unregister"]


@dataclass(frozen=True, slots=True)
class OpenItem:
    """One open matter handed over: its kind, a reference, a title, since when, and its post (None: all).
    A system-written title comes with `said`, the same as a message key with parameters (core.messages)."""

    kind: str
    ref: str
    title: str
    since: dt.datetime | None = None
    post_id: int | None = None
    said: Message | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (stored in the handover; `said` only when there is one)."""
        data = asdict(self)
        data["since"] = self.since.isoformat() if self.since else None
        data.pop("said")
        if self.said is not None:
            data["said"] = self.said.as_json()
        return data


OpenItemProvider = Callable[[Session], list[OpenItem]]
_PROVIDERS: dict[str, OpenItemProvider] = {}


def register(kind: str, provider: OpenItemProvider) -> None:
    """Add (or replace) the provider of one kind of open item."""
    _PROVIDERS[kind] = provider


def unregister(kind: str) -> None:
    """Remove the provider of one kind (tests, or a domain switched off)."""
    _PROVIDERS.pop(kind, None)


def registered() -> tuple[str, ...]:
    """The kinds that have a provider, in registration order."""
    return tuple(_PROVIDERS)


def gather(session: Session, *, post_id: int | None = None) -> list[OpenItem]:
    """Every open item now, from every provider; with `post_id`, those of that post or of the whole room."""
    items: list[OpenItem] = []
    for provider in _PROVIDERS.values():
        items.extend(provider(session))
    if post_id is None:
        return items
    return [item for item in items if item.post_id is None or item.post_id == post_id]


def open_incidents(session: Session) -> list[OpenItem]:
    """Incidents not closed yet."""
    stmt = (
        select(Incident)
        .where(Incident.state != IncidentState.CLOSED)
        .order_by(Incident.created_at, Incident.id)
    )
    return [
        OpenItem(
            kind="incident",
            ref=f"incident:{incident.id}",
            title=f"{incident.category}: {incident.place or incident.content[:60]}",
            since=incident.created_at,
        )
        for incident in session.scalars(stmt)
    ]


def open_tasks(session: Session) -> list[OpenItem]:
    """Tasks and standing orders not done yet."""
    stmt = select(Task).where(Task.state == TaskState.OPEN).order_by(Task.created_at, Task.id)
    return [
        OpenItem(
            kind="task", ref=f"task:{task.id}", title=task.title, since=task.created_at, post_id=task.post_id
        )
        for task in session.scalars(stmt)
    ]


def alert_posts(session: Session) -> Callable[[Alert], int | None]:
    """Which post an alert belongs to: a presence alert names its post (zone `post:N`), a duty-rule alert
    its post by name, a camera alert the post watching that camera (a post with no cameras watches those
    no other post names, when it is the only such post). None: the whole room."""
    posts = list(session.scalars(select(Post).where(Post.active.is_(True))))
    by_name = {post.name: post.id for post in posts}
    by_camera = {camera: post.id for post in posts for camera in post.cameras}
    catch_all = [post.id for post in posts if not post.cameras]
    fallback = catch_all[0] if len(catch_all) == 1 else None

    def post_of(alert: Alert) -> int | None:
        zone = alert.zone or ""
        if zone.startswith("post:") and zone[5:].isdigit():
            return int(zone[5:])
        if alert.camera_id is None:
            return by_name.get(alert.camera_name)
        return by_camera.get(alert.camera_name, fallback)

    return post_of


def _alert_said(alert: Alert) -> Message:
    """An open alert in the reader's words: its stored title message, or its kind and camera."""
    said = message_of(alert.message)
    if said is not None:
        return said
    return Message("msg.item.alert", {"alert_kind": alert.kind, "camera": alert.camera_name or "-"})


def open_alerts(session: Session) -> list[OpenItem]:
    """Alerts not yet resolved or dismissed (new or acknowledged), each with its post when it has one."""
    rows, _ = alerts_service.list_(
        session, limit=500, offset=0, states=[AlertState.NEW, AlertState.ACKNOWLEDGED]
    )
    post_of = alert_posts(session)
    return [
        OpenItem(
            kind="alert",
            ref=f"alert:{alert.id}",
            title=alert.title or alert.kind,
            since=alert.first_seen,
            post_id=post_of(alert),
            said=_alert_said(alert),
        )
        for alert in rows
    ]


def open_equipment_faults(session: Session) -> list[OpenItem]:
    """Equipment faults not verified yet (R9: what is broken is handed over)."""
    return [
        OpenItem(
            kind="fault",
            ref=fault.ref,
            title=f"{fault.equipment}: {fault.title}",
            since=fault.since,
            said=Message(
                "msg.item.fault",
                {
                    "severity": Message(f"maint.severity.{fault.severity}"),
                    "equipment": fault.equipment,
                    "title": Message(f"msg.fault.{fault.condition}")
                    if fault.condition
                    else fault.fault_title,
                    "state": Message(f"maint.state.{fault.state}"),
                },
            ),
        )
        for fault in open_faults(session)
    ]


register("incident", open_incidents)
register("task", open_tasks)
register("alert", open_alerts)
register("fault", open_equipment_faults)

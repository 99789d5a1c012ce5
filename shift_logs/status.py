"""What the console's top bar shows: who is on duty where, my check-in, open tasks, faults and alerts,
and the time to my handover."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from access.users.models import User
from alerts.models import Alert, AlertState
from maintenance.deadlines import open_faults
from shift_logs.roster.models import Post, Presence, RosterEntry
from shift_logs.rules import service as rules
from shift_logs.task.models import Task, TaskState

__all__ = ["DutyStatus", "OnDuty", "duty_status"]


@dataclass(frozen=True, slots=True)
class OnDuty:
    """One person checked in on one post."""

    post: str
    user: str
    since: dt.datetime


@dataclass(frozen=True, slots=True)
class DutyStatus:
    """The top bar's figures for one user at one moment."""

    on_duty: list[OnDuty] = field(default_factory=list)
    my_post: str | None = None
    checked_in: bool = False
    open_tasks: int = 0
    open_faults: int = 0
    open_alerts: int = 0
    handover_at: dt.datetime | None = None
    rules_to_confirm: int | None = None  # the duty-rule version this user has not confirmed yet


def duty_status(session: Session, *, user: User, now: dt.datetime) -> DutyStatus:
    """Who is on duty, my own state, and the open counts."""
    presences = session.execute(
        select(Presence, Post.title, Post.name)
        .join(Post, Post.id == Presence.post_id)
        .where(Presence.checked_out_at.is_(None))
        .order_by(Post.name)
    ).all()
    on_duty = [
        OnDuty(post=title or name, user=p.user.display_name or p.user.username, since=p.checked_in_at)
        for p, title, name in presences
    ]
    mine = next((p for p, _, _ in presences if p.user_id == user.id), None)
    entry = session.scalar(
        select(RosterEntry)
        .where(RosterEntry.user_id == user.id, RosterEntry.starts_at <= now, RosterEntry.ends_at > now)
        .order_by(RosterEntry.starts_at)
        .limit(1)
    )
    open_alerts = session.scalar(
        select(func.count())
        .select_from(Alert)
        .where(Alert.state.in_([AlertState.NEW, AlertState.ACKNOWLEDGED]))
    )
    tasks = session.scalar(select(func.count()).select_from(Task).where(Task.state == TaskState.OPEN))
    return DutyStatus(
        on_duty=on_duty,
        my_post=(entry.post.title or entry.post.name) if entry is not None else None,
        checked_in=mine is not None,
        open_tasks=tasks or 0,
        open_faults=len(open_faults(session)),
        open_alerts=open_alerts or 0,
        handover_at=entry.ends_at if entry is not None else None,
        rules_to_confirm=rules.needs_confirmation(session, user=user),
    )

"""Check-in, check-out, console activity and leave-post requests with a substitute (R5, D1)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from access.users.models import User
from alerts import service as alerts
from alerts.models import Alert, AlertState
from config.alerting import AlertSettings
from core.messages import Message
from db import lookup
from db.transition import claim, lock
from shift_logs.duty_log import service as duty_log
from shift_logs.duty_log.models import EntryKind
from shift_logs.roster import service as roster
from shift_logs.roster.errors import (
    AlreadyCheckedIn,
    LeaveNotFound,
    LeaveNotPending,
    NotCheckedIn,
    NotRostered,
    RulesNotConfirmed,
    SelfApproval,
    SubstituteNotOnDuty,
)
from shift_logs.roster.flags import raise_flag
from shift_logs.roster.models import FlagKind, LeaveRequest, LeaveState, Post, Presence
from shift_logs.rules import evaluate as ev
from shift_logs.rules import service as duty_rules
from shift_logs.rules import store as rule_versions
from shift_logs.rules.facts import ApprovalFacts, CheckInFacts

__all__ = [
    "EARLY_CHECKIN",
    "approve_leave",
    "check_in",
    "check_out",
    "list_leave",
    "on_duty",
    "open_presence",
    "reject_leave",
    "request_leave",
    "require_leave",
    "responsible_for",
    "return_from_leave",
    "route_alert",
    "route_open_alerts",
    "touch",
]

EARLY_CHECKIN = dt.timedelta(minutes=30)


def open_presence(session: Session, *, user_id: int, post_id: int | None = None) -> Presence | None:
    """The person's current check-in (on `post_id`, or on any post), if any."""
    stmt = select(Presence).where(Presence.user_id == user_id, Presence.checked_out_at.is_(None))
    if post_id is not None:
        stmt = stmt.where(Presence.post_id == post_id)
    return session.scalars(stmt.order_by(Presence.checked_in_at.desc()).limit(1)).first()


def on_duty(session: Session, *, post_id: int | None = None) -> list[Presence]:
    """Everyone checked in now (on one post, or everywhere)."""
    stmt = select(Presence).where(Presence.checked_out_at.is_(None))
    if post_id is not None:
        stmt = stmt.where(Presence.post_id == post_id)
    return list(session.scalars(stmt.order_by(Presence.post_id, Presence.checked_in_at)))


def check_in(
    session: Session,
    *,
    user: User,
    post_id: int,
    now: dt.datetime,
    alert_settings: AlertSettings | None = None,
    rules_version: int | None = None,
) -> Presence:
    """Check in at a post the person is rostered on now; a check-in after `min_staff.grace_minutes` is late.

    A duty-rule version not yet confirmed by this person must be confirmed here (`rules_version`)."""
    post = roster.require_post(session, post_id)
    entry = roster.current_entry(session, user_id=user.id, post_id=post.id, now=now, early=EARLY_CHECKIN)
    if entry is None:
        raise NotRostered(f"{user.username} is not rostered on post {post.name} now")
    if open_presence(session, user_id=user.id) is not None:
        raise AlreadyCheckedIn(f"{user.username} is already checked in; check out first")
    pending = duty_rules.needs_confirmation(session, user=user)
    if pending is not None:
        if rules_version != pending:
            raise RulesNotConfirmed(
                f"read and confirm duty rules version {pending} before checking in", field="rules_version"
            )
        duty_rules.confirm(session, user=user, version=pending, now=now)
    arrival = CheckInFacts(post.name, user.username, f"roster:{entry.id}", entry.starts_at)
    late_found = ev.evaluate(rule_versions.in_force(session, now), arrival, now)  # recorded, never refused:
    duty_rules.record(session, late_found, origin="check-in", now=now)  # late is better than absent
    late = bool(late_found)
    presence = Presence(
        roster_id=entry.id,
        post_id=post.id,
        user_id=user.id,
        checked_in_at=now,
        late=late,
        last_activity_at=now,
    )
    session.add(presence)
    session.flush()
    text = f"{user.username} checked in" + (" late" if late else "")
    duty_log.append(
        session,
        post_id=post.id,
        shift_id=entry.shift_id,
        kind=EntryKind.PRESENCE,
        text=text,
        author=user,
        now=now,
        message=Message(
            "msg.duty.checked_in_late" if late else "msg.duty.checked_in", {"user": user.username}
        ),
    )
    if late:
        minutes = int((now - entry.starts_at).total_seconds() // 60)
        detail = f"{user.username} checked in {minutes} min late"
        raise_flag(
            session,
            entry=entry,
            kind=FlagKind.LATE_CHECKIN,
            detail=detail,
            message=Message("msg.flag.late_checkin", {"user": user.username, "minutes": minutes}),
            now=now,
            alert_settings=alert_settings,
        )
    route_open_alerts(session, now=now)
    return presence


def check_out(session: Session, *, user: User, now: dt.datetime) -> Presence:
    """Check out of the post the person is checked in at."""
    presence = open_presence(session, user_id=user.id)
    if presence is None:
        raise NotCheckedIn(f"{user.username} is not checked in")
    presence.checked_out_at = now
    duty_log.append(
        session,
        post_id=presence.post_id,
        shift_id=presence.roster.shift_id,
        kind=EntryKind.PRESENCE,
        text=f"{user.username} checked out",
        author=user,
        now=now,
        message=Message("msg.duty.checked_out", {"user": user.username}),
    )
    session.flush()
    route_open_alerts(session, now=now)
    return presence


def touch(session: Session, *, user: User, now: dt.datetime) -> Presence | None:
    """Record console activity of a checked-in person (for the inactivity rule)."""
    presence = open_presence(session, user_id=user.id)
    if presence is not None:
        presence.last_activity_at = now
        session.flush()
    return presence


def request_leave(
    session: Session, *, user: User, substitute: User, reason: str, now: dt.datetime
) -> LeaveRequest:
    """Ask to leave the post; the substitute must be someone else who is checked in now."""
    presence = open_presence(session, user_id=user.id)
    if presence is None:
        raise NotCheckedIn(f"{user.username} is not checked in, so there is no post to leave")
    if substitute.id == user.id or open_presence(session, user_id=substitute.id) is None:
        raise SubstituteNotOnDuty(
            f"the substitute must be another person on duty now; {substitute.username} is not",
            field="substitute_id",
        )
    leave = LeaveRequest(
        post_id=presence.post_id,
        requester_id=user.id,
        substitute_id=substitute.id,
        reason=reason,
        created_at=now,
    )
    session.add(leave)
    session.flush()
    return leave


def require_leave(session: Session, leave_id: int, *, for_update: bool = False) -> LeaveRequest:
    """Return the leave request (locked for a transition when `for_update`), or raise LeaveNotFound."""
    if for_update:
        leave = lock(session, LeaveRequest, leave_id)
        if leave is None:
            raise LeaveNotFound(f"no leave request with id {leave_id}")
        return leave
    return lookup.require(session, LeaveRequest, leave_id, error=LeaveNotFound, what="leave request")


def _decide(session: Session, *, leave_id: int, leader: User, now: dt.datetime) -> LeaveRequest:
    leave = claim(
        session,
        LeaveRequest,
        leave_id,
        state=lambda r: r.state,
        allowed=lambda r: r.state is LeaveState.REQUESTED,
        missing=lambda: LeaveNotFound(f"no leave request with id {leave_id}"),
        refuse=lambda r, state: LeaveNotPending(f"leave request {r.id} is {state}, not requested"),
    )
    facts = ApprovalFacts(
        "leave", leave.requester_id, leave.requester.username, leader.id, leader.username, f"{leave.id}"
    )  # nobody decides their own leave (separation of duties)
    duty_rules.check_action(session, facts, now=now, errors={"separation_of_duties": SelfApproval})
    leave.decided_by_id, leave.decided_at = leader.id, now
    return leave


def approve_leave(session: Session, *, leave_id: int, leader: User, now: dt.datetime) -> LeaveRequest:
    """Approve: the substitute (still on duty) now carries the post; its alerts route to them."""
    leave = _decide(session, leave_id=leave_id, leader=leader, now=now)
    if open_presence(session, user_id=leave.substitute_id) is None:
        raise SubstituteNotOnDuty(f"{leave.substitute.username} is no longer on duty", field="substitute_id")
    leave.state = LeaveState.APPROVED
    text = (
        f"{leave.requester.username} left the post, approved by {leader.username}; "
        f"substitute {leave.substitute.username}: {leave.reason}"
    )
    duty_log.append(
        session,
        post_id=leave.post_id,
        kind=EntryKind.PRESENCE,
        text=text,
        author=leader,
        now=now,
        ref=f"leave:{leave.id}",
        message=Message(
            "msg.duty.left_post",
            {
                "user": leave.requester.username,
                "leader": leader.username,
                "substitute": leave.substitute.username,
                "reason": leave.reason,
            },
        ),
    )
    session.flush()
    route_open_alerts(session, now=now)
    return leave


def reject_leave(session: Session, *, leave_id: int, leader: User, now: dt.datetime) -> LeaveRequest:
    """Refuse a leave request; the requester stays at the post."""
    leave = _decide(session, leave_id=leave_id, leader=leader, now=now)
    leave.state = LeaveState.REJECTED
    session.flush()
    return leave


def return_from_leave(session: Session, *, leave_id: int, user: User, now: dt.datetime) -> LeaveRequest:
    """The requester is back at the post and carries it again."""
    leave = require_leave(session, leave_id, for_update=True)
    if leave.state is not LeaveState.APPROVED or leave.requester_id != user.id:
        raise LeaveNotPending(f"leave request {leave.id} is not an approved leave of {user.username}")
    leave.state, leave.returned_at = LeaveState.RETURNED, now
    duty_log.append(
        session,
        post_id=leave.post_id,
        kind=EntryKind.PRESENCE,
        text=f"{user.username} back at the post",
        author=user,
        now=now,
        ref=f"leave:{leave.id}",
        message=Message("msg.duty.back", {"user": user.username}),
    )
    session.flush()
    route_open_alerts(session, now=now)
    return leave


def list_leave(session: Session, *, states: tuple[LeaveState, ...] = ()) -> list[LeaveRequest]:
    """Leave requests (in `states`, or all), newest first."""
    stmt = select(LeaveRequest)
    if states:
        stmt = stmt.where(LeaveRequest.state.in_(states))
    return list(session.scalars(stmt.order_by(LeaveRequest.created_at.desc(), LeaveRequest.id.desc())))


def responsible_for(session: Session, *, post_id: int) -> User | None:
    """Who carries the post now: the substitute during an approved leave, else the person checked in."""
    stmt = select(LeaveRequest).where(
        LeaveRequest.post_id == post_id, LeaveRequest.state == LeaveState.APPROVED
    )
    leave = session.scalars(stmt.order_by(LeaveRequest.decided_at.desc()).limit(1)).first()
    if leave is not None:
        return leave.substitute
    present = on_duty(session, post_id=post_id)
    return present[0].user if present else None


def _watching(posts: list[Post], camera_name: str) -> list[Post]:
    """The posts that watch a camera: those naming it, else those naming no camera."""
    named = [p for p in posts if camera_name in p.cameras]
    return named or [p for p in posts if not p.cameras]


def _carrier(session: Session, posts: list[Post], camera_name: str) -> tuple[str | None, str]:
    """Who an alert of `camera_name` routes to now, and why (the post)."""
    for post in _watching(posts, camera_name):
        person = responsible_for(session, post_id=post.id)
        if person is not None:
            return person.username, post.name
    return None, "nobody carries a post watching this camera"


def _route(session: Session, alerts_: list[Alert], now: dt.datetime) -> int:
    """Route open camera alerts to whoever carries their post now; count the changes."""
    posts = roster.list_posts(session)
    carriers: dict[str, tuple[str | None, str]] = {}
    changed = 0
    for alert in alerts_:
        if alert.camera_name not in carriers:
            carriers[alert.camera_name] = _carrier(session, posts, alert.camera_name)
        to, why = carriers[alert.camera_name]
        changed += alerts.route(session, alert=alert, to=to, why=why, now=now)
    return changed


def route_alert(session: Session, *, alert: Alert, now: dt.datetime) -> bool:
    """Route one open camera alert to whoever carries its post now (the substitute during a leave, R5)."""
    if not alert.state.is_open or alert.camera_id is None:
        return False
    return _route(session, [alert], now) == 1


def route_open_alerts(session: Session, *, now: dt.datetime) -> int:
    """Re-route every open camera alert after a check-in, check-out, leave or return; count the changes."""
    open_states = [state for state in AlertState if state.is_open]
    stmt = select(Alert).where(Alert.state.in_(open_states), Alert.camera_id.is_not(None)).order_by(Alert.id)
    return _route(session, list(session.scalars(stmt)), now)

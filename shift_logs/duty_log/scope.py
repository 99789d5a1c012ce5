"""Who may write to a post's duty log (R4): the people rostered on the post around now (or checked in
there), the substitute of an approved leave at the post, and shift leaders. A correction of somebody
else's entry is the shift leader's. Refusals name the rule."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from access.roles import Role
from access.users.models import User
from shift_logs.duty_log.errors import NotAtPost, NotYourEntry
from shift_logs.duty_log.models import DutyEntry
from shift_logs.roster.models import LeaveRequest, LeaveState, Presence, RosterEntry

__all__ = ["GRACE", "require_at_post", "require_may_correct"]

GRACE = dt.timedelta(minutes=30)  # before the shift starts and after it ends (handover time)


def _rostered(session: Session, user_id: int, post_id: int, now: dt.datetime) -> bool:
    roster = exists().where(
        RosterEntry.user_id == user_id,
        RosterEntry.post_id == post_id,
        RosterEntry.starts_at <= now + GRACE,
        RosterEntry.ends_at > now - GRACE,
    )
    present = exists().where(
        Presence.user_id == user_id, Presence.post_id == post_id, Presence.checked_out_at.is_(None)
    )
    substitute = exists().where(
        LeaveRequest.substitute_id == user_id,
        LeaveRequest.post_id == post_id,
        LeaveRequest.state == LeaveState.APPROVED,
    )
    return bool(session.scalar(select(roster | present | substitute)))


def require_at_post(session: Session, *, user: User, post_id: int, now: dt.datetime) -> None:
    """Raise NotAtPost unless `user` leads shifts or is rostered on / substituting at `post_id` now."""
    if Role.SHIFT_LEADER in user.roles or _rostered(session, user.id, post_id, now):
        return
    raise NotAtPost(
        f"rule duty_log.post_scope: {user.username} is not rostered on post {post_id} now (nor substituting "
        "there); only its people and shift leaders write its duty log",
        detail={"rule": "duty_log.post_scope", "post_id": post_id},
    )


def require_may_correct(session: Session, *, user: User, entry: DutyEntry, now: dt.datetime) -> None:
    """Raise unless `user` may correct `entry`: at its post, and its author (anyone else's: shift leaders)."""
    require_at_post(session, user=user, post_id=entry.post_id, now=now)
    if entry.author_id != user.id and Role.SHIFT_LEADER not in user.roles:
        raise NotYourEntry(
            f"rule duty_log.correct_own: entry {entry.id} was written by {entry.author}; only its author "
            "or a shift leader may correct it",
            detail={"rule": "duty_log.correct_own", "entry_id": entry.id},
        )

"""Posts, shifts and the roster: who is on which post when (no overlaps for a person or a post)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from access.users.models import User
from core.messages import Message
from db import lookup
from devices.camera import service as camera_registry
from shift_logs.roster import post_admin
from shift_logs.roster.errors import (
    InvalidWindow,
    PostNameTaken,
    PostNotFound,
    RosterEntryInUse,
    RosterEntryNotFound,
    RosterOverlap,
    ShiftNotFound,
    UnknownCamera,
)
from shift_logs.roster.models import Post, Presence, PresenceFlag, RosterEntry, Shift
from shift_logs.rules import service as duty_rules
from shift_logs.rules.facts import RosterFacts, Slot

__all__ = [
    "create_post",
    "create_shift",
    "current_entry",
    "leaders_on_duty",
    "list_posts",
    "list_roster",
    "list_shifts",
    "next_entry",
    "require_post",
    "require_roster_entry",
    "require_shift",
    "roster",
]


def create_post(
    session: Session,
    *,
    name: str,
    title: str = "",
    checklist: Sequence[str] = (),
    cameras: Sequence[str] = (),
    roles: Sequence[str] = (),
) -> Post:
    """Create a post with its handover checklist, the cameras it watches (none named: the rest) and the
    roles allowed on it (none: any)."""
    if session.scalar(select(Post.id).where(Post.name == name)) is not None:
        raise PostNameTaken(f"a post called {name!r} exists already")
    known = camera_registry.registered_names(session, cameras)
    for index, camera in enumerate(cameras):
        if camera not in known:
            raise UnknownCamera(f"there is no camera called {camera!r}", field=f"cameras[{index}]")
    post = Post(
        name=name, title=title or name, checklist=list(checklist), cameras=list(cameras), roles=list(roles)
    )
    session.add(post)
    session.flush()
    return post


def require_post(session: Session, post_id: int) -> Post:
    """Return the post, or raise PostNotFound."""
    return lookup.require(session, Post, post_id, error=PostNotFound, what="post")


def list_posts(session: Session) -> list[Post]:
    """All active posts, by name."""
    return list(session.scalars(select(Post).where(Post.active.is_(True)).order_by(Post.name)))


def longest_shift(session_minutes: int) -> dt.timedelta:
    """The longest shift a console session of `session_minutes` covers: the session less an hour for the
    handover (a 13 h session: 12 h shifts)."""
    return dt.timedelta(minutes=session_minutes - 60 if session_minutes > 120 else session_minutes)


def create_shift(
    session: Session,
    *,
    name: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    leader: User | None,
    longest: dt.timedelta | None = None,
) -> Shift:
    """Create a shift (a working period of the room) with its leader, no longer than `longest` when given
    (so that a console session covers the whole shift)."""
    if ends_at <= starts_at:
        raise InvalidWindow("a shift must end after it starts", field="ends_at")
    if longest is not None and ends_at - starts_at > longest:
        hours = f"{longest.total_seconds() / 3600:g}"
        refused = InvalidWindow(
            f"a shift may last at most {hours} h, so that a console session covers it",
            field="ends_at",
        )
        refused.said = Message("msg.roster.shift_too_long", {"hours": hours})
        raise refused
    shift = Shift(name=name, starts_at=starts_at, ends_at=ends_at, leader_id=leader.id if leader else None)
    session.add(shift)
    session.flush()
    return shift


def require_shift(session: Session, shift_id: int) -> Shift:
    """Return the shift, or raise ShiftNotFound."""
    return lookup.require(session, Shift, shift_id, error=ShiftNotFound, what="shift")


def list_shifts(
    session: Session, *, limit: int, offset: int, since: dt.datetime | None = None
) -> tuple[list[Shift], int]:
    """Shifts, latest start first."""
    stmt = select(Shift)
    if since is not None:
        stmt = stmt.where(Shift.ends_at > since)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(stmt.order_by(Shift.starts_at.desc()).limit(limit).offset(offset))
    return list(rows), total


def _slot(e: RosterEntry) -> Slot:
    return Slot(e.user.username, e.post.name, e.shift_id, e.starts_at, e.ends_at)


def roster_facts(
    session: Session, *, shift: Shift, post: Post, user: User, starts_at: dt.datetime, ends_at: dt.datetime,
    exclude_id: int | None = None,
) -> RosterFacts:  # fmt: skip
    """The facts of putting `user` on `post` for a window: their slots nearby and the post's slots."""
    horizon = dt.timedelta(hours=72)
    near = and_(RosterEntry.starts_at < ends_at + horizon, RosterEntry.ends_at > starts_at - horizon)
    person = select(RosterEntry).where(RosterEntry.user_id == user.id, near)
    on_post = select(RosterEntry).where(RosterEntry.post_id == post.id, RosterEntry.shift_id == shift.id)
    skip = (lambda e: e.id == exclude_id) if exclude_id is not None else (lambda e: False)
    return RosterFacts(
        candidate=Slot(user.username, post.name, shift.id, starts_at, ends_at),
        person_slots=[_slot(e) for e in session.scalars(person) if not skip(e)],
        post_slots=[_slot(e) for e in session.scalars(on_post) if not skip(e)],
        shift_starts_at=shift.starts_at,
        shift_ends_at=shift.ends_at,
    )


def _overlapping(starts_at: dt.datetime, ends_at: dt.datetime) -> ColumnElement[bool]:
    return and_(RosterEntry.starts_at < ends_at, RosterEntry.ends_at > starts_at)


def roster(
    session: Session,
    *,
    shift_id: int,
    post_id: int,
    user: User,
    starts_at: dt.datetime | None = None,
    ends_at: dt.datetime | None = None,
    now: dt.datetime,
) -> RosterEntry:
    """Put `user` on a post for a window of a shift (the whole shift by default); no overlaps."""
    shift, post = require_shift(session, shift_id), require_post(session, post_id)
    start, end = starts_at or shift.starts_at, ends_at or shift.ends_at
    if end <= start:
        raise InvalidWindow("a roster entry must end after it starts", field="ends_at")
    if start < shift.starts_at or end > shift.ends_at:
        raise InvalidWindow("a roster entry must lie within its shift", field="starts_at")
    who = or_(RosterEntry.user_id == user.id, RosterEntry.post_id == post.id)
    clash = session.scalars(select(RosterEntry).where(who, _overlapping(start, end)).limit(1)).first()
    if clash is not None:
        whom = f"{user.username} is" if clash.user_id == user.id else f"post {post.name} is"
        raise RosterOverlap(
            f"{whom} already rostered from {clash.starts_at:%Y-%m-%d %H:%M} to {clash.ends_at:%H:%M} UTC",
            detail={"roster_id": clash.id},
        )
    post_admin.check_role_allowed(post, user)
    facts = roster_facts(session, shift=shift, post=post, user=user, starts_at=start, ends_at=end)
    # block refuses (409), warn is recorded
    duty_rules.check_action(session, facts, origin="roster", now=now)
    entry = RosterEntry(shift_id=shift.id, post_id=post.id, user_id=user.id, starts_at=start, ends_at=end)
    session.add(entry)
    session.flush()
    return entry


def _entry_in_use(session: Session, entry: RosterEntry) -> bool:
    used = select(Presence.id).where(Presence.roster_id == entry.id).limit(1)
    flagged = select(PresenceFlag.id).where(PresenceFlag.roster_id == entry.id).limit(1)
    return session.scalar(used) is not None or session.scalar(flagged) is not None


def remove_entry(session: Session, *, entry_id: int) -> None:
    """Take a roster entry off the roster, while nobody checked in on it and no problem was raised on it
    (then a leave and a substitute, or a new entry, record the change instead)."""
    entry = require_roster_entry(session, entry_id)
    if _entry_in_use(session, entry):
        raise RosterEntryInUse(
            f"{entry.user.username} on {entry.post.name} has presence records: "
            "approve a leave with a substitute instead",
            detail={"roster_id": entry.id},
        )
    session.delete(entry)
    session.flush()


def change_entry_person(session: Session, *, entry_id: int, user: User, now: dt.datetime) -> RosterEntry:
    """Give a roster entry's window to another person; overlaps and the duty rules are checked again."""
    entry = require_roster_entry(session, entry_id)
    shift_id, post_id, start, end = entry.shift_id, entry.post_id, entry.starts_at, entry.ends_at
    remove_entry(session, entry_id=entry_id)
    return roster(
        session, shift_id=shift_id, post_id=post_id, user=user, starts_at=start, ends_at=end, now=now
    )


def require_roster_entry(session: Session, entry_id: int) -> RosterEntry:
    """Return the roster entry, or raise RosterEntryNotFound."""
    return lookup.require(session, RosterEntry, entry_id, error=RosterEntryNotFound, what="roster entry")


def list_roster(
    session: Session,
    *,
    since: dt.datetime,
    until: dt.datetime,
    post_id: int | None = None,
    user_id: int | None = None,
) -> list[RosterEntry]:
    """Roster entries that overlap [since, until), by start time and post."""
    stmt = select(RosterEntry).where(_overlapping(since, until))
    if post_id is not None:
        stmt = stmt.where(RosterEntry.post_id == post_id)
    if user_id is not None:
        stmt = stmt.where(RosterEntry.user_id == user_id)
    return list(session.scalars(stmt.order_by(RosterEntry.starts_at, RosterEntry.post_id)))


def current_entry(
    session: Session, *, user_id: int, post_id: int, now: dt.datetime, early: dt.timedelta
) -> RosterEntry | None:
    """The person's roster entry on the post that is running now (or starts within `early`)."""
    stmt = select(RosterEntry).where(
        RosterEntry.user_id == user_id,
        RosterEntry.post_id == post_id,
        RosterEntry.starts_at <= now + early,
        RosterEntry.ends_at > now,
    )
    return session.scalars(stmt.order_by(RosterEntry.starts_at).limit(1)).first()


def next_entry(session: Session, *, post_id: int, after: dt.datetime) -> RosterEntry | None:
    """The post's roster entry that starts at or after `after` (the incoming operator)."""
    stmt = select(RosterEntry).where(RosterEntry.post_id == post_id, RosterEntry.starts_at >= after)
    return session.scalars(stmt.order_by(RosterEntry.starts_at).limit(1)).first()


def leaders_on_duty(session: Session, *, now: dt.datetime) -> list[str]:
    """User names of the leaders of the shifts running now (whom escalations should reach)."""
    stmt = (
        select(User.username)
        .join(Shift, Shift.leader_id == User.id)
        .where(Shift.starts_at <= now, Shift.ends_at > now, User.disabled.is_(False))
        .distinct()
        .order_by(User.username)
    )
    return list(session.scalars(stmt))

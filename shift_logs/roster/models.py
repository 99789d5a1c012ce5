"""Posts, shifts, the roster (who is on which post when), presence, leave-post requests, presence flags."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from access.users.models import User
from db.base import Base, CreatedAtMixin, str_enum

__all__ = [
    "FlagKind",
    "LeaveRequest",
    "LeaveState",
    "Post",
    "Presence",
    "PresenceFlag",
    "RosterEntry",
    "Shift",
]


class Post(CreatedAtMixin, Base):
    """A place in the room that is staffed (a console, a desk) with its handover checklist."""

    __tablename__ = "shift_posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    checklist: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True)
    # names of the cameras this post watches; empty: every camera not watched by another post
    cameras: Mapped[list[str]] = mapped_column(JSON, default=list)
    # roles a person needs to be rostered on this post; empty: any role that works in the room
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)


class Shift(CreatedAtMixin, Base):
    """A working period of the room (e.g. the day shift of 25 November), led by a shift leader."""

    __tablename__ = "shift_shifts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    starts_at: Mapped[dt.datetime] = mapped_column(index=True)
    ends_at: Mapped[dt.datetime]
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)

    leader: Mapped[User | None] = relationship(lazy="selectin")


class RosterEntry(CreatedAtMixin, Base):
    """One person on one post for a time window (within a shift)."""

    __tablename__ = "shift_roster"
    __table_args__ = (Index("ix_shift_roster_post_time", "post_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shift_shifts.id"), index=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("shift_posts.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    starts_at: Mapped[dt.datetime]
    ends_at: Mapped[dt.datetime]

    user: Mapped[User] = relationship(lazy="selectin")
    post: Mapped[Post] = relationship(lazy="selectin")
    shift: Mapped[Shift] = relationship(lazy="selectin")


class Presence(Base):
    """A check-in (and later its check-out) of a rostered person at their post."""

    __tablename__ = "shift_presence"

    id: Mapped[int] = mapped_column(primary_key=True)
    roster_id: Mapped[int] = mapped_column(ForeignKey("shift_roster.id"), index=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("shift_posts.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    checked_in_at: Mapped[dt.datetime]
    checked_out_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    late: Mapped[bool] = mapped_column(default=False)
    last_activity_at: Mapped[dt.datetime]

    user: Mapped[User] = relationship(lazy="selectin")
    roster: Mapped[RosterEntry] = relationship(lazy="selectin")


class LeaveState(enum.StrEnum):
    """Where a leave-post request stands."""

    REQUESTED = "requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    RETURNED = "returned"


class LeaveRequest(CreatedAtMixin, Base):
    """Leaving the post for a while: needs a shift leader's approval and a substitute on duty (R5)."""

    __tablename__ = "shift_leave"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("shift_posts.id"), index=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    substitute_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text)
    state: Mapped[LeaveState] = mapped_column(str_enum(LeaveState, 16), default=LeaveState.REQUESTED)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    decided_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    returned_at: Mapped[dt.datetime | None] = mapped_column(default=None)

    requester: Mapped[User] = relationship(foreign_keys=[requester_id], lazy="selectin")
    substitute: Mapped[User] = relationship(foreign_keys=[substitute_id], lazy="selectin")
    post: Mapped[Post] = relationship(lazy="selectin")


class FlagKind(enum.StrEnum):
    """Presence problems that are raised to the shift leader."""

    UNSTAFFED = "unstaffed"
    LATE_CHECKIN = "late_checkin"
    INACTIVE = "inactive"
    LATE_HANDOVER = "late_handover"


class PresenceFlag(Base):
    """A presence problem raised once per roster entry and kind (so a repeated scan does not repeat it)."""

    __tablename__ = "shift_flags"
    __table_args__ = (UniqueConstraint("roster_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    roster_id: Mapped[int] = mapped_column(ForeignKey("shift_roster.id"))
    post_id: Mapped[int] = mapped_column(ForeignKey("shift_posts.id"), index=True)
    kind: Mapped[FlagKind] = mapped_column(str_enum(FlagKind, 16))
    raised_at: Mapped[dt.datetime]
    detail: Mapped[str] = mapped_column(String(300), default="")
    # the detail as a message key with parameters (core.messages), shown in the reader's language
    message: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)

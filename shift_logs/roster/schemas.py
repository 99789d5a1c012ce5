"""Shapes of posts, shifts, the roster, presence, leave requests and presence flags."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import Field

from access.roles import Role
from core.schemas import ReadSchema, WriteSchema
from core.types import RowId, UtcDateTime
from shift_logs.roster.models import FlagKind, LeaveState
from shift_logs.schemas import UserRef

__all__ = [
    "CheckInCreate",
    "FlagRead",
    "LeaveCreate",
    "LeaveRead",
    "PostCreate",
    "PostRead",
    "PresenceRead",
    "RosterCreate",
    "RosterRead",
    "ShiftCreate",
    "ShiftRead",
]


class PostCreate(WriteSchema):
    """A new post and its handover checklist."""

    name: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9_-]*$")
    title: str = Field(default="", max_length=200)
    checklist: list[str] = Field(
        default_factory=list, max_length=50, description="Items checked at handover."
    )
    cameras: list[Annotated[str, Field(min_length=1, max_length=64)]] = Field(
        default_factory=list,
        max_length=500,
        description="Names of the cameras this post watches; alerts of these cameras route to whoever "
        "carries the post. Empty: every camera that no other post names.",
    )
    roles: list[Role] = Field(
        default_factory=list,
        max_length=5,
        description="Roles a person needs to be rostered on this post. Empty: any role.",
    )


class PostRead(ReadSchema):
    """A post."""

    id: int
    name: str
    title: str
    checklist: list[str]
    cameras: list[str]
    roles: list[str]
    active: bool


class ShiftCreate(WriteSchema):
    """A new shift."""

    name: str = Field(min_length=1, max_length=100)
    starts_at: UtcDateTime
    ends_at: UtcDateTime
    leader_id: RowId | None = None


class ShiftRead(ReadSchema):
    """A shift."""

    id: int
    name: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    leader: UserRef | None


class RosterCreate(WriteSchema):
    """A person on a post for (part of) a shift."""

    shift_id: RowId
    post_id: RowId
    user_id: RowId
    starts_at: UtcDateTime | None = None
    ends_at: UtcDateTime | None = None


class RosterRead(ReadSchema):
    """A roster entry."""

    id: int
    shift_id: int
    post: PostRead
    user: UserRef
    starts_at: dt.datetime
    ends_at: dt.datetime


class CheckInCreate(WriteSchema):
    """Checking in at a post."""

    post_id: RowId
    rules_version: int | None = Field(
        default=None, ge=1, description="The duty-rule version read and confirmed (needed once per version)."
    )


class PresenceRead(ReadSchema):
    """A check-in."""

    id: int
    post_id: int
    roster_id: int
    user: UserRef
    checked_in_at: dt.datetime
    checked_out_at: dt.datetime | None
    late: bool
    last_activity_at: dt.datetime


class LeaveCreate(WriteSchema):
    """A request to leave the post, naming a substitute on duty."""

    substitute_id: RowId
    reason: str = Field(min_length=1, max_length=1000)


class LeaveRead(ReadSchema):
    """A leave-post request."""

    id: int
    post_id: int
    requester: UserRef
    substitute: UserRef
    reason: str
    state: LeaveState
    decided_by_id: int | None
    decided_at: dt.datetime | None
    returned_at: dt.datetime | None
    created_at: dt.datetime


class FlagRead(ReadSchema):
    """A presence problem raised to the shift leader."""

    id: int
    roster_id: int
    post_id: int
    kind: FlagKind
    raised_at: dt.datetime
    detail: str

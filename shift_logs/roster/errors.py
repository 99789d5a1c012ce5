"""Errors of posts, shifts, the roster, presence and leave-post requests."""

from __future__ import annotations

from core.errors import Conflict, Forbidden, Invalid, InvalidTransition, NotFound

__all__ = [
    "AlreadyCheckedIn",
    "InvalidWindow",
    "LeaveNotFound",
    "LeaveNotPending",
    "NotCheckedIn",
    "NotRostered",
    "PostNameTaken",
    "PostNotFound",
    "RosterEntryInUse",
    "RosterEntryNotFound",
    "RosterOverlap",
    "RulesNotConfirmed",
    "SelfApproval",
    "ShiftNotFound",
    "SubstituteNotOnDuty",
    "UnknownCamera",
    "WrongRoleForPost",
]


class PostNotFound(NotFound):
    """No post with that id."""

    code = "post_not_found"


class ShiftNotFound(NotFound):
    """No shift with that id."""

    code = "shift_not_found"


class RosterEntryNotFound(NotFound):
    """No roster entry with that id."""

    code = "roster_entry_not_found"


class LeaveNotFound(NotFound):
    """No leave-post request with that id."""

    code = "leave_not_found"


class PostNameTaken(Conflict):
    """Another post already has that name."""

    code = "post_name_taken"


class InvalidWindow(Invalid):
    """A time window that ends before it starts, or lies outside its shift."""

    code = "invalid_window"


class RosterOverlap(Conflict):
    """The person, or the post, is already rostered for part of that time."""

    code = "roster_overlap"


class NotRostered(Conflict):
    """A check-in to a post the person is not rostered on now."""

    code = "not_rostered"


class AlreadyCheckedIn(Conflict):
    """The person is already checked in."""

    code = "already_checked_in"


class NotCheckedIn(InvalidTransition):
    """Checking out, or leaving the post, without being checked in."""

    code = "not_checked_in"


class SubstituteNotOnDuty(Invalid):
    """The named substitute is not checked in, or is the requester."""

    code = "substitute_not_on_duty"


class LeaveNotPending(InvalidTransition):
    """The leave request is not in a state that allows this step."""

    code = "leave_not_pending"


class SelfApproval(Forbidden):
    """Nobody approves their own leave."""

    code = "self_approval"


class RulesNotConfirmed(Invalid):
    """Checking in needs the duty rules in force read and confirmed (once per version)."""

    code = "rules_not_confirmed"


class UnknownCamera(Invalid):
    """A post names a camera that is not registered."""

    code = "unknown_camera"


class RosterEntryInUse(Conflict):
    """The roster entry has presence records (someone checked in, or a problem was raised on it)."""

    code = "roster_entry_in_use"


class WrongRoleForPost(Invalid):
    """The person holds none of the roles the post allows."""

    code = "wrong_role_for_post"

"""Errors of recorded footage.

ControlroomError
├── NotFound
│   ├── HoldNotFound, RequestNotFound, PlaybackNotFound, ExportNotFound
│   └── NoFootage              nothing recorded in the asked range
├── Forbidden
│   ├── GrantRefused           no grant, not yours, expired, camera or range outside it (R7)
│   └── SamePerson             the placer/requester may not release/decide it themselves
├── Conflict
│   ├── HoldOverlaps           an active hold already covers part of the range
│   └── InvalidTransition
│       ├── HoldAlreadyReleased
│       └── RequestAlreadyDecided
├── Invalid
│   └── BadRange               reversed, empty or too long a time range
└── Unavailable
    └── StorageFull            the footage storage has no room left
"""

from __future__ import annotations

from core.errors import Conflict, Forbidden, Invalid, InvalidTransition, NotFound, Unavailable

__all__ = [
    "BadRange",
    "ExportNotFound",
    "GrantRefused",
    "HoldAlreadyReleased",
    "HoldNotFound",
    "HoldOverlaps",
    "NoFootage",
    "PlaybackNotFound",
    "RequestAlreadyDecided",
    "RequestNotFound",
    "SamePerson",
    "StorageFull",
]


class HoldNotFound(NotFound):
    """No evidence hold with that id."""

    code = "hold_not_found"


class RequestNotFound(NotFound):
    """No footage-access request (grant) with that id."""

    code = "request_not_found"


class PlaybackNotFound(NotFound):
    """No open playback with that id for this user (or it has expired)."""

    code = "playback_not_found"


class ExportNotFound(NotFound):
    """No export with that id for this user."""

    code = "export_not_found"


class NoFootage(NotFound):
    """Nothing was recorded in the asked range."""

    code = "no_footage"


class GrantRefused(Forbidden):
    """The caller's grant does not cover this (or there is none); the message says why."""

    code = "grant_refused"


class SamePerson(Forbidden):
    """Separation of duties: the person who asked (or placed) may not decide (or release)."""

    code = "same_person"


class HoldOverlaps(Conflict):
    """An active hold on the same camera already covers part of the range."""

    code = "hold_overlaps"


class HoldAlreadyReleased(InvalidTransition):
    """The hold was released already."""

    code = "hold_already_released"


class RequestAlreadyDecided(InvalidTransition):
    """The request was approved or refused already."""

    code = "request_already_decided"


class BadRange(Invalid):
    """A reversed, empty or too long time range."""

    code = "bad_range"


class StorageFull(Unavailable):
    """The footage storage has no room left."""

    code = "storage_full"

"""Errors of the compliance record.

NotFound
└── ViolationNotFound     404
InvalidTransition
└── ViolationResolved     409  the violation is resolved already
Invalid
└── NotCurrentVersion     422  a confirmation must name the version in force
"""

from __future__ import annotations

from core.errors import Invalid, InvalidTransition, NotFound

__all__ = ["NotCurrentVersion", "ViolationNotFound", "ViolationResolved"]


class ViolationNotFound(NotFound):
    """No such violation."""

    code = "violation_not_found"


class ViolationResolved(InvalidTransition):
    """A violation is resolved once."""

    code = "violation_resolved"


class NotCurrentVersion(Invalid):
    """Confirming a version that is not in force."""

    code = "not_current_version"

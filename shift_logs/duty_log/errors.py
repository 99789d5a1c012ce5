"""Errors of the duty log."""

from __future__ import annotations

from core.errors import Invalid, NotFound

__all__ = ["DutyEntryNotFound", "InvalidCorrection"]


class DutyEntryNotFound(NotFound):
    """No duty-log entry with that id."""

    code = "duty_entry_not_found"


class InvalidCorrection(Invalid):
    """A correction must point at an entry of the same post's log."""

    code = "invalid_correction"

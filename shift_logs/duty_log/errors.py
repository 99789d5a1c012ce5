"""Errors of the duty log."""

from __future__ import annotations

from core.errors import Forbidden, Invalid, NotFound

__all__ = ["DutyEntryNotFound", "InvalidCorrection", "NotAtPost", "NotYourEntry"]


class DutyEntryNotFound(NotFound):
    """No duty-log entry with that id."""

    code = "duty_entry_not_found"


class InvalidCorrection(Invalid):
    """A correction must point at an entry of the same post's log."""

    code = "invalid_correction"


class NotAtPost(Forbidden):
    """Rule duty_log.post_scope: only the post's people (rostered, checked in, substituting) and shift
    leaders write to its duty log."""

    code = "not_at_post"


class NotYourEntry(Forbidden):
    """Rule duty_log.correct_own: another person's entry is corrected by a shift leader."""

    code = "not_your_entry"

"""Errors of the alert queue."""

from __future__ import annotations

from core.errors import Invalid, InvalidTransition, NotFound

__all__ = ["AlertAlreadyHandled", "AlertNotFound", "UnknownResponder"]


class AlertNotFound(NotFound):
    """No alert with that id."""

    code = "alert_not_found"


class AlertAlreadyHandled(InvalidTransition):
    """Someone else got there first (acknowledged or closed it)."""

    code = "alert_already_handled"


class UnknownResponder(Invalid):
    """A dispatch names a responder that is not configured."""

    code = "unknown_responder"

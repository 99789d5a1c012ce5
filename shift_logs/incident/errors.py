"""Errors of incidents."""

from __future__ import annotations

from core.errors import Conflict, Invalid, InvalidTransition, NotFound

__all__ = ["AlertAlreadyOpened", "IncidentNotFound", "IncidentStateError", "OutcomeRequired", "UnknownAlert"]


class IncidentNotFound(NotFound):
    """No incident with that id."""

    code = "incident_not_found"


class AlertAlreadyOpened(Conflict):
    """An incident was opened from that alert already."""

    code = "alert_already_opened"


class IncidentStateError(InvalidTransition):
    """The incident is not in a state that allows this step."""

    code = "incident_state"


class OutcomeRequired(Invalid):
    """Closing an incident needs a written outcome."""

    code = "outcome_required"


class UnknownAlert(Invalid):
    """An incident names an alert that does not exist."""

    code = "unknown_alert"

"""Errors of incidents."""

from __future__ import annotations

from core.errors import Conflict, Invalid, InvalidTransition, NotFound

__all__ = [
    "AlertAlreadyOpened",
    "IncidentNotFound",
    "IncidentStateError",
    "OutcomeRequired",
    "ReplyLinkInvalid",
    "ReportInvalid",
    "ReportStageError",
    "UnknownAlert",
]


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


class ReportStageError(IncidentStateError):
    """The report is not at a stage that allows this step; `detail.stage` names where it is."""

    code = "report_stage"


class ReportInvalid(Invalid):
    """A step of a report's follow-through lacks something it needs (names the field)."""

    code = "report_invalid"


class ReplyLinkInvalid(NotFound):
    """A reply link that is unknown, forged, expired or used already (all look the same to the caller)."""

    code = "reply_link_invalid"

"""The one error hierarchy of controlroom. Domain code raises these; `api/errors.py` maps each base to HTTP.

ControlroomError
├── Unauthenticated     401  no valid session or token, or the login was refused
├── NotFound            404  the thing asked for does not exist (or is not visible to the caller)
├── Forbidden           403  the caller may not do this (role, grant, separation of duties)
├── Conflict            409  the request clashes with the stored state (duplicate, already done)
│   └── InvalidTransition  409  a state machine refuses this step
├── Invalid             422  the input is well-formed but breaks a rule; names the field
├── Throttled           429  too many attempts; `retry_after_s` says when to try again
├── Unavailable         503  a dependency (database, broker, camera) cannot be reached now
└── ConfigError         exit 2 at start-up; names the key path
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "ConfigError",
    "Conflict",
    "ControlroomError",
    "Forbidden",
    "Invalid",
    "InvalidTransition",
    "NotFound",
    "Throttled",
    "Unauthenticated",
    "Unavailable",
]


class ControlroomError(Exception):
    """Base of every error controlroom raises on purpose; `code` is a stable machine-readable name."""

    code = "error"
    # the user name whose password check failed, when this error is one: the failure is already counted in
    # the request's transaction, which the HTTP layer then commits instead of rolling back
    failed_login: str = ""
    # the message as a catalogue key with parameters (core.messages.Message), when the console should show
    # it in the reader's language; the API keeps `message` (English) and adds the key and parameters
    said: Any = None

    def __init__(self, message: str, *, detail: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


class Unauthenticated(ControlroomError):
    """No valid session or token, or a login that was refused."""

    code = "unauthenticated"


class NotFound(ControlroomError):
    """The requested object does not exist."""

    code = "not_found"


class Forbidden(ControlroomError):
    """The caller's role or grant does not allow this."""

    code = "forbidden"


class Conflict(ControlroomError):
    """The request clashes with the stored state."""

    code = "conflict"


class InvalidTransition(Conflict):
    """A state machine refuses this step from the current state."""

    code = "invalid_transition"


class Invalid(ControlroomError):
    """Input that parses but breaks a rule; `field` names the offending input."""

    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None, detail: Any = None) -> None:
        super().__init__(message, detail=detail)
        self.field = field


class Throttled(ControlroomError):
    """Too many attempts; try again after `retry_after_s` seconds."""

    code = "throttled"

    def __init__(self, message: str, *, retry_after_s: float, detail: Any = None) -> None:
        super().__init__(message, detail=detail)
        self.retry_after_s = retry_after_s


class Unavailable(ControlroomError):
    """A dependency cannot be reached right now; retrying later may succeed."""

    code = "unavailable"


class ConfigError(ControlroomError):
    """The configuration is invalid; the message names the key path and the reason."""

    code = "config_error"

"""Errors of periodic reports.

ControlroomError
├── NotFound
│   └── StoredReportNotFound   no stored report with that id
└── Invalid
    ├── BadPeriod              unknown period kind, a malformed `at`, a range ending before it starts
    └── BadScope               unknown scope kind, post or camera group
"""

from __future__ import annotations

from core.errors import Invalid, NotFound

__all__ = ["BadPeriod", "BadScope", "StoredReportNotFound"]


class BadPeriod(Invalid):
    """The period cannot be understood or is empty, reversed or too long."""

    code = "bad_period"


class BadScope(Invalid):
    """The scope names an unknown kind, post or camera group."""

    code = "bad_scope"


class StoredReportNotFound(NotFound):
    """No stored report with that id."""

    code = "stored_report_not_found"

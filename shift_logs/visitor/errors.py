"""Errors of the visitor register."""

from __future__ import annotations

from core.errors import InvalidTransition, NotFound

__all__ = ["VisitNotFound", "VisitStateError"]


class VisitNotFound(NotFound):
    """No visit with that id."""

    code = "visit_not_found"


class VisitStateError(InvalidTransition):
    """The visit is not in a state that allows this step."""

    code = "visit_state"

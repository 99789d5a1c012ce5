"""Errors of the unit register."""

from __future__ import annotations

from core.errors import Conflict, NotFound

__all__ = ["UnitNameTaken", "UnitNotFound"]


class UnitNotFound(NotFound):
    """No unit with that id."""

    code = "unit_not_found"


class UnitNameTaken(Conflict):
    """A unit with that name exists already."""

    code = "unit_name_taken"

"""Shapes of units."""

from __future__ import annotations

from pydantic import Field

from core.schemas import ReadSchema, WriteSchema

__all__ = ["UnitCreate", "UnitRead", "UnitUpdate"]


class UnitCreate(WriteSchema):
    """A new unit; `reply_days` overrides the duty rules' reply deadline for this unit."""

    name: str = Field(min_length=1, max_length=200)
    contact: str = Field(default="", max_length=200)
    external: bool = False
    reply_days: int | None = Field(default=None, ge=1, le=180)


class UnitUpdate(WriteSchema):
    """Deactivate or change a unit's contact."""

    active: bool | None = None
    contact: str | None = Field(default=None, max_length=200)


class UnitRead(ReadSchema):
    """A unit."""

    id: int
    name: str
    contact: str
    external: bool
    reply_days: int | None
    active: bool
